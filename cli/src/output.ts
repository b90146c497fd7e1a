/**
 * Everything the CLI prints goes through a Logger, so verbs stay testable with a capturing logger and
 * only main.ts touches process.stdout/stderr. `info` is the command's answer (stdout); `warn` and
 * `error` are diagnostics (stderr).
 */
export interface Logger {
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** A logger that keeps every line, for tests and for callers that want to inspect output. */
export function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (l) => lines.push(l),
    warn: (l) => lines.push(l),
    error: (l) => lines.push(l),
  };
}

/** `fail` makes doctor exit non-zero; `warn` and `info` never do. */
export type CheckStatus = "ok" | "fail" | "warn" | "info";

export interface Check {
  /** Short label, e.g. "Credentials". */
  name: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do about it (for fail/warn). */
  fix?: string;
}

const MARK: Record<CheckStatus, string> = { ok: "[ ok ]", fail: "[FAIL]", warn: "[warn]", info: "[info]" };

/** One checklist entry as lines: `[ ok ] Name: detail`, then an indented `fix:` line if any. */
export function formatCheck(check: Check): string[] {
  const lines = [`${MARK[check.status]} ${check.name}: ${oneLine(check.detail)}`];
  if (check.fix) lines.push(`       fix: ${oneLine(check.fix)}`);
  return lines;
}

/**
 * Text from servers or other programs is printed on one line, without control characters (which
 * could rewrite the terminal), and capped.
 */
export function oneLine(text: string, maxChars = 600): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").trim();
  return flat.length > maxChars ? `${flat.slice(0, maxChars)}…` : flat;
}
