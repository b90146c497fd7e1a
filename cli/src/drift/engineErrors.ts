/**
 * Turns what the engine reported as errors into the report's errors: attached to the link whose read
 * failed when the engine names its URN, else to the stack; the sdk's hint split onto its own field;
 * every message redacted and flattened to one line.
 */
import { RECORDED_CONFIG_NOTE } from "../../../provider/src/providerError";
import type { StackLink } from "./classify";
import { safeLine, type Redactor } from "./redact";
import type { EngineError } from "./refreshEvents";
import type { ReportError } from "./report";

/** The sdk appends its hint as " Hint: …" (sdk/src/errorFactory.ts); the engine prefixes the step. */
const HINT_SEPARATOR = " Hint: ";
const ENGINE_PREFIX = /^(Preview|Refresh|Update) failed: /;
/**
 * The provider tells a plain refresh that it runs on the config of the last `up`; the drift check runs
 * the program, so the current config is what failed, and that note would send the reader astray.
 */
const RECORDED_CONFIG = ` Note: ${RECORDED_CONFIG_NOTE}`;

export function reportErrorsFromEngine(
  errors: readonly EngineError[],
  links: readonly StackLink[],
  redact: Redactor,
): ReportError[] {
  const byUrn = new Map(links.map((l) => [l.urn, l]));
  return errors.map((e) => {
    const link = e.urn ? byUrn.get(e.urn) : undefined;
    const text = e.message.replace(ENGINE_PREFIX, "").replace(RECORDED_CONFIG, "");
    const at = text.indexOf(HINT_SEPARATOR);
    const message = safeLine(at < 0 ? text : text.slice(0, at), redact);
    const hint = at < 0 ? undefined : safeLine(text.slice(at + HINT_SEPARATOR.length), redact);
    return {
      scope: link ? "link" : "stack",
      ...(link ? { projectId: link.projectId } : {}),
      message: link ? `reading the link of ${link.projectId} failed: ${message}` : message,
      ...(hint ? { hint } : {}),
    };
  });
}

/**
 * The useful lines of a failed pulumi command that produced no engine events (stack not found, wrong
 * passphrase, program crash): its `error:` lines, else its first non-empty line of stderr.
 */
export function commandFailureText(stderr: string, redact: Redactor): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim());
  const errorLines = lines.filter((l) => /^error: /i.test(l)).map((l) => l.replace(/^error: /i, ""));
  const chosen = errorLines.length > 0 ? errorLines.join(" ") : (lines.find((l) => l !== "") ?? "");
  return safeLine(chosen || "the pulumi command failed without a message", redact);
}
