/**
 * Validation of a ProjectBillingLink's arguments in the program, where the values are plain strings.
 *
 * `check` is the authority (it also sees values computed from other resources), but the engine stops a
 * preview at the first resource whose check fails, so a program with several bad links would show only
 * one per run. The program therefore reports every bad declaration it can see as an error on its
 * resource; `check` then points at those reports instead of repeating them.
 */
import * as pulumi from "@pulumi/pulumi";
import { normalizeInputs } from "./inputs";

/** The input that tells `check` the program already reported this resource's problems. */
export const REPORTED_BY_PROGRAM = "__problemsReportedByProgram";

/** The problems in the arguments that are already known; values still to be computed are skipped. */
export function declarationProblems(args: Record<string, unknown>): string[] {
  const known = Object.fromEntries(
    Object.entries(args).filter(([, v]) => !pulumi.Output.isInstance(v) && !(v instanceof Promise)),
  );
  const checked = new Set(Object.keys(known));
  // Every value left here is plain: the engine's unknown marker among them was typed in.
  return normalizeInputs(known, {}, { unknowns: false })
    .failures.filter((f) => checked.has(f.property))
    .map((f) => f.reason);
}

/**
 * Reports each problem as an error naming the resource. Not attached to the resource itself: that would
 * wait for its registration, which the engine never answers once a preview has failed.
 */
export function reportDeclarationProblems(name: string, problems: string[]): void {
  for (const problem of problems) void pulumi.log.error(`ProjectBillingLink "${name}": ${problem}`);
}
