// `gcp-billing-link drift` under the real engine, one finding kind at a time: each report names the
// project and both accounts in its JSON (validated against the schema), text and Markdown, and exits
// with the findings code; a clean stack exits 0. Every run leaves the state byte-identical and prints
// no secret (tests/support/driftCheck.ts).
import assert from "node:assert/strict";
import { afterAll, beforeAll, describe, test } from "@jest/globals";
import {
  ACCOUNTS,
  ADMIN_REFRESH_TOKEN,
  createBillingStack,
  writeCredentialsFile,
  type BillingStack,
} from "../support/billingStack";
import { EXIT, runDrift, type DriftRun } from "../support/driftCheck";

const SANDBOX = ACCOUNTS.sandbox;
const MAIN = ACCOUNTS.main;

/** The only finding of a run, after checking the run found exactly that. */
function onlyFinding(run: DriftRun) {
  const context = `${run.stdout}\n${run.stderr}`;
  assert.equal(run.code, EXIT.findings, context);
  assert.equal(run.report.status, "findings");
  assert.equal(run.report.findings.length, 1, context);
  return run.report.findings[0]!;
}

describe("drift: each finding kind", () => {
  let env: BillingStack;
  beforeAll(async () => {
    env = await createBillingStack();
    // Every link on one account, so `--unmanaged` lists exactly the stack's projects when nothing drifted.
    await env.declare([
      { name: "prod", projectId: "demo-app-prod", billingAccount: SANDBOX },
      { name: "staging", projectId: "demo-app-staging", billingAccount: SANDBOX },
      { name: "data", projectId: "demo-data", billingAccount: SANDBOX },
      { name: "one", projectId: "sandbox-one", billingAccount: SANDBOX },
    ]);
    await env.stack.up();
  });
  afterAll(() => env.cleanup());

  test("no findings: exit 0, every link in sync, the declared account lists only the stack's projects", async () => {
    const run = await runDrift(env, ["--unmanaged"], { extraOutputs: [".md"] });
    assert.equal(run.code, EXIT.clean, run.stdout + run.stderr);
    assert.equal(run.report.status, "clean");
    assert.deepEqual(
      run.report.links.map((l) => [l.projectId, l.status]),
      [
        ["demo-app-prod", "inSync"],
        ["demo-app-staging", "inSync"],
        ["demo-data", "inSync"],
        ["sandbox-one", "inSync"],
      ],
    );
    assert.deepEqual(run.report.accounts, [
      { billingAccount: SANDBOX, status: "listed", projectCount: 4, unmanagedCount: 0 },
    ]);
    assert.match(run.stdout, /Result: no drift — all 4 link\(s\) are as declared\./);
    assert.match(run.files[".md"] ?? "", /^## ✅ Billing drift: stack `t[0-9a-f]+` — no drift/);
  });

  test("relinked: the project, the declared and the live account", async () => {
    await env.admin.updateProjectBillingInfo("demo-app-prod", MAIN);
    const run = await runDrift(env, [], { extraOutputs: [".md"] });
    const f = onlyFinding(run);
    assert.deepEqual(
      [f.kind, f.projectId, f.resource, f.declaredBillingAccount, f.liveBillingAccount],
      ["relinked", "demo-app-prod", "prod", SANDBOX, MAIN],
    );
    assert.match(
      run.stdout,
      new RegExp(`RELINKED demo-app-prod \\("prod"\\)\\n    declared: ${SANDBOX}; live: ${MAIN}`),
    );
    assert.match(
      run.files[".md"] ?? "",
      new RegExp(
        `\\*\\*relinked\\*\\* \\| \`demo-app-prod\` \\(\`prod\`\\) \\| \`${SANDBOX}\` \\| \`${MAIN}\``,
      ),
    );
    await env.admin.updateProjectBillingInfo("demo-app-prod", SANDBOX);
  });

  test("unlinked: the project, the declared account and no live one", async () => {
    await env.admin.updateProjectBillingInfo("demo-app-staging", "");
    const run = await runDrift(env);
    const f = onlyFinding(run);
    assert.deepEqual(
      [f.kind, f.projectId, f.declaredBillingAccount, f.liveBillingAccount],
      ["unlinked", "demo-app-staging", SANDBOX, ""],
    );
    assert.match(
      run.stdout,
      new RegExp(
        `UNLINKED demo-app-staging \\("staging"\\)\\n    declared: ${SANDBOX}; live: \\(unlinked\\)`,
      ),
    );
    await env.admin.updateProjectBillingInfo("demo-app-staging", SANDBOX);
  });

  test("billing disabled: the account closed behind every link declared on it", async () => {
    env.emulator.setBillingAccountOpen(SANDBOX.replace("billingAccounts/", ""), false);
    try {
      const run = await runDrift(env, [], { extraOutputs: [".md"] });
      assert.equal(run.code, EXIT.findings, run.stdout + run.stderr);
      assert.deepEqual(
        run.report.findings.map((f) => [f.kind, f.projectId, f.declaredBillingAccount, f.liveBillingAccount]),
        ["demo-app-prod", "demo-app-staging", "demo-data", "sandbox-one"].map((p) => [
          "billingDisabled",
          p,
          SANDBOX,
          SANDBOX,
        ]),
      );
      assert.match(
        run.stdout,
        new RegExp(
          `BILLING DISABLED demo-app-prod \\("prod"\\)\\n    declared: ${SANDBOX}; live: ${SANDBOX}`,
        ),
      );
      assert.match(run.stdout, /the account is closed, so its paid services are stopped/);
      assert.match(run.files[".md"] ?? "", /\*\*billing disabled\*\* \| `demo-data`/);
    } finally {
      env.emulator.setBillingAccountOpen(SANDBOX.replace("billingAccounts/", ""), true);
    }
  });

  test("unmanaged: a project linked by hand to a declared account, found only with --unmanaged", async () => {
    await env.admin.updateProjectBillingInfo("sandbox-two", SANDBOX);
    const without = await runDrift(env);
    assert.equal(without.code, EXIT.clean, "unmanaged projects are not looked for without the flag");
    assert.equal(without.report.checks.unmanaged, false);

    const run = await runDrift(env, ["--unmanaged"], { extraOutputs: [".md"] });
    const f = onlyFinding(run);
    assert.deepEqual(
      [f.kind, f.projectId, f.resource, f.declaredBillingAccount, f.liveBillingAccount],
      ["unmanaged", "sandbox-two", null, null, SANDBOX],
    );
    assert.deepEqual(run.report.accounts, [
      { billingAccount: SANDBOX, status: "listed", projectCount: 5, unmanagedCount: 1 },
    ]);
    assert.match(
      run.stdout,
      new RegExp(`UNMANAGED sandbox-two\\n    declared: \\(not declared by this stack\\); live: ${SANDBOX}`),
    );
    assert.match(
      run.files[".md"] ?? "",
      new RegExp(`\\*\\*unmanaged\\*\\* \\| \`sandbox-two\` \\| _not declared_ \\| \`${SANDBOX}\``),
    );
    await env.admin.updateProjectBillingInfo("sandbox-two", "");
  });

  test("a project pending deletion reads as unlinked: Cloud Billing shows it without an account", async () => {
    env.emulator.deleteProject("demo-data");
    const run = await runDrift(env);
    const f = onlyFinding(run);
    assert.deepEqual(
      [f.kind, f.projectId, f.declaredBillingAccount, f.liveBillingAccount],
      ["unlinked", "demo-data", SANDBOX, ""],
    );
    assert.match(f.action, /pending deletion/);
  });

  test("project gone: a purged project read by an org-level caller (404) is reported, not an error", async () => {
    // Only a caller who could see the project anyway gets 404 for a purged one; the drift run uses the
    // stack's current config, so switching the credentials needs no `pulumi up`.
    await env.stack.setConfig("gcp-billing:credentials", {
      value: writeCredentialsFile(env.stateDir, ADMIN_REFRESH_TOKEN),
    });
    env.emulator.deleteProject("sandbox-one", { purge: true });
    const run = await runDrift(env, [], { extraOutputs: [".md"] });
    assert.equal(run.code, EXIT.findings, run.stdout + run.stderr);
    const gone = run.report.findings.find((f) => f.kind === "projectGone");
    assert.deepEqual(
      [gone?.projectId, gone?.resource, gone?.declaredBillingAccount, gone?.liveBillingAccount],
      ["sandbox-one", "one", SANDBOX, null],
    );
    assert.equal(run.report.errors.length, 0);
    assert.match(
      run.stdout,
      new RegExp(`PROJECT GONE sandbox-one \\("one"\\)\\n    declared: ${SANDBOX}; live: \\(none`),
    );
    assert.match(
      run.files[".md"] ?? "",
      /\*\*project gone\*\* \| `sandbox-one` \(`one`\) \| `billingAccounts\/0B1C2D-3E4F5A-6B7C8D` \| _project gone_/,
    );
  });
});
