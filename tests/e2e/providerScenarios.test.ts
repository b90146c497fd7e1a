// ProjectBillingLink scenarios under the real engine against the emulator: adoption, replacement,
// deletion policies, rename without alias, out-of-band project deletion, preflight failures and a
// crashed `up`. Each scenario gets its own emulator and stack.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "@jest/globals";
import { CommandError } from "@pulumi/pulumi/automation";
import {
  ACCOUNTS,
  ADMIN_REFRESH_TOKEN,
  createBillingStack,
  LINKS_PROGRAM,
  providerCalls,
  writeCredentialsFile,
  type BillingStack,
} from "../support/billingStack";
import { cleanupAfterEach } from "../support/cleanups";
import { killProcessTree } from "../support/processTree";

const cleanups = cleanupAfterEach();

/** A fresh emulator and stack for one scenario, torn down after it. */
async function withStack(): Promise<BillingStack> {
  const env = await createBillingStack();
  cleanups.add(() => env.cleanup());
  return env;
}

test("adopting a project already linked as declared reads once and writes nothing", async () => {
  const env = await withStack();
  assert.equal(await env.liveAccount("demo-data"), ACCOUNTS.sandbox); // seeded
  await env.declare([{ name: "data", projectId: "demo-data", billingAccount: ACCOUNTS.sandbox }]);
  env.emulator.clearLog();
  const up = await env.stack.up();
  assert.deepEqual(up.summary.resourceChanges, { create: 2 });
  const calls = providerCalls(env.emulator);
  assert.equal(calls["projects.getBillingInfo"], 1);
  assert.equal(calls["projects.updateBillingInfo"] ?? 0, 0);
  assert.deepEqual(up.outputs.links.value, [
    {
      projectId: "demo-data",
      billingAccount: ACCOUNTS.sandbox,
      billingEnabled: true,
      previousBillingAccount: ACCOUNTS.sandbox,
    },
  ]);
});

test("changing projectId replaces: the new project is linked, the old one released", async () => {
  const env = await withStack();
  await env.declare([{ name: "app", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main }]);
  await env.stack.up();
  await env.declare([{ name: "app", projectId: "demo-app-staging", billingAccount: ACCOUNTS.main }]);
  const up = await env.stack.up();
  assert.deepEqual(up.summary.resourceChanges, { same: 1, replace: 1 });
  assert.equal(await env.liveAccount("demo-app-staging"), ACCOUNTS.main);
  assert.equal(await env.liveAccount("demo-app-prod"), "");
});

test("deletionPolicy: abandon leaves the link, restore relinks the previous account, unlink unlinks", async () => {
  const env = await withStack();
  // sandbox-one and sandbox-two start unlinked; demo-data starts on the sandbox account.
  await env.declare([
    { name: "abandoned", projectId: "sandbox-one", billingAccount: ACCOUNTS.main, deletionPolicy: "abandon" },
    { name: "restored", projectId: "demo-data", billingAccount: ACCOUNTS.main, deletionPolicy: "restore" },
    { name: "unlinked", projectId: "sandbox-two", billingAccount: ACCOUNTS.main },
  ]);
  env.emulator.clearLog();
  const up = await env.stack.up();
  assert.deepEqual(up.summary.resourceChanges, { create: 4 });
  assert.equal(await env.liveAccount("demo-data"), ACCOUNTS.main);
  // Three links, one engine run: one token refresh, one preflight for the one account.
  const calls = providerCalls(env.emulator);
  assert.equal(calls["oauth.token"], 1);
  assert.equal(calls["billingAccounts.get"], 1);
  assert.equal(calls["billingAccounts.testIamPermissions"], 1);
  // Per link: one read and one PUT. Issue 15 removed the read-back after each write (the PUT's response
  // shows the write), which made this 6 reads.
  assert.equal(calls["projects.updateBillingInfo"], 3);
  assert.equal(calls["projects.getBillingInfo"], 3);

  const destroy = await env.stack.destroy();
  assert.deepEqual(destroy.summary.resourceChanges, { delete: 4 });
  assert.equal(await env.liveAccount("sandbox-one"), ACCOUNTS.main);
  assert.equal(await env.liveAccount("demo-data"), ACCOUNTS.sandbox);
  assert.equal(await env.liveAccount("sandbox-two"), "");
});

test("destroy never unlinks a project that someone relinked to another account", async () => {
  const env = await withStack();
  await env.declare([{ name: "app", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main }]);
  await env.stack.up();
  await env.admin.updateProjectBillingInfo("demo-app-prod", ACCOUNTS.sandbox);
  await env.stack.refresh(); // state now shows the live (foreign) account
  const destroy = await env.stack.destroy();
  assert.deepEqual(destroy.summary.resourceChanges, { delete: 2 });
  assert.equal(await env.liveAccount("demo-app-prod"), ACCOUNTS.sandbox);
});

test("renaming a resource without an alias keeps the project linked", async () => {
  const env = await withStack();
  await env.declare([{ name: "old-name", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main }]);
  await env.stack.up();
  await env.declare([{ name: "new-name", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main }]);
  env.emulator.clearLog();
  const up = await env.stack.up();
  assert.deepEqual(up.summary.resourceChanges, { same: 1, create: 1, delete: 1 });
  assert.equal(await env.liveAccount("demo-app-prod"), ACCOUNTS.main);
  assert.equal(providerCalls(env.emulator)["projects.updateBillingInfo"] ?? 0, 0);
  const preview = await env.stack.preview({ refresh: true, expectNoChanges: true });
  assert.deepEqual(preview.changeSummary, { same: 2 });
});

test("a project deleted out of band: pending deletion reads as unlinked; once purged it is gone", async () => {
  const env = await withStack();
  await env.declare([{ name: "app", projectId: "sandbox-one", billingAccount: ACCOUNTS.main }]);
  await env.stack.up();

  env.emulator.deleteProject("sandbox-one"); // like `gcloud projects delete`: pending deletion
  const pending = await env.stack.previewRefresh();
  assert.deepEqual(pending.changeSummary, { same: 1, update: 1 });

  env.emulator.deleteProject("sandbox-one", { purge: true });
  // Without org-level access Google cannot tell "gone" from "forbidden", so it stays an error.
  await assert.rejects(env.stack.refresh(), (err: unknown) => {
    assert.ok(err instanceof CommandError);
    assert.match(String(err), /resourcemanager\.projects\.get/);
    return true;
  });
  // With org-level access the API answers 404, and refresh drops the resource from state. Refresh runs
  // with the provider config recorded at the last `up`, so the new credentials need an `up` first.
  await env.stack.setConfig("gcp-billing:credentials", {
    value: writeCredentialsFile(env.stateDir, ADMIN_REFRESH_TOKEN),
  });
  await env.stack.up();
  const refresh = await env.stack.refresh();
  assert.deepEqual(refresh.summary.resourceChanges, { same: 1, delete: 1 });
  const state = await env.stack.exportStack();
  const types = (state.deployment.resources as Array<{ type: string }>).map((r) => r.type);
  assert.ok(!types.includes("pulumi-nodejs:dynamic/gcp-billing:ProjectBillingLink"));
});

test("preview fails early, naming billingAccount, for a closed account", async () => {
  const env = await withStack();
  await env.declare([{ name: "legacy", projectId: "sandbox-one", billingAccount: ACCOUNTS.closed }]);
  env.emulator.clearLog();
  await assert.rejects(env.stack.preview(), (err: unknown) => {
    assert.ok(err instanceof CommandError);
    assert.match(String(err), /billingAccount[\s\S]*0C1C2C-3C4C5C-6C7C8C[\s\S]*is closed/);
    return true;
  });
  assert.equal(providerCalls(env.emulator)["projects.updateBillingInfo"] ?? 0, 0);
});

test("preview fails early, naming the missing role, when the caller may not link to the account", async () => {
  const env = await withStack();
  await env.stack.setConfig("gcp-billing:credentials", {
    value: writeCredentialsFile(env.stateDir, "emu-rt-viewer-cloud-billing"),
  });
  await env.declare([{ name: "app", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main }]);
  await assert.rejects(env.stack.preview(), (err: unknown) => {
    assert.ok(err instanceof CommandError);
    assert.match(
      String(err),
      /billingAccount[\s\S]*lacks billing\.resourceAssociations\.create[\s\S]*roles\/billing\.user/,
    );
    return true;
  });
});

test("a crashed up (process killed after the link was written) converges on the next up", async () => {
  const env = await withStack();
  await env.declare([{ name: "app", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main }]);
  // The kill must land after the PUT and before the engine records the link. Since the PUT's answer is all
  // create waits for (issue 15), that window is opened by an answer that does not show the write: the sdk
  // then reads back, and that read takes 1.5 s.
  env.emulator.setKnobs({ latencyMs: 1500, staleWriteResponses: true });
  const child = spawn(
    `${env.engineBinDir}/pulumi`,
    ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", env.stack.name],
    { cwd: LINKS_PROGRAM, env: env.envVars, stdio: "ignore" },
  );
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const deadline = Date.now() + 120_000;
  while (
    !env.emulator.requestLog().some((e) => e.method === "projects.updateBillingInfo" && e.status === 200)
  ) {
    assert.ok(Date.now() < deadline, "the up never reached the PUT");
    await new Promise((r) => setTimeout(r, 50));
  }
  killProcessTree(child.pid!); // the CLI, the language host and the provider, mid-operation
  await exited;
  env.emulator.setKnobs({ latencyMs: 0, staleWriteResponses: false });
  assert.equal(await env.liveAccount("demo-app-prod"), ACCOUNTS.main); // the write landed, state never saw it

  // What an operator does after a killed CI job: release the file backend's lock, then run up again.
  await env.stack.cancel();
  env.emulator.clearLog();
  const up = await env.stack.up();
  // The killed run never recorded the link, so this run creates it — by adopting, not re-writing.
  assert.deepEqual(up.summary.resourceChanges, { create: 1, same: 1 });
  assert.equal(providerCalls(env.emulator)["projects.updateBillingInfo"] ?? 0, 0);
  const preview = await env.stack.preview({ refresh: true, expectNoChanges: true });
  assert.deepEqual(preview.changeSummary, { same: 2 });
});
