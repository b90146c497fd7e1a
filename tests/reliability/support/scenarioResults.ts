// What each reliability scenario measured, for docs/reliability.md. A test records its row only after its
// assertions passed, so every row in the report is a scenario that held; `npm run reliability:report`
// renders the rows of the last run (test-artifacts/reliability/*.json) into the document.
import * as fs from "node:fs";
import * as path from "node:path";

export const RESULTS_DIR = path.resolve(__dirname, "..", "..", "..", "test-artifacts", "reliability");

export interface ScenarioResult {
  /** Short name, unique across the suite; also the row's key in docs/reliability.md. */
  scenario: string;
  /** The test that measured it: `file.test.ts › name`. */
  test: string;
  /** The faults injected, in words (rates, counts, what was killed or revoked). */
  faults: string;
  /** What held, in words (e.g. "up succeeded; state = declared"). */
  outcome: string;
  /** Declared links not true at the end, or state entries that disagree with the API. */
  lost: number;
  /** Occurrences of a secret in any place the scenario scanned. */
  leaked: number;
  /** HTTP attempts beyond the first of each logical call, from the emulator's request log. */
  retries: number;
  durationMs: number;
}

export function recordScenario(result: ScenarioResult): void {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${result.scenario.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}.json`);
  fs.writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
}

/** Times `run`, returning its duration in ms with its value. */
export async function timed<T>(run: () => Promise<T>): Promise<{ value: T; durationMs: number }> {
  const start = Date.now();
  const value = await run();
  return { value, durationMs: Date.now() - start };
}
