/**
 * `gcp-billing-link doctor` with pipeline identities, as a child process against the emulator: it names
 * the credential kind and the principal the API sees, and each failure carries its fix. No subject token,
 * private key or access token is ever printed.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from "@jest/globals";
import { startEmulator, type RunningEmulator } from "../../emulator/src/index";
import { emulatorEnv, runCli } from "../browser/support/cliProcess";
import {
  ADC_CLIENT_ID,
  ADC_CLIENT_SECRET,
  ALICE_ADC_REFRESH_TOKEN,
  DEPLOYER,
  PROVIDER,
  REPORTING,
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
import { ACCOUNT_IDS } from "../support/seed";

const SANDBOX = ACCOUNT_IDS.sandbox;
const POOL = PROVIDER.split("/providers/")[0];

let emu: RunningEmulator;
let home: string;
let key: TestKey;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(() => emu.stop());
beforeEach(async () => {
  await emu.reset();
  home = fs.mkdtempSync(path.join(os.tmpdir(), "doctor-identities-"));
  key = generateTestKey();
  trustIssuerKey(emu, key);
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

async function doctor(env: NodeJS.ProcessEnv, secrets: string[], args: string[] = []) {
  const r = await runCli(
    ["doctor", ...args],
    emulatorEnv(emu, home, {
      GCP_BILLING_LINK_STS_TOKEN_URL: emu.stsTokenUrl,
      GCP_BILLING_LINK_IAM_CREDENTIALS_URL: emu.iamCredentialsRoot,
      ...env,
    }),
  );
  const output = r.stdout + r.stderr;
  for (const s of [...secrets, ALICE_ADC_REFRESH_TOKEN, ADC_CLIENT_SECRET, "ya29.emu-"])
    assert.equal(output.includes(s), false, `doctor printed a secret (${s.slice(0, 10)}…)`);
  return r;
}

function oidcToken(repository = "acme/infra"): { file: string; token: string } {
  const token = signJwt(key, githubClaims(repository));
  const file = path.join(home, "oidc.jwt");
  fs.writeFileSync(file, token);
  return { file, token };
}

describe("doctor names the kind and the principal", () => {
  it("an impersonated_service_account file: the service account, through the user's credentials", async () => {
    const gac = writeJsonFile(home, "adc", impersonatedAdcJson(emu, DEPLOYER));
    const r = await doctor({ GOOGLE_APPLICATION_CREDENTIALS: gac }, [], ["--billing-account", SANDBOX]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /\[ ok \] Credentials: impersonated_service_account from GOOGLE_APPLICATION_CREDENTIALS: impersonates deployer@quota-home\.iam\.gserviceaccount\.com with authorized_user credentials/,
    );
    assert.match(r.stdout, /\[ ok \] Identity: deployer@quota-home\.iam\.gserviceaccount\.com$/m);
    assert.match(r.stdout, /\[ ok \] Link projects to billingAccounts\/0B1C2D-3E4F5A-6B7C8D: caller holds/);
  });

  it("workload identity federation without impersonation: the federated subject and its pool", async () => {
    const { file, token } = oidcToken();
    const gac = writeJsonFile(home, "wif", externalAccountJson(emu, file));
    const r = await doctor({ GOOGLE_APPLICATION_CREDENTIALS: gac }, [token]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      new RegExp(
        `Credentials: external_account from GOOGLE_APPLICATION_CREDENTIALS: workload identity federation through ${PROVIDER}$`,
        "m",
      ),
    );
    assert.match(
      r.stdout,
      new RegExp(`Identity: federated identity "repo:acme/infra:ref:refs/heads/main" of ${POOL}$`, "m"),
    );
  });

  it("a service account key: named as the least recommended kind", async () => {
    const keyId = emu.addServiceAccountKey(DEPLOYER, key.publicKeyPem);
    const gac = writeJsonFile(home, "key", serviceAccountKeyJson(emu, DEPLOYER, key, keyId));
    const r = await doctor({ GOOGLE_APPLICATION_CREDENTIALS: gac }, [key.privateKeyPem.split("\n")[1]]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /Credentials: service_account from GOOGLE_APPLICATION_CREDENTIALS: a key of deployer@quota-home\.iam\.gserviceaccount\.com \(least recommended\)/,
    );
  });
});

describe("doctor gives the fix for each failure", () => {
  it("the token creator role missing (--impersonate-service-account): the role and the gcloud command", async () => {
    const adc = {
      type: "authorized_user",
      client_id: ADC_CLIENT_ID,
      client_secret: ADC_CLIENT_SECRET,
      refresh_token: ALICE_ADC_REFRESH_TOKEN,
    };
    const gac = writeJsonFile(home, "user", adc);
    const r = await doctor(
      { GOOGLE_APPLICATION_CREDENTIALS: gac },
      [],
      ["--impersonate-service-account", REPORTING],
    );
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      /\[FAIL\] Access token: could not get one: iamcredentials\.generateAccessToken failed with 403 PERMISSION_DENIED \(IAM_PERMISSION_DENIED\)/,
    );
    assert.match(
      r.stdout,
      /fix: The identity that runs Pulumi may not impersonate reporting@quota-home\.iam\.gserviceaccount\.com: grant it roles\/iam\.serviceAccountTokenCreator .*gcloud iam service-accounts add-iam-policy-binding/,
    );
  });

  it("the pool's condition rejects the subject: the fix names the attribute condition", async () => {
    const { file, token } = oidcToken("evil/fork");
    const gac = writeJsonFile(home, "wif", externalAccountJson(emu, file, DEPLOYER));
    const r = await doctor({ GOOGLE_APPLICATION_CREDENTIALS: gac }, [token]);
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      /\[FAIL\] Access token: could not get one: sts\.token failed with 400 unauthorized_client/,
    );
    assert.match(
      r.stdout,
      new RegExp(`fix: The attribute condition of ${PROVIDER} rejects this token's claims`),
    );
  });

  it("a file that points a token somewhere other than Google, with no explicit endpoint: refused, naming the setting", async () => {
    const { file, token } = oidcToken();
    const gac = writeJsonFile(home, "wif", externalAccountJson(emu, file));
    const r = await doctor({ GOOGLE_APPLICATION_CREDENTIALS: gac, GCP_BILLING_LINK_STS_TOKEN_URL: "" }, [
      token,
    ]);
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      /\[FAIL\] Credentials: token_url in the file named by GOOGLE_APPLICATION_CREDENTIALS points at http:\/\/127\.0\.0\.1:[0-9]+, which is not a Google sts endpoint/,
    );
    assert.match(r.stdout, /fix: .*gcp-billing:stsTokenUrl \(GCP_BILLING_LINK_STS_TOKEN_URL\)/);
    assert.equal(emu.requestLog().length, 0, "nothing was sent");
  });
});
