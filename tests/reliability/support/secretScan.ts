// Where a secret could end up, and a scan of all of it. A scenario collects the places it produced (CLI
// output, state exports, the emulator's request log, every file under the stack's backend and
// PULUMI_HOME) and asserts the count is 0; the count also goes into docs/reliability.md.
import * as fs from "node:fs";
import * as path from "node:path";

/** Every access token the emulator mints starts with this (emulator/src/tokens.ts). */
export const EMULATOR_ACCESS_TOKEN_PREFIX = "ya29.emu-";

/** The text of every regular file under `dir` (binary files are read as text too: a token is ASCII). */
export function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[file] = fs.readFileSync(file, "latin1");
  }
  return out;
}

/** How many times any of `secrets` occurs in any of `places`; `findings` names where. */
export function scanForSecrets(
  secrets: readonly string[],
  places: Record<string, string>,
): { count: number; findings: string[] } {
  const findings: string[] = [];
  let count = 0;
  for (const [where, text] of Object.entries(places)) {
    for (const secret of secrets) {
      if (secret.length < 6) throw new Error(`refusing to scan for a secret this short: it proves nothing`);
      const n = text.split(secret).length - 1;
      if (n > 0) findings.push(`${where}: ${n}× ${secret.slice(0, 4)}…`);
      count += n;
    }
  }
  return { count, findings };
}
