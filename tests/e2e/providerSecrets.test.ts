// No credential ever reaches Pulumi state, the serialized provider or CLI output: with an
// authorized_user file named in stack config, a static access token from the environment, and each
// pipeline identity (impersonation from a user, workload identity federation with and without
// impersonation, a service account key) through up, a refreshing preview, refresh and destroy.
import assert from "node:assert/strict";
import { test } from "@jest/globals";
import * as fs from "node:fs";
import * as path from "node:path";
import type { LocalWorkspace } from "@pulumi/pulumi/automation";
import {
  ACCOUNTS,
  ALICE_REFRESH_TOKEN,
  createBillingStack,
  DEMO_CLIENT_SECRET,
  type BillingStack,
} from "../support/billingStack";
import {
  ADC_CLIENT_SECRET,
  ALICE_ADC_REFRESH_TOKEN,
  DEPLOYER,
  PROVIDER,
  externalAccountJson,
  generateTestKey,
  githubClaims,
  impersonatedAdcJson,
  serviceAccountKeyJson,
  signJwt,
  trustIssuerKey,
  writeJsonFile,
} from "../support/identities";
import { cleanupAfterEach } from "../support/cleanups";

const cleanups = cleanupAfterEach();

const SANDBOX = ACCOUNTS.sandbox;
const FEDERATED_PREFIX = `principal://iam.googleapis.com/${PROVIDER.split("/providers/")[0]}/subject/`;

/**
 * Runs up, a refreshing preview that must find no change, refresh and destroy, returning everything the
 * CLI printed. The identities below may link only to the Sandbox account.
 */
async function exerciseStack(
  env: BillingStack,
  billingAccount: string = ACCOUNTS.main,
): Promise<{ output: string; exported: string }> {
  let output = "";
  const onOutput = (text: string) => (output += text);
  await env.declare([{ name: "app", projectId: "demo-app-prod", billingAccount }]);
  await env.stack.up({ onOutput });
  await env.stack.preview({ refresh: true, expectNoChanges: true, onOutput });
  await env.stack.refresh({ onOutput });
  const exported = JSON.stringify(await env.stack.exportStack()); // the Automation API adds --show-secrets
  const state = JSON.parse(exported) as {
    deployment: { resources: Array<{ type: string; outputs?: { __provider?: string } }> };
  };
  const link = state.deployment.resources.find(
    (r) => r.type === "pulumi-nodejs:dynamic/gcp-billing:ProjectBillingLink",
  );
  // The serialized provider is a few small delegating functions, not the provider's code or any value.
  assert.ok(link?.outputs?.__provider?.includes('require("gcp-billing-link/provider-runtime")'));
  assert.ok((link?.outputs?.__provider?.length ?? Infinity) < 4000, "the serialized provider stays small");
  await env.stack.destroy({ onOutput });
  return { output, exported };
}

function assertAbsent(haystacks: Record<string, string>, secrets: Record<string, string>): void {
  for (const [where, text] of Object.entries(haystacks)) {
    assert.ok(text.length > 0, `${where} is empty: the check would prove nothing`);
    for (const [what, secret] of Object.entries(secrets)) {
      assert.equal(text.includes(secret), false, `the ${what} appears in ${where}`);
    }
  }
}

test("an authorized_user file in stack config: no refresh token or client secret in state or output", async () => {
  const env = await createBillingStack();
  cleanups.add(() => env.cleanup());
  const { output, exported } = await exerciseStack(env);
  assertAbsent(
    { "CLI output": output, "stack export --show-secrets": exported },
    {
      "refresh token": ALICE_REFRESH_TOKEN,
      "client secret": DEMO_CLIENT_SECRET,
      // The provider's access tokens are minted during the run; the emulator gives every one this prefix.
      "access token": "ya29.emu-",
    },
  );
  assert.ok(
    env.emulator.requestLog().some((e) => e.method === "oauth.token" && e.status === 200),
    "the provider was issued an access token, so its absence above means something",
  );
});

test("a static access token from GOOGLE_OAUTH_ACCESS_TOKEN: not in state or output", async () => {
  const env = await createBillingStack({ credentials: "none" });
  cleanups.add(() => env.cleanup());
  const token = env.emulator.issueAccessToken({
    principal: "alice@example.com",
    scopes: ["https://www.googleapis.com/auth/cloud-billing"],
  });
  (env.stack.workspace as LocalWorkspace).envVars.GOOGLE_OAUTH_ACCESS_TOKEN = token;
  const { output, exported } = await exerciseStack(env);
  assert.equal(
    env.emulator.requestLog().filter((e) => e.method === "oauth.token").length,
    0,
    "the static token was used",
  );
  assertAbsent({ "CLI output": output, "stack export --show-secrets": exported }, { "access token": token });
});

/** The emulator's log, as `method principal` of every successful request, once each. */
function methods(env: BillingStack): Set<string> {
  return new Set(
    env.emulator
      .requestLog()
      .filter((e) => e.status === 200)
      .map((e) => `${e.method} ${e.principal}`),
  );
}

/** A GitHub-shaped OIDC token the emulator's pool trusts, written to a file; valid for the whole test. */
function oidcTokenFile(env: BillingStack): { file: string; token: string } {
  const key = generateTestKey();
  trustIssuerKey(env.emulator, key);
  const token = signJwt(key, githubClaims("acme/infra", 3600));
  const file = path.join(env.stateDir, "oidc-token.jwt");
  fs.writeFileSync(file, token, { mode: 0o600 });
  return { file, token };
}

test("impersonated from a user (gcloud's ADC file in stack config): the service account links, nothing leaks", async () => {
  const env = await createBillingStack({ credentials: "none", identityEndpoints: true });
  cleanups.add(() => env.cleanup());
  const file = writeJsonFile(env.stateDir, "adc", impersonatedAdcJson(env.emulator, DEPLOYER));
  await env.stack.setConfig("gcp-billing:credentials", { value: file });
  const { output, exported } = await exerciseStack(env, SANDBOX);
  const seen = methods(env);
  assert.ok(seen.has("iamcredentials.generateAccessToken alice@example.com"), "alice impersonated");
  assert.ok(seen.has(`projects.updateBillingInfo ${DEPLOYER}`), "the service account wrote the link");
  assertAbsent(
    { "CLI output": output, "stack export --show-secrets": exported },
    {
      "refresh token": ALICE_ADC_REFRESH_TOKEN,
      "client secret": ADC_CLIENT_SECRET,
      "access token": "ya29.emu-",
    },
  );
});

for (const impersonating of [false, true]) {
  test(`workload identity federation, file-sourced OIDC token${impersonating ? ", impersonating" : ""}: nothing leaks`, async () => {
    const env = await createBillingStack({ credentials: "none", identityEndpoints: true });
    cleanups.add(() => env.cleanup());
    const { file, token } = oidcTokenFile(env);
    const config = writeJsonFile(
      env.stateDir,
      "wif",
      externalAccountJson(env.emulator, file, impersonating ? DEPLOYER : undefined),
    );
    (env.stack.workspace as LocalWorkspace).envVars.GOOGLE_APPLICATION_CREDENTIALS = config;
    const { output, exported } = await exerciseStack(env, SANDBOX);
    const writer = [...methods(env)].find((m) => m.startsWith("projects.updateBillingInfo "));
    if (impersonating) assert.equal(writer, `projects.updateBillingInfo ${DEPLOYER}`);
    else assert.ok(writer?.startsWith(`projects.updateBillingInfo ${FEDERATED_PREFIX}`), writer);
    assert.ok(
      [...methods(env)].some((m) => m.startsWith("sts.token ")),
      "the OIDC token was exchanged",
    );
    assertAbsent(
      { "CLI output": output, "stack export --show-secrets": exported },
      { "subject token": token, "access token": "ya29.emu-" },
    );
  });
}

test("a service account key (least recommended): the account links, the private key never leaks", async () => {
  const env = await createBillingStack({ credentials: "none", identityEndpoints: true });
  cleanups.add(() => env.cleanup());
  const key = generateTestKey();
  const keyId = env.emulator.addServiceAccountKey(DEPLOYER, key.publicKeyPem);
  const file = writeJsonFile(env.stateDir, "key", serviceAccountKeyJson(env.emulator, DEPLOYER, key, keyId));
  await env.stack.setConfig("gcp-billing:credentials", { value: file });
  const { output, exported } = await exerciseStack(env, SANDBOX);
  assert.ok(methods(env).has(`oauth.token ${DEPLOYER}`), "the JWT-bearer grant ran");
  assert.ok(methods(env).has(`projects.updateBillingInfo ${DEPLOYER}`));
  const keyBody = key.privateKeyPem.split("\n").slice(1, -2).join("");
  assertAbsent(
    { "CLI output": output, "stack export --show-secrets": exported },
    {
      "private key": keyBody,
      "private key line": key.privateKeyPem.split("\n")[5],
      "access token": "ya29.emu-",
    },
  );
});
