/**
 * The sdk's pipeline identities against the emulator on 127.0.0.1: impersonated_service_account files,
 * impersonateServiceAccount on top of another credential, external_account (file and url sourced, with
 * and without impersonation) and service account keys. Every grant is asserted from the emulator's request
 * log and the sdk's observer (it went through the pipeline); every failure by its hint; no secret reaches a
 * message.
 */
// A safety net under the loopback guards (tests/support/identities.ts): any request that is not to
// 127.0.0.1 goes to a proxy on a closed local port instead of leaving the machine, so even a regression
// that sent a token to a Google host could not reach Google.
process.env.NO_PROXY = "127.0.0.1,localhost";
process.env.HTTPS_PROXY = "http://127.0.0.1:9";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, it } from "@jest/globals";
import { startEmulator, type RunningEmulator } from "../../emulator/src/index";
import {
  CloudBillingClient,
  CloudBillingError,
  CredentialsError,
  type CloudBillingClientOptions,
  type RequestRecord,
} from "../../sdk/src/index";
import { resetThrottlesForTests } from "../../sdk/src/throttle";
import { clearTokenCacheForTests } from "../../sdk/src/tokenProvider";
import {
  ADC_CLIENT_ID,
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
  serviceAccountKeyJson,
  signJwt,
  trustIssuerKey,
  writeJsonFile,
  type TestKey,
} from "../support/identities";
import { cleanupAfterEach } from "../support/cleanups";
import { ACCOUNTS } from "../support/seed";

const cleanups = cleanupAfterEach();

const SANDBOX = ACCOUNTS.sandbox;
const FEDERATED = `principal://iam.googleapis.com/${PROVIDER.split("/providers/")[0]}/subject/repo:acme/infra:ref:refs/heads/main`;

let emu: RunningEmulator;
let dir: string;
let key: TestKey;
let records: RequestRecord[];

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sdk-identities-"));
});
afterAll(async () => {
  await emu.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await emu.reset();
  clearTokenCacheForTests();
  resetThrottlesForTests();
  key = generateTestKey();
  trustIssuerKey(emu, key);
  records = [];
});

/** Every endpoint the emulator serves, set explicitly (as gcp-billing:* config would). */
function endpoints(): NonNullable<CloudBillingClientOptions["endpoints"]> {
  return {
    apiRoot: emu.apiRoot,
    tokenUrl: emu.oauth.tokenUrl,
    tokenInfoUrl: emu.oauth.tokenInfoUrl,
    stsTokenUrl: emu.stsTokenUrl,
    iamCredentialsUrl: emu.iamCredentialsRoot,
  };
}

function client(env: NodeJS.ProcessEnv, opts: Partial<CloudBillingClientOptions> = {}): CloudBillingClient {
  return new CloudBillingClient({
    endpoints: endpoints(),
    env,
    observer: (r) => records.push(r),
    retry: { deadlineMs: 10_000, initialDelayMs: 1, maxDelayMs: 2 },
    ...opts,
  });
}

function oidcFile(claims: Record<string, unknown> = githubClaims("acme/infra")): {
  file: string;
  token: string;
} {
  const token = signJwt(key, claims);
  const file = path.join(dir, `oidc-${Math.random().toString(36).slice(2)}.jwt`);
  fs.writeFileSync(file, token);
  return { file, token };
}

function gac(json: object): NodeJS.ProcessEnv {
  return { GOOGLE_APPLICATION_CREDENTIALS: writeJsonFile(dir, "creds", json) };
}

/** The emulator's log as `method principal status`, for order-sensitive assertions. */
function log(): string[] {
  return emu.requestLog().map((e) => `${e.method} ${e.principal ?? "-"} ${e.status}`);
}

async function failure(p: Promise<unknown>): Promise<CloudBillingError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof CloudBillingError, `expected the sdk's error, got ${String(e)}`);
    return e;
  }
  assert.fail("expected a failure");
}

function assertNoSecret(e: CloudBillingError, secrets: string[]): void {
  const all = `${e.message}\n${e.stack}\n${JSON.stringify(e)}\n${inspect(e)}`;
  for (const s of [...secrets, "ya29.emu-"])
    assert.equal(all.includes(s), false, `a secret reached the error: ${s.slice(0, 12)}…`);
}

describe("impersonation", () => {
  it("an impersonated_service_account file (gcloud's ADC) acts as the service account", async () => {
    const c = client(gac(impersonatedAdcJson(emu, DEPLOYER)));
    assert.equal((await c.getProjectBillingInfo("demo-app-prod")).projectId, "demo-app-prod");
    assert.deepEqual(log(), [
      "oauth.token alice@example.com 200",
      "iamcredentials.generateAccessToken alice@example.com 200",
      `projects.getBillingInfo ${DEPLOYER} 200`,
    ]);
    assert.deepEqual(await c.describeCredentials(), {
      source: "GOOGLE_APPLICATION_CREDENTIALS",
      kind: "impersonated_service_account",
      principal: DEPLOYER,
      sourceKind: "authorized_user",
    });
    assert.deepEqual(await c.grantedScopes(), ["https://www.googleapis.com/auth/cloud-billing"]);
    assert.deepEqual(
      records.map((r) => r.method),
      ["oauth.token", "iamcredentials.generateAccessToken", "projects.getBillingInfo"],
      "both grants went through the sdk's pipeline (and its observer)",
    );
  });

  it("impersonateServiceAccount (or GOOGLE_IMPERSONATE_SERVICE_ACCOUNT) on top of user credentials", async () => {
    const viaOption = client(
      {},
      {
        credentials: {
          refreshToken: ALICE_ADC_REFRESH_TOKEN,
          clientId: ADC_CLIENT_ID,
          clientSecret: ADC_CLIENT_SECRET,
          impersonateServiceAccount: DEPLOYER,
        },
      },
    );
    await viaOption.updateProjectBillingInfo("demo-app-staging", SANDBOX);
    assert.ok(log().includes(`projects.updateBillingInfo ${DEPLOYER} 200`));
    const viaEnv = client({
      GOOGLE_CREDENTIALS: JSON.stringify({
        type: "authorized_user",
        client_id: ADC_CLIENT_ID,
        client_secret: ADC_CLIENT_SECRET,
        refresh_token: ALICE_ADC_REFRESH_TOKEN,
      }),
      GOOGLE_IMPERSONATE_SERVICE_ACCOUNT: DEPLOYER,
    });
    assert.equal((await viaEnv.describeCredentials()).principal, DEPLOYER);
  });

  it("the token creator role missing: a CredentialsError naming the role, the account and the command", async () => {
    const e = await failure(
      client(gac(impersonatedAdcJson(emu, REPORTING))).getProjectBillingInfo("demo-app-prod"),
    );
    assert.ok(e instanceof CredentialsError, "a refused impersonation is a credentials failure");
    assert.equal(e.reason, "IAM_PERMISSION_DENIED");
    assert.equal(e.method, "iamcredentials.generateAccessToken");
    assert.match(e.hint ?? "", /may not impersonate reporting@quota-home\.iam\.gserviceaccount\.com/);
    assert.match(
      e.hint ?? "",
      /gcloud iam service-accounts add-iam-policy-binding .* --role=roles\/iam\.serviceAccountTokenCreator/,
    );
    assertNoSecret(e, [ALICE_ADC_REFRESH_TOKEN, ADC_CLIENT_SECRET]);
    assert.equal(log().filter((l) => l.startsWith("projects.")).length, 0, "the API was never called");
  });

  it("a disabled service account: the hint says so and how to enable it", async () => {
    const e = await failure(
      client(gac(impersonatedAdcJson(emu, RETIRED))).getProjectBillingInfo("demo-app-prod"),
    );
    assert.equal(e.status, "FAILED_PRECONDITION");
    assert.match(e.hint ?? "", /retired@quota-home\.iam\.gserviceaccount\.com is disabled: enable it/);
  });

  it("a source token without cloud-platform: the hint says which login grants it", async () => {
    const json = impersonatedAdcJson(emu, DEPLOYER, "emu-rt-alice-cloud-billing") as {
      source_credentials: Record<string, string>;
    };
    json.source_credentials.client_id = "gcp-billing-link-demo.apps.googleusercontent.com";
    json.source_credentials.client_secret = "demo-client-secret-not-a-real-secret";
    const e = await failure(client(gac(json)).getProjectBillingInfo("demo-app-prod"));
    assert.equal(e.reason, "ACCESS_TOKEN_SCOPE_INSUFFICIENT");
    assert.match(e.hint ?? "", /cloud-platform scope, which generateAccessToken requires/);
  });

  it("GOOGLE_IMPERSONATE_SERVICE_ACCOUNT that is not an email is refused, naming the variable", async () => {
    const e = await failure(
      client({
        GOOGLE_OAUTH_ACCESS_TOKEN: "x",
        GOOGLE_IMPERSONATE_SERVICE_ACCOUNT: "not an email",
      }).describeCredentials(),
    );
    assert.match(e.message, /^GOOGLE_IMPERSONATE_SERVICE_ACCOUNT is not a service account email/);
  });
});

describe("workload identity federation (external_account)", () => {
  it("file-sourced, without impersonation: the federated identity calls the API itself", async () => {
    const { file } = oidcFile();
    const c = client(gac(externalAccountJson(emu, file)));
    await c.getProjectBillingInfo("demo-app-prod");
    assert.deepEqual(log(), [`sts.token ${FEDERATED} 200`, `projects.getBillingInfo ${FEDERATED} 200`]);
    assert.deepEqual(await c.describeCredentials(), {
      source: "GOOGLE_APPLICATION_CREDENTIALS",
      kind: "external_account",
      workloadIdentityProvider: PROVIDER,
      federatedSubject: "repo:acme/infra:ref:refs/heads/main",
    });
    assert.deepEqual(
      records.map((r) => r.method),
      ["sts.token", "projects.getBillingInfo"],
    );
  });

  it("file-sourced, impersonating: STS, then generateAccessToken, then the API as the service account", async () => {
    const c = client(gac(externalAccountJson(emu, oidcFile().file, DEPLOYER)));
    await c.getProjectBillingInfo("demo-app-prod");
    assert.deepEqual(log(), [
      `sts.token ${FEDERATED} 200`,
      `iamcredentials.generateAccessToken ${FEDERATED} 200`,
      `projects.getBillingInfo ${DEPLOYER} 200`,
    ]);
    assert.equal((await c.describeCredentials()).principal, DEPLOYER);
  });

  it("one exchange for many clients at once (single-flight, process-wide)", async () => {
    const env = gac(externalAccountJson(emu, oidcFile().file, DEPLOYER));
    await Promise.all(Array.from({ length: 8 }, () => client(env).getProjectBillingInfo("demo-app-prod")));
    const counts = emu.counts().byMethod;
    assert.equal(counts["sts.token"], 1);
    assert.equal(counts["iamcredentials.generateAccessToken"], 1);
    assert.equal(counts["projects.getBillingInfo"], 8);
  });

  it("the attribute condition rejects the subject: the hint names the provider's condition", async () => {
    const { token } = oidcFile(githubClaims("evil/fork"));
    const file = path.join(dir, "evil.jwt");
    fs.writeFileSync(file, token);
    const e = await failure(
      client(gac(externalAccountJson(emu, file))).getProjectBillingInfo("demo-app-prod"),
    );
    assert.ok(e instanceof CredentialsError);
    assert.equal(e.status, "unauthorized_client");
    assert.match(
      e.message,
      /^sts\.token failed with 400 unauthorized_client: The given credential is rejected by the attribute condition/,
    );
    assert.match(
      e.hint ?? "",
      new RegExp(`attribute condition of ${PROVIDER.replace(/[.]/g, "\\.")} rejects`),
    );
    assertNoSecret(e, [token]);
  });

  it("an expired OIDC token: the hint says it had expired and where it came from", async () => {
    const { file, token } = oidcFile(githubClaims("acme/infra", -60));
    const e = await failure(
      client(gac(externalAccountJson(emu, file))).getProjectBillingInfo("demo-app-prod"),
    );
    assert.match(e.message, /is stale to sign-in/);
    assert.match(
      e.hint ?? "",
      new RegExp(
        `from the file ${file.replace(/[.]/g, "\\.")} named by credential_source\\.file .* had expired`,
      ),
    );
    assertNoSecret(e, [token]);
    assert.deepEqual(log(), ["sts.token - 400"], "the STS decided, not the sdk");
  });

  it("a missing OIDC token file names the field and the file", async () => {
    const missing = path.join(dir, "never-written.jwt");
    const e = await failure(
      client(gac(externalAccountJson(emu, missing))).getProjectBillingInfo("demo-app-prod"),
    );
    assert.match(
      e.message,
      new RegExp(
        `The OIDC token file ${missing.replace(/[.]/g, "\\.")} named by credential_source\\.file in the file named by GOOGLE_APPLICATION_CREDENTIALS does not exist`,
      ),
    );
    assert.deepEqual(log(), [], "nothing was sent");
  });

  it("url-sourced, as google-github-actions/auth writes it: the request token is sent and never shown", async () => {
    const requestToken = `gh-request-token-${Math.random().toString(36).slice(2)}`;
    const oidc = signJwt(key, githubClaims("acme/infra"));
    const seen: string[] = [];
    const github = http.createServer((req, res) => {
      seen.push(String(req.headers.authorization));
      const ok = req.headers.authorization === `Bearer ${requestToken}`;
      res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
      // A server that echoes what it was sent: the sdk must scrub it.
      res.end(
        JSON.stringify(ok ? { count: 1, value: oidc } : { message: `bad ${req.headers.authorization}` }),
      );
    });
    await new Promise<void>((r) => github.listen(0, "127.0.0.1", r));
    cleanups.add(() => new Promise<void>((r) => (github.closeAllConnections(), github.close(() => r()))));
    const url = `http://127.0.0.1:${(github.address() as AddressInfo).port}/idtoken?api-version=2.0&audience=x`;
    const json = {
      ...(externalAccountJson(emu, "unused", DEPLOYER) as Record<string, unknown>),
      credential_source: {
        url,
        headers: { Authorization: `Bearer ${requestToken}` },
        format: { type: "json", subject_token_field_name: "value" },
      },
    };
    await client(gac(json)).getProjectBillingInfo("demo-app-prod");
    assert.deepEqual(seen, [`Bearer ${requestToken}`]);
    assert.deepEqual(records.map((r) => r.method).slice(0, 3), [
      "oidc.subjectToken",
      "sts.token",
      "iamcredentials.generateAccessToken",
    ]);
    clearTokenCacheForTests();
    const wrong = {
      ...json,
      credential_source: {
        ...json.credential_source,
        headers: { Authorization: "Bearer wrong-request-token" },
      },
    };
    const e = await failure(client(gac(wrong)).getProjectBillingInfo("demo-app-prod"));
    assert.equal(e.method, "oidc.subjectToken");
    assert.equal(e.httpStatus, 401);
    assertNoSecret(e, ["wrong-request-token", requestToken]);
  });
});

describe("service account keys", () => {
  it("a key file: the JWT-bearer grant, then the API as the service account", async () => {
    const keyId = emu.addServiceAccountKey(DEPLOYER, key.publicKeyPem);
    const c = client(gac(serviceAccountKeyJson(emu, DEPLOYER, key, keyId)));
    await c.getProjectBillingInfo("demo-app-prod");
    const grant = emu.requestLog()[0];
    assert.deepEqual(
      [grant.method, grant.grantType, grant.principal],
      ["oauth.token", "urn:ietf:params:oauth:grant-type:jwt-bearer", DEPLOYER],
    );
    assert.equal(emu.requestLog()[1].principal, DEPLOYER);
    assert.deepEqual(await c.describeCredentials(), {
      source: "GOOGLE_APPLICATION_CREDENTIALS",
      kind: "service_account",
      principal: DEPLOYER,
    });
    assert.equal(records[0].method, "oauth.token", "the grant went through the pipeline");
  });

  it("a disabled account's key is refused with the key hint, and the private key never shows", async () => {
    const keyId = emu.addServiceAccountKey(RETIRED, key.publicKeyPem);
    const e = await failure(
      client(gac(serviceAccountKeyJson(emu, RETIRED, key, keyId))).getProjectBillingInfo("demo-app-prod"),
    );
    assert.ok(e instanceof CredentialsError);
    assert.equal(
      e.constructor.name,
      "CredentialsError",
      "not a RefreshTokenRevokedError: there is no refresh token",
    );
    assert.match(e.message, /Robot is disabled/);
    assert.match(e.hint ?? "", /refused the key of retired@quota-home\.iam\.gserviceaccount\.com/);
    assertNoSecret(e, [key.privateKeyPem, key.privateKeyPem.split("\n")[1]]);
  });
});

describe("endpoints a credentials file may use", () => {
  it("a file URL that is not Google's is refused without an explicit endpoint, before any request", async () => {
    const env = gac(externalAccountJson(emu, oidcFile().file));
    const noOverride = new CloudBillingClient({ endpoints: { apiRoot: emu.apiRoot }, env });
    const e = await failure(noOverride.describeCredentials());
    assert.match(
      e.message,
      /^token_url in the file named by GOOGLE_APPLICATION_CREDENTIALS points at http:\/\/127\.0\.0\.1:[0-9]+, which is not a Google sts endpoint/,
    );
    assert.match(e.hint ?? "", /gcp-billing:stsTokenUrl \(GCP_BILLING_LINK_STS_TOKEN_URL\)/);
    assert.deepEqual(log(), []);
  });

  it("an explicit endpoint wins over the Google URL a file names", async () => {
    const json = {
      ...(externalAccountJson(emu, oidcFile().file, DEPLOYER) as Record<string, unknown>),
      token_url: "https://sts.googleapis.com/v1/token",
      service_account_impersonation_url: `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${DEPLOYER}:generateAccessToken`,
    };
    const file = path.join(dir, "google-urls.json");
    fs.writeFileSync(file, JSON.stringify(json)); // Google's URLs on purpose: the overrides must win.
    await client({ GOOGLE_APPLICATION_CREDENTIALS: file }).getProjectBillingInfo("demo-app-prod");
    assert.deepEqual(
      log().map((l) => l.split(" ")[0]),
      ["sts.token", "iamcredentials.generateAccessToken", "projects.getBillingInfo"],
    );
  });

  it("a static access token never loads google-auth-library", () => {
    const script = `
      const { CloudBillingClient } = require("./sdk/src");
      new CloudBillingClient({ env: { GOOGLE_OAUTH_ACCESS_TOKEN: "t" }, endpoints: { apiRoot: "http://127.0.0.1:9/" } })
        .describeCredentials()
        .then(() => console.log(Object.keys(require.cache).some((k) => k.includes("google-auth-library")) ? "loaded" : "not loaded"));`;
    // The sources through ts-node (transpile only), as `npm run emulator` runs them.
    const out = spawnSync(process.execPath, ["-r", "./scripts/register-ts.js", "-e", script], {
      cwd: path.join(__dirname, "..", ".."),
      encoding: "utf8",
    });
    assert.equal(out.stdout.trim(), "not loaded", out.stderr);
  });
});
