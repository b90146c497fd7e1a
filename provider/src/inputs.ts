/** Validation and normalisation of ProjectBillingLink inputs: pure, so `check` and `diff` stay cheap. */
import { InvalidResourceNameError, parseBillingAccountName, parseProjectId } from "../../sdk/src";
import { DELETION_POLICIES, type DeletionPolicy, type ProjectBillingLinkInputs } from "./types";

/** The engine passes this string for values not yet known during preview. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface InputFailure {
  property: keyof ProjectBillingLinkInputs;
  reason: string;
}

export interface NormalisedInputs {
  inputs: ProjectBillingLinkInputs;
  failures: InputFailure[];
}

type Raw = Record<string, unknown>;

/** Normalises what a program declared; unknown (preview-time) values pass through untouched. */
export function normaliseInputs(raw: Raw): NormalisedInputs {
  const failures: InputFailure[] = [];
  const projectId = normalise(raw.projectId, "projectId", parseProjectId, failures);
  const billingAccount = normalise(raw.billingAccount, "billingAccount", parseBillingAccountName, failures);
  const deletionPolicy = normaliseDeletionPolicy(raw.deletionPolicy, failures);
  return { inputs: { projectId, billingAccount, deletionPolicy }, failures };
}

function normalise(
  value: unknown,
  property: "projectId" | "billingAccount",
  parse: (input: string, field?: string) => string,
  failures: InputFailure[],
): string {
  if (value === UNKNOWN_VALUE) return value;
  if (value === undefined || value === null || value === "") {
    failures.push({ property, reason: `${property} is required` });
    return "";
  }
  if (typeof value !== "string") {
    failures.push({ property, reason: `${property} must be a string, got ${typeof value}` });
    return "";
  }
  try {
    return parse(value, property);
  } catch (err) {
    if (err instanceof InvalidResourceNameError) {
      failures.push({ property, reason: err.message });
      return value;
    }
    throw err;
  }
}

function normaliseDeletionPolicy(value: unknown, failures: InputFailure[]): DeletionPolicy {
  if (value === undefined || value === null || value === "") return "unlink";
  if (value === UNKNOWN_VALUE) return "unlink";
  if (typeof value === "string" && (DELETION_POLICIES as readonly string[]).includes(value)) {
    return value as DeletionPolicy;
  }
  failures.push({
    property: "deletionPolicy",
    reason: `deletionPolicy must be one of ${DELETION_POLICIES.map((p) => `"${p}"`).join(", ")}; got ${JSON.stringify(value)}`,
  });
  return "unlink";
}

/** Canonical form for comparisons; tolerant of state written by older versions or by hand. */
export function canonicalAccount(value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") return "";
  try {
    return parseBillingAccountName(value);
  } catch {
    return value.trim();
  }
}
