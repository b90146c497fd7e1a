// What users read when something goes wrong: every hint reaches them, each message once, as a warning or
// error under the resource it concerns, without stack traces — and every bad declaration at once.
import assert from "node:assert/strict";
import { test } from "@jest/globals";
import {
  ACCOUNTS,
  ALICE_REFRESH_TOKEN,
  createBillingStack,
  writeCredentialsFile,
  type BillingStack,
  type BillingStackOptions,
} from "../support/billingStack";
import { cleanupAfterEach } from "../support/cleanups";

const cleanups = cleanupAfterEach();

async function withStack(options: BillingStackOptions = {}): Promise<BillingStack> {
  const env = await createBillingStack(options);
  cleanups.add(() => env.cleanup());
  return env;
}

/** The Diagnostics section of a CLI run, grouped by the resource each message is attached to. */
function diagnostics(stdout: string): string {
  const start = stdout.indexOf("Diagnostics:");
  const end = stdout.indexOf("\nResources:", start);
  assert.ok(start >= 0, `no Diagnostics section in:\n${stdout}`);
  return stdout.slice(start, end < 0 ? undefined : end);
}

function assertNoStackTraces(output: string): void {
  assert.doesNotMatch(output, /\.ts:\d+|\.js:\d+:\d+|\n\s+at /, "a stack trace reached the user");
  assert.doesNotMatch(output, /ProjectBillingLinkError/, "an internal error class reached the user");
}

test("no credentials at all: up fails with the login hint, not just 'No Google credentials found.'", async () => {
  const env = await withStack({ credentials: "none" });
  await env.declare([{ name: "app", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main }]);
  const up = await env.cli(["up", "--yes", "--skip-preview"]);
  assert.notEqual(up.code, 0);
  assert.match(
    diagnostics(up.stdout),
    /ProjectBillingLink \(app\):\s+error: No Google credentials found\. Hint: Run `gcp-billing-link login`/,
  );
});

test("a project pending deletion gets the undelete hint, not an org-policy one", async () => {
  const env = await withStack();
  await env.declare([{ name: "doomed", projectId: "doomed-project", billingAccount: ACCOUNTS.main }]);
  const up = await env.cli(["up", "--yes", "--skip-preview"]);
  assert.notEqual(up.code, 0);
  const shown = diagnostics(up.stdout);
  assert.match(shown, /doomed-project is pending deletion[\s\S]*gcloud projects undelete doomed-project/);
  assert.doesNotMatch(shown, /organization policy/);
});

test("rejected credentials at preview are a credentials error, not a billingAccount problem", async () => {
  const env = await withStack();
  await env.stack.setConfig("gcp-billing:credentials", {
    value: writeCredentialsFile(env.stateDir, "emu-rt-never-issued"),
  });
  await env.declare([{ name: "app", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main }]);
  const preview = await env.cli(["preview"]);
  assert.notEqual(preview.code, 0);
  const shown = diagnostics(preview.stdout);
  assert.match(shown, /oauth\.token failed with 400 .*invalid_grant[\s\S]*gcp-billing-link login/);
  assert.doesNotMatch(shown, /property billingAccount|could not check billing account/);
  assertNoStackTraces(preview.stdout + preview.stderr);
});

test("refresh and destroy errors: once, under the resource, with no stack trace", async () => {
  const env = await withStack();
  await env.declare([{ name: "app", projectId: "sandbox-one", billingAccount: ACCOUNTS.main }]);
  await env.stack.up();
  env.emulator.deleteProject("sandbox-one", { purge: true }); // alice now gets 403 on it
  for (const args of [
    ["refresh", "--yes", "--skip-preview"],
    ["destroy", "--yes", "--skip-preview"],
  ]) {
    const run = await env.cli(args);
    assert.notEqual(run.code, 0);
    const output = run.stdout + run.stderr;
    assertNoStackTraces(output);
    const shown = diagnostics(run.stdout);
    const message = /error: (projects\.getBillingInfo projects\/sandbox-one failed with 403[^\n]*)/.exec(
      shown,
    );
    assert.ok(message, `no error under the resource in:\n${shown}`);
    assert.match(shown, /ProjectBillingLink \(app\):\s+error: projects\.getBillingInfo/);
    assert.equal(shown.split(message[1]).length - 1, 1, "the message is repeated");
    assert.doesNotMatch(shown, /pulumi:pulumi:Stack[^\n]*\n\s+(error: )?projects\.getBillingInfo/);
  }
});

test("'left linked' notices are warnings, once, under the resource", async () => {
  const env = await withStack();
  await env.declare([{ name: "app", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main }]);
  await env.stack.up();
  await env.admin.updateProjectBillingInfo("demo-app-prod", ACCOUNTS.sandbox);
  const destroy = await env.cli(["destroy", "--yes", "--skip-preview"]);
  assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
  const shown = diagnostics(destroy.stdout);
  assert.match(
    shown,
    /ProjectBillingLink \(app\):\s+warning: left demo-app-prod linked to billingAccounts\/0B1C2D-3E4F5A-6B7C8D: it is no longer linked to billingAccounts\/01A2B3-C4D5E6-F7A8B9, which this resource set\./,
  );
  assert.equal(shown.split("left demo-app-prod linked").length - 1, 1);
  assert.doesNotMatch(shown, /pulumi:pulumi:Stack/);
  assert.equal(await env.liveAccount("demo-app-prod"), ACCOUNTS.sandbox);
});

test("after re-login, refresh says to run up first, because it uses the config recorded at the last up", async () => {
  const env = await withStack();
  await env.declare([{ name: "app", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main }]);
  await env.stack.up();
  // The recorded credentials are revoked; the user logs in again into a new file and points config at it.
  const revoke = await fetch(`${env.emulator.oauth.revokeUrl}?token=${ALICE_REFRESH_TOKEN}`, {
    method: "POST",
  });
  assert.equal(revoke.status, 200);
  await env.stack.setConfig("gcp-billing:credentials", {
    value: writeCredentialsFile(env.stateDir, "emu-rt-admin-cloud-platform"),
  });
  const refresh = await env.cli(["refresh", "--yes", "--skip-preview"]);
  assert.notEqual(refresh.code, 0);
  assert.match(
    diagnostics(refresh.stdout),
    /invalid_grant[\s\S]*gcp-billing-link login[\s\S]*refresh and destroy use the gcp-billing:\* config recorded at the last `pulumi up`[\s\S]*run `pulumi up` first/,
  );
  await env.stack.up();
  const again = await env.cli(["refresh", "--yes", "--skip-preview"]);
  assert.equal(again.code, 0, again.stdout + again.stderr);
});

test("several bad declarations are all reported in one preview", async () => {
  const env = await withStack();
  await env.declare([
    { name: "app", projectId: "projects/demo-app-prod", billingAccount: "nope" },
    { name: "data", projectId: "demo-data", billingAccount: ACCOUNTS.sandbox },
    { name: "two", projectId: "Bad_Project", billingAccount: ACCOUNTS.main },
  ]);
  const preview = await env.cli(["preview"]);
  assert.notEqual(preview.code, 0);
  const shown = diagnostics(preview.stdout);
  assert.match(shown, /ProjectBillingLink "app": projectId "projects\/demo-app-prod" is not valid/);
  assert.match(shown, /ProjectBillingLink "app": billingAccount "nope" is not valid/);
  assert.match(shown, /ProjectBillingLink "two": projectId "Bad_Project" is not valid/);
  assert.doesNotMatch(shown, /ProjectBillingLink "data"/);
});
