/**
 * `gcp-billing-link doctor` as a child process against the in-process emulator: one scenario per way a
 * pipeline's auth breaks, each asserting the failing line, its fix text and the exit code main.ts picks.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from "@jest/globals";
import { startEmulator, type RunningEmulator } from "../../emulator/src/index";
import {
  ADC_CLIENT_ID,
  ADC_CLIENT_SECRET,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  emulatorEnv,
  runCli,
} from "../browser/support/cliProcess";

const MAIN_ACCOUNT = "01A2B3-C4D5E6-F7A8B9";
const REFRESH_TOKENS = [
  "emu-rt-alice-cloud-billing",
  "emu-rt-alice-readonly",
  "emu-rt-alice-adc",
  "emu-rt-viewer-cloud-billing",
  "emu-rt-outsider-cloud-billing",
];
const SECRETS = [DEMO_CLIENT_SECRET, ADC_CLIENT_SECRET, ...REFRESH_TOKENS];

let emu: RunningEmulator;
let home: string;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(async () => {
  await emu.reset();
  home = mkdtempSync(join(tmpdir(), "cli-doctor-"));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function authorizedUser(
  refreshToken: string,
  clientId = DEMO_CLIENT_ID,
  clientSecret = DEMO_CLIENT_SECRET,
): string {
  return JSON.stringify({
    type: "authorized_user",
    client_id: clientId,
    client_secret: clientSecret,
    refresh_token: refreshToken,
  });
}

function credentialsFile(refreshToken: string): string {
  const path = join(home, "credentials.json");
  writeFileSync(path, authorizedUser(refreshToken), { mode: 0o600 });
  return path;
}

async function doctor(env: NodeJS.ProcessEnv, args: string[] = [], extraSecrets: string[] = []) {
  const r = await runCli(["doctor", ...args], emulatorEnv(emu, home, env));
  for (const s of [...SECRETS, ...extraSecrets]) {
    assert.ok(!(r.stdout + r.stderr).includes(s), `doctor printed a secret (${s.slice(0, 8)}…)`);
  }
  return r;
}

/** The `fix:` line that follows the check line matching `check`. */
function fixAfter(stdout: string, check: RegExp): string {
  const lines = stdout.split("\n");
  const i = lines.findIndex((l) => check.test(l));
  assert.ok(i >= 0, `no line matching ${check} in:\n${stdout}`);
  const fix = lines[i + 1] ?? "";
  assert.match(fix, /^\s+fix: /, `no fix line after ${check} in:\n${stdout}`);
  return fix;
}

describe("doctor", () => {
  it("all good: every check passes and the exit code is 0", async () => {
    const r = await doctor(
      { GOOGLE_APPLICATION_CREDENTIALS: credentialsFile("emu-rt-alice-cloud-billing") },
      ["--project", "demo-data", "--billing-account", MAIN_ACCOUNT],
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\[ ok \] Credentials: authorized_user from GOOGLE_APPLICATION_CREDENTIALS/);
    assert.match(r.stdout, /\[ ok \] Identity: alice@example\.com/);
    assert.match(r.stdout, /\[ ok \] Scopes: https:\/\/www\.googleapis\.com\/auth\/cloud-billing$/m);
    assert.match(
      r.stdout,
      /\[ ok \] Token expiry: access token expires in 59 min \d+ s \(refreshed automatically\)/,
    );
    assert.match(
      r.stdout,
      /\[ ok \] Cloud Billing API: billingAccounts\.list answered; 4 billing account\(s\) visible/,
    );
    assert.match(
      r.stdout,
      /\[ ok \] Read link of projects\/demo-data: linked to billingAccounts\/0B1C2D-3E4F5A-6B7C8D/,
    );
    assert.match(
      r.stdout,
      /\[info\] Change link of projects\/demo-data: not checkable .*createBillingAssignment/,
    );
    assert.match(r.stdout, /\[ ok \] Read billingAccounts\/01A2B3-C4D5E6-F7A8B9: "Platform \(main\)", open/);
    assert.match(
      r.stdout,
      /\[ ok \] Link projects to billingAccounts\/01A2B3-C4D5E6-F7A8B9: caller holds billing\.resourceAssociations\.create/,
    );
    assert.doesNotMatch(r.stdout, /FAIL/);
  });

  it("--credentials mirrors the gcp-billing:credentials stack config (contents or path)", async () => {
    const r = await doctor({}, ["--credentials", authorizedUser("emu-rt-alice-cloud-billing")]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Credentials: authorized_user from --credentials/);
  });

  it("missing scope: a cloud-billing.readonly token fails the scope check with the login fix", async () => {
    const r = await doctor({ GOOGLE_CREDENTIALS: authorizedUser("emu-rt-alice-readonly") }, [
      "--billing-account",
      MAIN_ACCOUNT,
    ]);
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      /\[FAIL\] Scopes: https:\/\/www\.googleapis\.com\/auth\/cloud-billing\.readonly: can read billing info but cannot link or unlink projects/,
    );
    assert.match(fixAfter(r.stdout, /\[FAIL\] Scopes/), /gcp-billing-link login --scope cloud-billing/);
    // IAM is fine for alice: only the scope is wrong, and doctor says so rather than blaming roles.
    assert.match(r.stdout, /\[ ok \] Link projects to billingAccounts\/01A2B3/);
    assert.match(r.stderr, /Some checks failed/);
  });

  it("missing permission: a viewer cannot link projects to the account, and the fix names the role", async () => {
    const r = await doctor(
      { GOOGLE_APPLICATION_CREDENTIALS: credentialsFile("emu-rt-viewer-cloud-billing") },
      ["--billing-account", MAIN_ACCOUNT],
    );
    assert.equal(r.code, 1);
    assert.match(r.stdout, /\[ ok \] Read billingAccounts\/01A2B3-C4D5E6-F7A8B9/);
    assert.match(
      r.stdout,
      /\[FAIL\] Link projects to billingAccounts\/01A2B3-C4D5E6-F7A8B9: caller lacks billing\.resourceAssociations\.create/,
    );
    assert.match(
      fixAfter(r.stdout, /\[FAIL\] Link projects/),
      /Grant roles\/billing\.user on the billing account \(or roles\/billing\.admin\)/,
    );
  });

  it("missing permission: an outsider cannot even read the account or the project", async () => {
    const r = await doctor(
      { GOOGLE_APPLICATION_CREDENTIALS: credentialsFile("emu-rt-outsider-cloud-billing") },
      ["--project", "demo-app-prod", "--billing-account", MAIN_ACCOUNT],
    );
    assert.equal(r.code, 1);
    assert.match(r.stdout, /\[ ok \] Cloud Billing API: billingAccounts\.list answered; 0 billing account/);
    assert.match(
      fixAfter(r.stdout, /\[FAIL\] Read link of projects\/demo-app-prod/),
      /roles\/(viewer|browser|billing)/,
    );
    assert.match(fixAfter(r.stdout, /\[FAIL\] Read billingAccounts\/01A2B3/), /roles\/billing\.viewer/);
    assert.match(fixAfter(r.stdout, /\[FAIL\] Link projects to/), /roles\/billing\.user/);
  });

  it("missing quota project: gcloud's ADC client without one fails, and setting GOOGLE_CLOUD_QUOTA_PROJECT fixes it", async () => {
    const gcloud = join(home, "gcloud");
    mkdirSync(gcloud, { recursive: true });
    writeFileSync(
      join(gcloud, "application_default_credentials.json"),
      authorizedUser("emu-rt-alice-adc", ADC_CLIENT_ID, ADC_CLIENT_SECRET),
    );
    const r = await doctor({});
    assert.equal(r.code, 1);
    assert.match(r.stdout, /\[ ok \] Credentials: authorized_user from gcloud-adc/);
    assert.match(r.stdout, /\[FAIL\] Quota project: none set, and these credentials need one/);
    assert.match(fixAfter(r.stdout, /\[FAIL\] Quota project/), /GOOGLE_CLOUD_QUOTA_PROJECT/);
    assert.match(r.stdout, /\[FAIL\] Cloud Billing API/);

    const fixed = await doctor({ GOOGLE_CLOUD_QUOTA_PROJECT: "quota-home" });
    assert.equal(fixed.code, 0, fixed.stdout);
    assert.match(fixed.stdout, /\[ ok \] Quota project: quota-home/);
  });

  it("revoked refresh token: the access-token check fails with the log-in-again fix", async () => {
    const revoked = await fetch(`${emu.oauth.revokeUrl}?token=emu-rt-alice-cloud-billing`, {
      method: "POST",
    });
    assert.equal(revoked.status, 200);
    const r = await doctor({ GOOGLE_APPLICATION_CREDENTIALS: credentialsFile("emu-rt-alice-cloud-billing") });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /\[ ok \] Credentials: authorized_user from GOOGLE_APPLICATION_CREDENTIALS/);
    assert.match(r.stdout, /\[FAIL\] Access token: could not get one/);
    assert.match(
      fixAfter(r.stdout, /\[FAIL\] Access token/),
      /refresh token has expired or been revoked\. Log in again: `gcp-billing-link login`/,
    );
    assert.equal(r.stdout.match(/FAIL/g)?.length, 1, "one failure, not repeated by every later check");
  });

  it("expired static token: GOOGLE_OAUTH_ACCESS_TOKEN past its expiry fails with the fresh-token fix", async () => {
    const token = emu.issueAccessToken({
      principal: "alice@example.com",
      scopes: ["https://www.googleapis.com/auth/cloud-billing"],
    });
    emu.advanceClock(2 * 3600_000);
    const r = await doctor({ GOOGLE_OAUTH_ACCESS_TOKEN: token }, [], [token]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /\[ ok \] Credentials: access_token from GOOGLE_OAUTH_ACCESS_TOKEN/);
    assert.match(
      r.stdout,
      /\[FAIL\] Access token: the static token from GOOGLE_OAUTH_ACCESS_TOKEN is expired, revoked or invalid/,
    );
    assert.match(
      fixAfter(r.stdout, /\[FAIL\] Access token/),
      /Static tokens cannot be refreshed: supply a fresh one/,
    );
    // Later checks would only repeat the same failure, so doctor stops there.
    assert.doesNotMatch(r.stdout, /Cloud Billing API/);
  });

  it("a live static token passes, with a warning when it is about to expire", async () => {
    const token = emu.issueAccessToken({
      principal: "alice@example.com",
      scopes: ["https://www.googleapis.com/auth/cloud-billing"],
      lifetimeSeconds: 300,
    });
    const r = await doctor({ GOOGLE_OAUTH_ACCESS_TOKEN: token }, [], [token]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /\[warn\] Token expiry: access token expires in [45] min/);
  });

  it("no credentials at all: exit 1 with the login fix", async () => {
    const r = await doctor({});
    assert.equal(r.code, 1);
    assert.match(r.stdout, /\[FAIL\] Credentials: No Google credentials found\./);
    assert.match(fixAfter(r.stdout, /\[FAIL\] Credentials/), /gcp-billing-link login/);
  });

  it("usage errors exit 2", async () => {
    const r = await doctor({}, ["--no-such-flag"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option/);
  });
});
