// ProjectBillingLink under the real engine against the emulator: create, no-change preview, relink in
// place, drift (relink and unlink) caught by the read-only checks and repaired by `up --refresh`, destroy.
import assert from "node:assert/strict";
import { afterAll, beforeAll, describe, test } from "@jest/globals";
import { CommandError } from "@pulumi/pulumi/automation";
import { ACCOUNTS, createBillingStack, providerCalls, type BillingStack } from "../support/billingStack";

describe("ProjectBillingLink lifecycle", () => {
  let env: BillingStack;
  beforeAll(async () => {
    env = await createBillingStack();
  });
  afterAll(() => env.cleanup());

  test("up links the project and records what it had before", async () => {
    await env.declare([{ name: "prod", projectId: "demo-app-prod", billingAccount: "01A2B3-C4D5E6-F7A8B9" }]);
    env.emulator.clearLog();
    const up = await env.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { create: 2 });
    assert.deepEqual(up.outputs.links.value, [
      {
        projectId: "demo-app-prod",
        billingAccount: ACCOUNTS.main,
        billingEnabled: true,
        previousBillingAccount: "",
      },
    ]);
    assert.equal(await env.liveAccount("demo-app-prod"), ACCOUNTS.main);
    const calls = providerCalls(env.emulator);
    assert.equal(calls["projects.updateBillingInfo"], 1);
    // check's preflight: one account read and one permission test for the one account.
    assert.equal(calls["billingAccounts.get"], 1);
    assert.equal(calls["billingAccounts.testIamPermissions"], 1);
  });

  test("a plain preview makes no per-project calls and shows no changes", async () => {
    env.emulator.clearLog();
    const preview = await env.stack.preview({ expectNoChanges: true });
    assert.deepEqual(preview.changeSummary, { same: 2 });
    const calls = providerCalls(env.emulator);
    assert.equal(calls["projects.getBillingInfo"] ?? 0, 0);
    assert.equal(calls["projects.updateBillingInfo"] ?? 0, 0);
    assert.ok((calls["billingAccounts.get"] ?? 0) + (calls["billingAccounts.testIamPermissions"] ?? 0) <= 2);
  });

  test("changing the account relinks in place", async () => {
    await env.declare([
      { name: "prod", projectId: "demo-app-prod", billingAccount: "billingAccounts/0B1C2D-3E4F5A-6B7C8D" },
    ]);
    const up = await env.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 1, update: 1 });
    assert.equal(await env.liveAccount("demo-app-prod"), ACCOUNTS.sandbox);
  });

  test("writing the same account in the other accepted form is not a change", async () => {
    await env.declare([{ name: "prod", projectId: "demo-app-prod", billingAccount: "0b1c2d-3e4f5a-6b7c8d" }]);
    const preview = await env.stack.preview({ expectNoChanges: true });
    assert.deepEqual(preview.changeSummary, { same: 2 });
  });

  for (const drift of ["relink", "unlink"] as const) {
    test(`drift by ${drift} fails the read-only checks and is repaired by up --refresh`, async () => {
      await env.admin.updateProjectBillingInfo("demo-app-prod", drift === "relink" ? ACCOUNTS.main : "");

      await assert.rejects(env.stack.preview({ refresh: true, expectNoChanges: true }), (err: unknown) => {
        assert.ok(err instanceof CommandError);
        // Exit code 7 is the CLI's "--expect-no-changes failed" (not a crash or an auth error).
        assert.match(
          String(err),
          /exit code 7[\s\S]*no changes were expected for preview but changes were proposed/,
        );
        return true;
      });
      await assert.rejects(env.stack.previewRefresh({ expectNoChanges: true }), CommandError);
      // Neither check wrote state: the drift is still there to be found.
      const again = await env.stack.previewRefresh();
      assert.deepEqual(again.changeSummary, { same: 1, update: 1 });

      env.emulator.clearLog();
      const up = await env.stack.up({ refresh: true });
      assert.deepEqual(up.summary.resourceChanges, { same: 1, update: 1 });
      // The refresh reads the project, and the repair reads it again right before its write (the engine
      // may run the refresh in another provider process, whose read this one cannot see): 2 reads and
      // 1 write for one drifted link, the figure BENCHMARKS.md reports.
      const calls = providerCalls(env.emulator);
      const sequence = env.emulator.requestLog().map((e) => `${e.principal} ${e.method} ${e.status}`);
      assert.equal(calls["projects.getBillingInfo"], 2, sequence.join("\n"));
      assert.equal(calls["projects.updateBillingInfo"], 1);
      assert.equal(await env.liveAccount("demo-app-prod"), ACCOUNTS.sandbox);
      const preview = await env.stack.preview({ refresh: true, expectNoChanges: true });
      assert.deepEqual(preview.changeSummary, { same: 2 });
    });
  }

  test("refresh reads each link once, with one token refresh for the whole engine run", async () => {
    env.emulator.clearLog();
    const refresh = await env.stack.refresh();
    assert.equal(refresh.summary.result, "succeeded");
    assert.deepEqual(providerCalls(env.emulator), { "oauth.token": 1, "projects.getBillingInfo": 1 });
  });

  test("destroy unlinks what the stack linked", async () => {
    const destroy = await env.stack.destroy();
    assert.deepEqual(destroy.summary.resourceChanges, { delete: 2 });
    assert.equal(await env.liveAccount("demo-app-prod"), "");
  });
});
