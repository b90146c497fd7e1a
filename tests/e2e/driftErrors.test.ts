// An error must never look like "no drift": with the API down, with a link the caller cannot read, or
// with revoked credentials, `gcp-billing-link drift` exits with the error code, says what failed and
// what to do, and still reports whatever it could read.
import assert from "node:assert/strict";
import { afterAll, beforeAll, describe, test } from "@jest/globals";
import {
  ACCOUNTS,
  ALICE_REFRESH_TOKEN,
  createBillingStack,
  type BillingStack,
} from "../support/billingStack";
import { EXIT, runDrift } from "../support/driftCheck";

const SANDBOX = ACCOUNTS.sandbox;

describe("drift: errors", () => {
  let env: BillingStack;
  beforeAll(async () => {
    env = await createBillingStack();
    await env.declare([
      { name: "prod", projectId: "demo-app-prod", billingAccount: SANDBOX },
      { name: "one", projectId: "sandbox-one", billingAccount: SANDBOX },
    ]);
    await env.stack.up();
  });
  afterAll(() => env.cleanup());

  test("the API failing (every call 503, past the retries) is an error for each read and the listing", async () => {
    env.emulator.setKnobs({ failureRate: 1, failureStatus: 503 });
    try {
      const run = await runDrift(env, ["--unmanaged"]);
      assert.equal(run.code, EXIT.error, run.stdout + run.stderr);
      assert.equal(run.report.status, "error");
      assert.deepEqual(
        run.report.links.map((l) => [l.projectId, l.status]),
        [
          ["demo-app-prod", "unread"],
          ["sandbox-one", "unread"],
        ],
      );
      assert.deepEqual(
        run.report.errors.map((e) => [e.scope, e.projectId ?? e.billingAccount]),
        [
          ["link", "demo-app-prod"],
          ["link", "sandbox-one"],
          ["account", SANDBOX],
        ],
      );
      // Everything fails, token refreshes included: whichever call failed first, it says 503.
      for (const e of run.report.errors) assert.match(e.message, /failed with 503 .*unavailable/i);
      assert.deepEqual(run.report.accounts, [
        { billingAccount: SANDBOX, status: "error", projectCount: null, unmanagedCount: null },
      ]);
      assert.match(run.stdout, /Result: ERROR — the check is incomplete \(3 error\(s\)\)\./);
    } finally {
      env.emulator.setKnobs({ failureRate: 0 });
    }
  });

  test("a partial run: the unreadable link is an error, and the drift that was read is still reported", async () => {
    // A purged project answers 403 to a caller without org-level access: indistinguishable from a
    // missing permission, so it must stay an error, never pass as "gone" or as "in sync".
    env.emulator.deleteProject("sandbox-one", { purge: true });
    await env.admin.updateProjectBillingInfo("demo-app-prod", ACCOUNTS.main);
    const run = await runDrift(env, [], { extraOutputs: [".md"] });
    assert.equal(run.code, EXIT.error, run.stdout + run.stderr);
    assert.deepEqual(
      run.report.findings.map((f) => [f.kind, f.projectId, f.declaredBillingAccount, f.liveBillingAccount]),
      [["relinked", "demo-app-prod", SANDBOX, ACCOUNTS.main]],
    );
    assert.equal(run.report.links.find((l) => l.projectId === "sandbox-one")?.status, "unread");
    const [error] = run.report.errors;
    assert.equal(run.report.errors.length, 1);
    assert.equal(error?.scope, "link");
    assert.equal(error?.projectId, "sandbox-one");
    assert.match(error?.message ?? "", /reading the link of sandbox-one failed: .*403 PERMISSION_DENIED/);
    assert.match(error?.hint ?? "", /resourcemanager\.projects\.get/);
    assert.match(run.stdout, /RELINKED demo-app-prod/);
    assert.match(
      run.stdout,
      /Result: ERROR — the check is incomplete \(1 error\(s\)\); 1 finding\(s\) in what could be read\./,
    );
    assert.match(run.files[".md"] ?? "", /^## ⚠️ Billing drift: stack `t[0-9a-f]+` — check incomplete/);
    await env.admin.updateProjectBillingInfo("demo-app-prod", SANDBOX);
  });

  test("revoked credentials: an error that says to log in again, never a clean report", async () => {
    const revoked = await fetch(`${env.emulator.oauth.revokeUrl}?token=${ALICE_REFRESH_TOKEN}`, {
      method: "POST",
    });
    assert.equal(revoked.status, 200);
    const run = await runDrift(env, ["--unmanaged"]);
    assert.equal(run.code, EXIT.error, run.stdout + run.stderr);
    assert.equal(run.report.findings.length, 0);
    assert.ok(run.report.errors.length >= 2, "the reads and the listing each fail");
    for (const e of run.report.errors)
      assert.match(`${e.message} ${e.hint ?? ""}`, /revoked[\s\S]*gcp-billing-link login/);
    assert.match(run.stdout, /Result: ERROR/);
  });
});
