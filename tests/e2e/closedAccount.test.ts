// A billing account closed behind a declared link must never freeze the stack: check preflights only
// what it will write, and an unchanged link to a closed account is a warning under its resource.
import assert from "node:assert/strict";
import { test } from "@jest/globals";
import { ACCOUNTS, createBillingStack, providerCalls, type BillingStack } from "../support/billingStack";
import { cleanupAfterEach } from "../support/cleanups";

const cleanups = cleanupAfterEach();

async function withStack(): Promise<BillingStack> {
  const env = await createBillingStack();
  cleanups.add(() => env.cleanup());
  return env;
}

test("an account closed behind an unchanged link: preview warns, unrelated changes apply, drift exits 7", async () => {
  const env = await withStack();
  await env.declare([{ name: "app", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main }]);
  await env.stack.up();
  env.emulator.setBillingAccountOpen(ACCOUNTS.main.replace("billingAccounts/", ""), false); // closed in the Cloud console

  // A plain preview passes, and says which project is affected and what to do.
  const preview = await env.cli(["preview"]);
  assert.equal(preview.code, 0, preview.stdout + preview.stderr);
  assert.match(
    preview.stdout,
    /ProjectBillingLink \(app\):\s+warning: billing account billingAccounts\/01A2B3-C4D5E6-F7A8B9 \("Platform \(main\)"\) is closed: demo-app-prod is linked to it but cannot use paid services\. Link the project to an open account/,
  );

  // An unrelated change still applies; only the new link (to an open account) was preflighted.
  await env.declare([
    { name: "app", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main },
    { name: "one", projectId: "sandbox-one", billingAccount: ACCOUNTS.sandbox },
  ]);
  env.emulator.clearLog();
  const up = await env.stack.up();
  assert.deepEqual(up.summary.resourceChanges, { same: 2, create: 1 });
  assert.equal(await env.liveAccount("sandbox-one"), ACCOUNTS.sandbox);
  const calls = providerCalls(env.emulator);
  assert.equal(calls["billingAccounts.testIamPermissions"], 1); // the sandbox account only
  assert.equal(calls["billingAccounts.get"], 2); // sandbox (preflight) and main (the closed-account warning)

  // The scheduled drift check: no drift is exit 0 (billing disabled is the drift report's finding) …
  const clean = await env.cli(["preview", "--refresh", "--expect-no-changes"]);
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  // … and a relink by hand is exit 7, not a failure of the check itself.
  await env.admin.updateProjectBillingInfo("sandbox-one", ACCOUNTS.main);
  const drift = await env.cli(["preview", "--refresh", "--expect-no-changes"]);
  assert.equal(drift.code, 7, drift.stdout + drift.stderr);
});

test("a new link to a closed account still fails the preview, naming billingAccount", async () => {
  const env = await withStack();
  await env.declare([{ name: "app", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main }]);
  await env.stack.up();
  env.emulator.setBillingAccountOpen(ACCOUNTS.sandbox.replace("billingAccounts/", ""), false);
  await env.declare([
    { name: "app", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main },
    { name: "one", projectId: "sandbox-one", billingAccount: ACCOUNTS.sandbox },
  ]);
  const preview = await env.cli(["preview"]);
  assert.notEqual(preview.code, 0);
  assert.match(
    preview.stdout + preview.stderr,
    /billingAccount[\s\S]*0B1C2D-3E4F5A-6B7C8D[\s\S]*is closed: projects linked to it cannot use paid services/,
  );
});
