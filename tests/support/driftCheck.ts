// Runs `gcp-billing-link drift` as a pipeline would (a child process, its exit code, its files) on a
// BillingStack, and checks what every drift run must do: leave the state byte-identical, print no
// secret, and write a report that validates against the published schema.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { runCli } from "../browser/support/cliProcess";
import type { DriftReport } from "../../cli/src/drift/report";
import {
  ADMIN_REFRESH_TOKEN,
  ALICE_REFRESH_TOKEN,
  DEMO_CLIENT_SECRET,
  type BillingStack,
} from "./billingStack";
import { schemaErrors } from "./driftReports";

/** What may never appear in any output: the seed's refresh tokens, client secrets, and access tokens. */
const SECRETS = [
  ALICE_REFRESH_TOKEN,
  ADMIN_REFRESH_TOKEN,
  DEMO_CLIENT_SECRET,
  "emu-rt-",
  "gcloud-adc-secret-not-a-real-secret",
  "ya29.",
];

export interface DriftRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The JSON report the run wrote (every run writes one). */
  report: DriftReport;
  /** The other files it wrote, by extension (`.md`, `.txt`), when asked for with `extraOutputs`. */
  files: Record<string, string>;
}

export const EXIT = { clean: 0, findings: 3, error: 1 } as const;

/** Every file of the stack's file backend, by path: state, backups, history, locks. */
export function backendSnapshot(env: BillingStack): Map<string, string> {
  const root = path.join(env.stateDir, "backend");
  const files = new Map<string, string>();
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files.set(path.relative(root, file), fs.readFileSync(file).toString("base64"));
  }
  return files;
}

export async function runDrift(
  env: BillingStack,
  args: string[] = [],
  options: { extraOutputs?: string[] } = {},
): Promise<DriftRun> {
  const dir = fs.mkdtempSync(path.join(env.stateDir, "drift-"));
  const json = path.join(dir, "report.json");
  const extra = (options.extraOutputs ?? []).map((ext) => path.join(dir, `report${ext}`));
  const before = backendSnapshot(env);
  const run = await runCli(
    [
      "drift",
      "--stack",
      env.stack.name,
      "--cwd",
      env.stack.workspace.workDir,
      "--output",
      json,
      ...extra.flatMap((f) => ["--output", f]),
      ...args,
    ],
    env.envVars,
  );
  const context = `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
  assert.deepEqual(
    backendSnapshot(env),
    before,
    `the drift check changed the stack's backend files\n${context}`,
  );
  assert.ok(fs.existsSync(json), `no JSON report was written\n${context}`);
  const text = fs.readFileSync(json, "utf8");
  const report = JSON.parse(text) as DriftReport;
  assert.deepEqual(schemaErrors(report), [], `the report does not match its schema\n${text}`);
  const files = Object.fromEntries(extra.map((f) => [path.extname(f), fs.readFileSync(f, "utf8")]));
  for (const output of [run.stdout, run.stderr, text, ...Object.values(files)]) {
    for (const secret of SECRETS)
      assert.ok(!output.includes(secret), `a secret (${secret.slice(0, 6)}…) was printed`);
  }
  return { code: run.code, stdout: run.stdout, stderr: run.stderr, report, files };
}
