// Destroy undoes exactly what the stack did: the default policy ("restore") returns a moved project to its
// previous account, unlinks only what the stack linked, and leaves adopted links alone. Preview and up say
// per link whether it will be adopted or written. State written by 0.1 keeps its recorded "unlink".
import assert from "node:assert/strict";
import { test } from "@jest/globals";
import { ACCOUNTS, createBillingStack, providerCalls, type BillingStack } from "../support/billingStack";
import { cleanupAfterEach } from "../support/cleanups";

const cleanups = cleanupAfterEach();

const TYPE = "pulumi-nodejs:dynamic/gcp-billing:ProjectBillingLink";

async function withStack(): Promise<BillingStack> {
  const env = await createBillingStack();
  cleanups.add(() => env.cleanup());
  return env;
}

test("the default destroy undoes exactly what up did: moved back, unlinked, adopted left alone", async () => {
  const env = await withStack();
  // Seeded: demo-data on the sandbox account, sandbox-one unlinked, demo-app-prod unlinked.
  await env.admin.updateProjectBillingInfo("demo-app-prod", ACCOUNTS.sandbox);
  await env.declare([
    { name: "adopted", projectId: "demo-data", billingAccount: ACCOUNTS.sandbox },
    { name: "linked", projectId: "sandbox-one", billingAccount: ACCOUNTS.main },
    { name: "moved", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main },
  ]);

  // The preview says, per link, whether it will be adopted or written, and what destroy will do.
  const preview = await env.cli(["preview"]);
  assert.equal(preview.code, 0, preview.stdout + preview.stderr);
  const diagnostics = preview.stdout.slice(preview.stdout.indexOf("Diagnostics:"));
  assert.match(
    diagnostics,
    /ProjectBillingLink \(adopted\):\s+will adopt the existing link of demo-data to billingAccounts\/0B1C2D-3E4F5A-6B7C8D: nothing is written\. Destroy will leave it as it was\./,
  );
  assert.match(
    diagnostics,
    /ProjectBillingLink \(linked\):\s+will link sandbox-one to billingAccounts\/01A2B3-C4D5E6-F7A8B9 \(it has no billing account now\)\. Destroy will unlink it again\./,
  );
  assert.match(
    diagnostics,
    /ProjectBillingLink \(moved\):\s+will move demo-app-prod from billingAccounts\/0B1C2D-3E4F5A-6B7C8D to billingAccounts\/01A2B3-C4D5E6-F7A8B9\. Destroy will move it back to billingAccounts\/0B1C2D-3E4F5A-6B7C8D\./,
  );

  env.emulator.clearLog();
  const up = await env.stack.up();
  assert.match(up.stdout, /will adopt the existing link of demo-data/);
  // The read that planned each link is the one create acts on: 1 read per link, a write only where needed,
  // and no read-back after it (issue 15: the PUT's response shows the write; this was 3 + 2 reads).
  const calls = providerCalls(env.emulator);
  assert.equal(calls["projects.updateBillingInfo"], 2);
  assert.equal(calls["projects.getBillingInfo"], 3);

  const state = await env.stack.exportStack();
  const recorded = (state.deployment.resources as Array<{ type: string; outputs: Record<string, unknown> }>)
    .filter((r) => r.type === TYPE)
    .map((r) => [r.outputs.projectId, r.outputs.deletionPolicy]);
  assert.deepEqual(recorded.sort(), [
    ["demo-app-prod", "restore"],
    ["demo-data", "restore"],
    ["sandbox-one", "restore"],
  ]);

  await env.stack.destroy();
  assert.equal(await env.liveAccount("demo-data"), ACCOUNTS.sandbox); // adopted: billing untouched
  assert.equal(await env.liveAccount("sandbox-one"), ""); // the stack enabled it, the stack disables it
  assert.equal(await env.liveAccount("demo-app-prod"), ACCOUNTS.sandbox); // back where it was
});

test('"unlink" and "abandon" stay available as explicit choices', async () => {
  const env = await withStack();
  await env.declare([
    { name: "adopted", projectId: "demo-data", billingAccount: ACCOUNTS.sandbox, deletionPolicy: "unlink" },
    { name: "kept", projectId: "sandbox-one", billingAccount: ACCOUNTS.main, deletionPolicy: "abandon" },
  ]);
  const preview = await env.cli(["preview"]);
  assert.match(
    preview.stdout,
    /Destroy will unlink it \(deletionPolicy "unlink"\), which stops its paid services\./,
  );
  assert.match(preview.stdout, /Destroy will leave it linked \(deletionPolicy "abandon"\)\./);
  await env.stack.up();
  await env.stack.destroy();
  assert.equal(await env.liveAccount("demo-data"), ""); // explicitly asked for, even though adopted
  assert.equal(await env.liveAccount("sandbox-one"), ACCOUNTS.main);
});

/** Rewrites the stack's ProjectBillingLink state to what gcp-billing-link 0.1 recorded for links without a policy. */
async function makeStateLegacy(env: BillingStack): Promise<void> {
  const exported = await env.stack.exportStack();
  for (const resource of exported.deployment.resources as Array<Record<string, Record<string, unknown>>>) {
    if ((resource.type as unknown) !== TYPE) continue;
    for (const props of [resource.inputs, resource.outputs]) {
      delete props.__deletionPolicyOrigin;
      delete props.__urn;
      props.deletionPolicy = "unlink";
    }
  }
  await env.stack.importStack(exported);
}

test("a stack created with 0.1's default keeps unlinking as recorded, with a warning, until a policy is declared", async () => {
  const env = await withStack();
  // Both projects are adopted (already linked as declared), so 0.1's destroy would unlink both.
  await env.declare([
    { name: "data", projectId: "demo-data", billingAccount: ACCOUNTS.sandbox },
    { name: "trial", projectId: "trial-one", billingAccount: "billingAccounts/0F1F2F-3F4F5F-6F7F8F" },
  ]);
  await env.stack.up();
  await makeStateLegacy(env);

  // Upgrading changes nothing by itself: no diff, and a warning that says what destroy will do.
  const preview = await env.cli(["preview", "--expect-no-changes"]);
  assert.equal(preview.code, 0, preview.stdout + preview.stderr);
  assert.match(
    preview.stdout,
    /ProjectBillingLink \(data\):\s+warning: destroy will unlink demo-data \(deletionPolicy "unlink", recorded as the default by gcp-billing-link 0\.1\)/,
  );

  // Declaring a policy is a visible, deliberate change.
  await env.declare([
    { name: "data", projectId: "demo-data", billingAccount: ACCOUNTS.sandbox },
    {
      name: "trial",
      projectId: "trial-one",
      billingAccount: "billingAccounts/0F1F2F-3F4F5F-6F7F8F",
      deletionPolicy: "restore",
    },
  ]);
  env.emulator.clearLog();
  const up = await env.stack.up();
  assert.deepEqual(up.summary.resourceChanges, { same: 2, update: 1 });
  assert.equal(providerCalls(env.emulator)["projects.updateBillingInfo"] ?? 0, 0);

  const destroy = await env.stack.destroy();
  assert.match(
    destroy.stdout,
    /unlinked demo-data: deletionPolicy "unlink" was recorded as the default by gcp-billing-link 0\.1/,
  );
  assert.equal(await env.liveAccount("demo-data"), ""); // as recorded in its state
  assert.equal(await env.liveAccount("trial-one"), "billingAccounts/0F1F2F-3F4F5F-6F7F8F"); // restore: adopted
});
