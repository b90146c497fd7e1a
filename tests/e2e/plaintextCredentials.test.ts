// Credentials set as plain stack config would be recorded unencrypted in every checkpoint: refused before
// anything is registered, with the exact command that fixes it; as secrets they are accepted.
import assert from "node:assert/strict";
import { test } from "@jest/globals";
import {
  ACCOUNTS,
  ALICE_REFRESH_TOKEN,
  authorizedUserJson,
  createBillingStack,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
} from "../support/billingStack";
import { cleanupAfterEach } from "../support/cleanups";

const cleanups = cleanupAfterEach();

const LINKS = [{ name: "app", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main }];

test("inline credentials JSON without --secret is refused, and never reaches state", async () => {
  const env = await createBillingStack({ credentials: "none" });
  cleanups.add(() => env.cleanup());
  await env.declare(LINKS);
  await env.stack.setConfig("gcp-billing:credentials", { value: authorizedUserJson(ALICE_REFRESH_TOKEN) });
  for (const args of [["preview"], ["up", "--yes", "--skip-preview"]]) {
    const run = await env.cli(args);
    assert.notEqual(run.code, 0);
    const output = run.stdout + run.stderr;
    assert.match(output, /gcp-billing-link refuses credentials stored as plain stack config/);
    assert.match(output, /pulumi config set gcp-billing:credentials \/path\/to\/credentials\.json/);
    assert.match(
      output,
      /pulumi config set --secret gcp-billing:credentials < \/path\/to\/credentials\.json/,
    );
    for (const secret of [ALICE_REFRESH_TOKEN, DEMO_CLIENT_SECRET])
      assert.equal(output.includes(secret), false);
  }
  const exported = await env.cli(["stack", "export", "--show-secrets"]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(exported.stdout.includes(ALICE_REFRESH_TOKEN), false, "the refresh token reached state");
  assert.equal(exported.stdout.includes(DEMO_CLIENT_SECRET), false, "the client secret reached state");
  assert.equal(env.emulator.requestLog().length, 0, "nothing was called with refused credentials");

  // The same JSON as a secret is accepted.
  await env.stack.setConfig("gcp-billing:credentials", {
    value: authorizedUserJson(ALICE_REFRESH_TOKEN),
    secret: true,
  });
  const up = await env.stack.up();
  // The refused `up` had registered the stack itself, but no link.
  assert.deepEqual(up.summary.resourceChanges, { same: 1, create: 1 });
  assert.equal(await env.liveAccount("demo-app-prod"), ACCOUNTS.main);
});

test("a plain refreshToken and clientSecret are each named; clientId is not a secret", async () => {
  const env = await createBillingStack({ credentials: "none" });
  cleanups.add(() => env.cleanup());
  await env.declare(LINKS);
  await env.stack.setAllConfig({
    "gcp-billing:refreshToken": { value: ALICE_REFRESH_TOKEN },
    "gcp-billing:clientId": { value: DEMO_CLIENT_ID },
    "gcp-billing:clientSecret": { value: DEMO_CLIENT_SECRET },
  });
  const run = await env.cli(["preview"]);
  assert.notEqual(run.code, 0);
  assert.match(run.stdout, /pulumi config set --secret gcp-billing:refreshToken <value>/);
  assert.match(run.stdout, /pulumi config set --secret gcp-billing:clientSecret <value>/);
  assert.doesNotMatch(run.stdout, /gcp-billing:clientId/);
  await env.stack.setAllConfig({
    "gcp-billing:refreshToken": { value: ALICE_REFRESH_TOKEN, secret: true },
    "gcp-billing:clientSecret": { value: DEMO_CLIENT_SECRET, secret: true },
  });
  const ok = await env.cli(["preview"]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
});
