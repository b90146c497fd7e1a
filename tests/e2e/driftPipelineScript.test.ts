// examples/pipelines/drift-check.sh, the drift check for any CI, run as a pipeline would run it against
// the emulator: exit 0 and both reports when clean, 3 with the finding in the Markdown when a project was
// relinked, and a failure (never 0) with a message when the stack does not exist.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, test } from "@jest/globals";
import { ROOT } from "../browser/support/cliProcess";
import { ACCOUNTS, createBillingStack, type BillingStack } from "../support/billingStack";
import { EXIT } from "../support/driftCheck";
import { schemaErrors } from "../support/driftReports";
import { builtFile } from "../support/builtPackage";

const SCRIPT = path.join(ROOT, "examples", "pipelines", "drift-check.sh");

function runScript(
  env: BillingStack,
  args: string[],
  reportDir: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [SCRIPT, ...args], {
      cwd: ROOT,
      env: {
        ...env.envVars,
        DRIFT_REPORT_DIR: reportDir,
        // This checkout's built CLI; a user's pipeline gets it from its node_modules.
        GCP_BILLING_LINK: `${process.execPath} ${builtFile("cli/src/main.js")}`,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("examples/pipelines/drift-check.sh", () => {
  let env: BillingStack;
  beforeAll(async () => {
    env = await createBillingStack();
    await env.declare([
      { name: "prod", projectId: "demo-app-prod", billingAccount: ACCOUNTS.sandbox },
      { name: "data", projectId: "demo-data", billingAccount: ACCOUNTS.sandbox },
    ]);
    await env.stack.up();
  });
  afterAll(() => env.cleanup());

  const workDir = () => env.stack.workspace.workDir;

  test("clean: exit 0, a valid JSON report and a Markdown one", async () => {
    const dir = path.join(env.stateDir, "clean");
    const run = await runScript(env, [env.stack.name, workDir()], dir);
    assert.equal(run.code, EXIT.clean, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`drift-check: stack ${env.stack.name} has no billing drift\\.`));
    const report: unknown = JSON.parse(fs.readFileSync(path.join(dir, "drift-report.json"), "utf8"));
    assert.deepEqual(schemaErrors(report), []);
    assert.equal(
      (report as { checks: { unmanaged: boolean } }).checks.unmanaged,
      true,
      "--unmanaged by default",
    );
    assert.match(fs.readFileSync(path.join(dir, "drift-report.md"), "utf8"), /^## ✅ Billing drift/);
  });

  test("drift: exit 3, and the Markdown names the project and both accounts", async () => {
    await env.admin.updateProjectBillingInfo("demo-app-prod", ACCOUNTS.main);
    const dir = path.join(env.stateDir, "drift");
    const run = await runScript(env, [env.stack.name, workDir()], dir);
    assert.equal(run.code, EXIT.findings, run.stdout + run.stderr);
    assert.match(run.stderr, /drift-check: billing DRIFT in stack/);
    const md = fs.readFileSync(path.join(dir, "drift-report.md"), "utf8");
    assert.ok(
      md.includes(
        `| **relinked** | \`demo-app-prod\` (\`prod\`) | \`${ACCOUNTS.sandbox}\` | \`${ACCOUNTS.main}\` |`,
      ),
    );
    await env.admin.updateProjectBillingInfo("demo-app-prod", ACCOUNTS.sandbox);
  });

  test("a stack that does not exist: the error code and a line that says drift is unknown", async () => {
    const dir = path.join(env.stateDir, "missing");
    const run = await runScript(env, ["no-such-stack", workDir()], dir);
    assert.equal(run.code, EXIT.error, run.stdout + run.stderr);
    assert.match(run.stderr, /the check of stack no-such-stack FAILED \(exit 1\), so drift is unknown/);
    const report = JSON.parse(fs.readFileSync(path.join(dir, "drift-report.json"), "utf8")) as {
      status: string;
      errors: Array<{ message: string }>;
    };
    assert.equal(report.status, "error");
    assert.match(report.errors[0]?.message ?? "", /no-such-stack/);
  });

  test("usage: no stack given is a usage error", async () => {
    const run = await runScript(env, [], path.join(env.stateDir, "usage"));
    assert.equal(run.code, 2);
    assert.match(run.stderr, /usage: .*drift-check\.sh STACK \[PROJECT_DIR\]/);
  });
});
