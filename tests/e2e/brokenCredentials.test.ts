// Credentials that cannot work fail the preview, naming the setting the user made (never an sdk option
// name), instead of passing the preview and failing halfway through `up`.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "@jest/globals";
import {
  ACCOUNTS,
  ALICE_REFRESH_TOKEN,
  authorizedUserJson,
  createBillingStack,
  providerCalls,
  writeCredentialsFile,
  type BillingStack,
  type BillingStackOptions,
} from "../support/billingStack";
import { cleanupAfterEach } from "../support/cleanups";

const cleanups = cleanupAfterEach();

const LINKS = [{ name: "app", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main }];

async function stackWith(options: BillingStackOptions): Promise<BillingStack> {
  const env = await createBillingStack({ credentials: "none", ...options });
  cleanups.add(() => env.cleanup());
  await env.declare(LINKS);
  return env;
}

async function assertPreviewFails(env: BillingStack, pattern: RegExp): Promise<void> {
  const preview = await env.cli(["preview"]);
  const output = preview.stdout + preview.stderr;
  assert.notEqual(preview.code, 0, output);
  assert.match(output, pattern);
  assert.doesNotMatch(output, /credentials\.credentials(File|Json)/, "an sdk option name reached the user");
  assert.equal(output.includes(ALICE_REFRESH_TOKEN), false);
}

test("gcp-billing:credentials naming a missing file fails the preview, naming the key and the path", async () => {
  const env = await stackWith({});
  const missing = path.join(env.stateDir, "nope", "credentials.json");
  await env.stack.setConfig("gcp-billing:credentials", { value: missing });
  await assertPreviewFails(
    env,
    new RegExp(`gcp-billing:credentials names ${missing.replace(/[.]/g, "\\.")}, which does not exist`),
  );
});

test("a ~/ path in gcp-billing:credentials is the user's home directory", async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "gbl-home-"));
  cleanups.add(() => fs.rmSync(home, { recursive: true, force: true }));
  fs.writeFileSync(path.join(home, "billing.json"), authorizedUserJson(ALICE_REFRESH_TOKEN), { mode: 0o600 });
  const env = await stackWith({ envVars: { HOME: home } });
  await env.stack.setConfig("gcp-billing:credentials", { value: "~/billing.json" });
  const up = await env.stack.up();
  assert.deepEqual(up.summary.resourceChanges, { create: 2 });
  assert.equal(await env.liveAccount("demo-app-prod"), ACCOUNTS.main);
});

test("a credentials file of an unsupported type fails the preview, naming the key and the type", async () => {
  const env = await stackWith({});
  const file = path.join(env.stateDir, "sa.json");
  fs.writeFileSync(file, JSON.stringify({ type: "service_acount", client_email: "x@example.com" }), {
    mode: 0o600,
  });
  await env.stack.setConfig("gcp-billing:credentials", { value: file });
  await assertPreviewFails(env, /named by gcp-billing:credentials has type "service_acount"/);
});

test("GOOGLE_APPLICATION_CREDENTIALS naming a missing file fails the preview, naming the variable", async () => {
  const env = await stackWith({
    envVars: { GOOGLE_APPLICATION_CREDENTIALS: "/nonexistent/gbl/adc.json" },
  });
  await assertPreviewFails(
    env,
    /GOOGLE_APPLICATION_CREDENTIALS names \/nonexistent\/gbl\/adc\.json, which does not exist/,
  );
});

test("a read-only token fails the preflight of a link that will be written, with the scope fix", async () => {
  const env = await stackWith({});
  await env.stack.setConfig("gcp-billing:credentials", {
    value: writeCredentialsFile(env.stateDir, "emu-rt-alice-readonly"),
  });
  env.emulator.clearLog();
  await assertPreviewFails(
    env,
    /can read but not change billing links: it was granted https:\/\/www\.googleapis\.com\/auth\/cloud-billing\.readonly[\s\S]*gcp-billing-link login/,
  );
  assert.equal(providerCalls(env.emulator)["projects.updateBillingInfo"] ?? 0, 0);
});
