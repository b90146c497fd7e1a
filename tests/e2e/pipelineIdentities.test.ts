// Pipeline identities under the real engine, driven as a CI job drives it: the pulumi CLI with
// GOOGLE_APPLICATION_CREDENTIALS pointing at the file a workload identity federation step writes. The
// lifecycle succeeds with exit codes a pipeline checks; each way such a pipeline's auth breaks fails the
// preview with a specific message and its fix, before anything is written. (The other kinds' lifecycles,
// and what stays out of state and output, are in providerSecrets.test.ts.)
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "@jest/globals";
import { createBillingStack, type BillingStack } from "../support/billingStack";
import {
  ADC_CLIENT_SECRET,
  ALICE_ADC_REFRESH_TOKEN,
  DEPLOYER,
  PROVIDER,
  REPORTING,
  RETIRED,
  externalAccountJson,
  generateTestKey,
  githubClaims,
  impersonatedAdcJson,
  signJwt,
  trustIssuerKey,
  writeJsonFile,
} from "../support/identities";
import { cleanupAfterEach } from "../support/cleanups";
import { ACCOUNTS } from "../support/seed";

const cleanups = cleanupAfterEach();

const SANDBOX = ACCOUNTS.sandbox;
const LINKS = [{ name: "app", projectId: "demo-app-prod", billingAccount: SANDBOX }];

/** A stack whose provider gets GOOGLE_APPLICATION_CREDENTIALS = the file `json(env)` describes. */
async function pipelineStack(json: (env: BillingStack) => object): Promise<BillingStack> {
  const env = await createBillingStack({ credentials: "none", identityEndpoints: true });
  cleanups.add(() => env.cleanup());
  await env.declare(LINKS);
  const file = writeJsonFile(env.stateDir, "gha-creds", json(env));
  env.envVars.GOOGLE_APPLICATION_CREDENTIALS = file;
  return env;
}

/** Signs a GitHub-shaped OIDC token for `repository` and writes it where the file says. */
function oidcToken(
  env: BillingStack,
  repository: string,
  expiresInSeconds: number,
): { file: string; token: string } {
  const key = generateTestKey();
  trustIssuerKey(env.emulator, key);
  const token = signJwt(key, githubClaims(repository, expiresInSeconds));
  const file = path.join(env.stateDir, "oidc-token.jwt");
  fs.writeFileSync(file, token, { mode: 0o600 });
  return { file, token };
}

async function assertPreviewFails(env: BillingStack, patterns: RegExp[], secrets: string[]): Promise<string> {
  const preview = await env.cli(["preview"]);
  const output = preview.stdout + preview.stderr;
  assert.notEqual(preview.code, 0, output);
  for (const p of patterns) assert.match(output, p);
  for (const s of [...secrets, "ya29.emu-"])
    assert.equal(output.includes(s), false, `a secret reached the output`);
  assert.equal(
    env.emulator.requestLog().filter((e) => e.method === "projects.updateBillingInfo").length,
    0,
    "nothing was written",
  );
  return output;
}

test("a GitHub Actions-style job: up, preview --refresh --expect-no-changes and destroy succeed as the service account", async () => {
  let oidc = { file: "", token: "" };
  const env = await pipelineStack((e) => {
    oidc = oidcToken(e, "acme/infra", 3600);
    return externalAccountJson(e.emulator, oidc.file, DEPLOYER);
  });
  const up = await env.cli(["up", "--yes"]);
  assert.equal(up.code, 0, up.stdout + up.stderr);
  assert.equal(await env.liveAccount("demo-app-prod"), SANDBOX);
  const drift = await env.cli(["preview", "--refresh", "--expect-no-changes"]);
  assert.equal(drift.code, 0, drift.stdout + drift.stderr);
  const destroy = await env.cli(["destroy", "--yes"]);
  assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
  assert.equal(await env.liveAccount("demo-app-prod"), "", "restore put the project back as it was");
  const log = env.emulator.requestLog();
  assert.ok(log.some((e) => e.method === "sts.token" && e.status === 200));
  assert.ok(log.some((e) => e.method === "iamcredentials.generateAccessToken" && e.status === 200));
  const writers = new Set(
    log.filter((e) => e.method === "projects.updateBillingInfo").map((e) => e.principal),
  );
  assert.deepEqual([...writers], [DEPLOYER], "every write was the service account's");
  const printed = [up, drift, destroy].map((r) => r.stdout + r.stderr).join("\n");
  assert.equal(printed.includes(oidc.token), false, "the subject token reached the output");
});

test("token creator role missing: the preview fails naming the role, the account and the command", async () => {
  const env = await pipelineStack((e) => impersonatedAdcJson(e.emulator, REPORTING));
  await assertPreviewFails(
    env,
    [
      /iamcredentials\.generateAccessToken failed with 403 PERMISSION_DENIED \(IAM_PERMISSION_DENIED\)/,
      /may not impersonate reporting@quota-home\.iam\.gserviceaccount\.com: grant it roles\/iam\.serviceAccountTokenCreator/,
      /gcloud iam service-accounts add-iam-policy-binding reporting@quota-home\.iam\.gserviceaccount\.com/,
    ],
    [ALICE_ADC_REFRESH_TOKEN, ADC_CLIENT_SECRET],
  );
  assert.ok(
    env.emulator
      .requestLog()
      .some((e) => e.method === "iamcredentials.generateAccessToken" && e.status === 403),
  );
});

test("the STS rejects the subject token (attribute condition): the preview names the provider's condition", async () => {
  let token = "";
  const env = await pipelineStack((e) => {
    const oidc = oidcToken(e, "evil/fork", 3600);
    token = oidc.token;
    return externalAccountJson(e.emulator, oidc.file, DEPLOYER);
  });
  await assertPreviewFails(
    env,
    [
      /sts\.token failed with 400 unauthorized_client: The given credential is rejected by the attribute condition/,
      new RegExp(`The attribute condition of ${PROVIDER.replace(/[.]/g, "\\.")} rejects this token's claims`),
    ],
    [token],
  );
});

test("an expired OIDC token: the preview says it had expired and where it was read", async () => {
  let token = "";
  const env = await pipelineStack((e) => {
    const oidc = oidcToken(e, "acme/infra", -120);
    token = oidc.token;
    return externalAccountJson(e.emulator, oidc.file, DEPLOYER);
  });
  await assertPreviewFails(
    env,
    [
      /is stale to sign-in/,
      /The OIDC token from the file .*oidc-token\.jwt named by credential_source\.file .* had expired before it was exchanged/,
    ],
    [token],
  );
  assert.deepEqual(
    env.emulator
      .requestLog()
      .map((e) => `${e.method} ${e.status}`)
      .filter((l) => !l.startsWith("projects.")),
    ["sts.token 400"],
  );
});

test("a disabled service account: the preview says so and how to enable it", async () => {
  const env = await pipelineStack((e) => impersonatedAdcJson(e.emulator, RETIRED));
  await assertPreviewFails(
    env,
    [
      /iamcredentials\.generateAccessToken failed with 400 FAILED_PRECONDITION/,
      /retired@quota-home\.iam\.gserviceaccount\.com is disabled: enable it \(`gcloud iam service-accounts enable retired@quota-home\.iam\.gserviceaccount\.com`\)/,
    ],
    [ALICE_ADC_REFRESH_TOKEN, ADC_CLIENT_SECRET],
  );
});
