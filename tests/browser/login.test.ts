/**
 * `gcp-billing-link login` end to end in a real browser: the CLI runs as a child process with
 * --no-browser, headless Chromium (Debian's /usr/bin/chromium via playwright-core) opens the printed
 * consent URL on the in-process emulator and clicks Allow or Deny, exactly as a user would.
 *
 * In CI (CI=true) a missing Chromium fails this suite; locally it is skipped with the reason.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, it } from "@jest/globals";
import { z } from "zod";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startEmulator, type RunningEmulator } from "../../emulator/src/index";
import { CloudBillingClient } from "../../sdk/src/index";
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  ROOT,
  emulatorEnv,
  loginArgs,
  runCli,
  startCli,
  type CliRun,
} from "./support/cliProcess";
import { chromiumSkipReason, launchChromium } from "../support/chromium";
import { describeUnless } from "../support/skipUnless";

const ARTIFACTS = join(ROOT, "test-artifacts");
const CONSENT_URL = /^http:\/\/127\.0\.0\.1:\d+\/o\/oauth2\/v2\/auth\?/;
const skip = chromiumSkipReason;

let emu: RunningEmulator;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let home: string;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  if (skip) return;
  // In CI a missing binary makes this launch throw, which fails the suite instead of skipping it.
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await emu?.stop();
});
beforeEach(async () => {
  await emu.reset();
  home = mkdtempSync(join(tmpdir(), "cli-login-"));
  if (skip) return;
  // No CSP bypass: the consent page's own policy must let Chromium follow the redirect to the loopback app.
  context = await browser.newContext();
  page = await context.newPage();
});
afterEach(async () => {
  await context?.close();
  rmSync(home, { recursive: true, force: true });
});

function startLogin(outFile: string, extraArgs: string[] = []): CliRun {
  return startCli(
    loginArgs(outFile, extraArgs),
    // The secret goes through the environment, as the help recommends, not argv.
    emulatorEnv(emu, home, { GCP_BILLING_LINK_CLIENT_SECRET: DEMO_CLIENT_SECRET }),
  );
}

/** Secrets must appear in no output and in no file but the credentials file itself. */
function assertNoSecrets(text: string, secrets: string[]): void {
  for (const s of secrets) assert.ok(!text.includes(s), `output leaked a secret (${s.slice(0, 6)}…)`);
}

describeUnless(skip)("login in a real browser", () => {
  it("Allow: writes a 0600 authorized_user file that the sdk and doctor accept; a forged state is rejected", async () => {
    const outDir = join(home, "out");
    const outFile = join(outDir, "credentials.json");
    const run = startLogin(outFile, ["--quota-project", "quota-home"]);
    const consentUrl = await run.waitForLine(CONSENT_URL);
    const params = new URL(consentUrl).searchParams;
    assert.equal(params.get("code_challenge_method"), "S256");
    assert.equal(params.get("access_type"), "offline");
    assert.equal(params.get("prompt"), "consent");
    assert.equal(params.get("scope"), "https://www.googleapis.com/auth/cloud-billing");
    assert.match(params.get("state") ?? "", /^[A-Za-z0-9_-]{43}$/);
    const redirectUri = params.get("redirect_uri") ?? "";
    assert.match(redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/$/);

    await page.goto(consentUrl);
    const body = await page.locator("body").innerText();
    assert.match(body, /View and manage your Google Cloud Platform billing accounts/);
    assert.match(body, /https:\/\/www\.googleapis\.com\/auth\/cloud-billing\b/);
    assert.doesNotMatch(body, /cloud-platform/);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "consent-page.png"), fullPage: true });

    // A forged redirect (right listener, wrong state) is refused, and login keeps waiting for the real one.
    const forged = await fetch(`${redirectUri}?state=forged-state&code=4/forged-code`);
    assert.equal(forged.status, 400);
    assert.match(await forged.text(), /state parameter does not match/);
    const forgedInBrowser = await (
      await context.newPage()
    ).goto(`${redirectUri}?state=nope&error=access_denied`);
    assert.equal(forgedInBrowser?.status(), 400);
    assert.equal(existsSync(outFile), false);

    await page.check('input[value="alice@example.com"]');
    await Promise.all([page.waitForURL(`${redirectUri}?*`), page.click('button[value="allow"]')]);
    assert.match(await page.locator("h1").innerText(), /Login received/);

    assert.equal(await run.exit, 0, run.stderr());
    assert.match(run.stderr(), /wrong `state`/);
    assert.equal(statSync(outFile).mode & 0o777, 0o600);
    assert.equal(statSync(outDir).mode & 0o777, 0o700);
    // Array.from: fs builds its arrays in Node's realm, not in the test's (jest runs it in a vm).
    assert.deepEqual(Array.from(readdirSync(outDir)), ["credentials.json"], "no temporary file left behind");
    // strict(): exactly gcloud's authorized_user fields, nothing extra.
    const file = z
      .object({
        type: z.literal("authorized_user"),
        client_id: z.string(),
        client_secret: z.string(),
        refresh_token: z.string().min(10),
        quota_project_id: z.string(),
      })
      .strict()
      .parse(JSON.parse(readFileSync(outFile, "utf8")));
    assert.equal(file.type, "authorized_user");
    assert.equal(file.client_id, DEMO_CLIENT_ID);
    assert.equal(file.quota_project_id, "quota-home");
    const refreshToken = file.refresh_token;

    assert.match(run.stdout(), /export GOOGLE_APPLICATION_CREDENTIALS=/);
    // The same advice as the README: the file's path in config, never its contents.
    assert.match(run.stdout(), /pulumi config set gcp-billing:credentials \S+\.json/);
    assert.doesNotMatch(run.stdout(), /config set --secret gcp-billing:credentials </);
    const secrets = [refreshToken, DEMO_CLIENT_SECRET];
    assertNoSecrets(run.stdout() + run.stderr(), secrets);
    assertNoSecrets(await page.content(), secrets);

    // The file works with the sdk, resolved the way the provider resolves it.
    const env = emulatorEnv(emu, home, { GOOGLE_APPLICATION_CREDENTIALS: outFile });
    const client = new CloudBillingClient({ env });
    const info = await client.getProjectBillingInfo("demo-data");
    assert.equal(info.billingAccountName, "billingAccounts/0B1C2D-3E4F5A-6B7C8D");
    assert.deepEqual(await client.describeCredentials(), {
      source: "GOOGLE_APPLICATION_CREDENTIALS",
      kind: "authorized_user",
      quotaProject: "quota-home",
    });

    // ... and doctor agrees: alice may link demo-app-prod to the main account.
    const doc = await runCli(
      ["doctor", "--project", "demo-app-prod", "--billing-account", "01A2B3-C4D5E6-F7A8B9"],
      env,
    );
    assert.equal(doc.code, 0, doc.stdout + doc.stderr);
    assert.match(doc.stdout, /\[ ok \] Identity: alice@example\.com/);
    assertNoSecrets(doc.stdout + doc.stderr, secrets);
  });

  it("Deny: login fails with a clear message and writes no file", async () => {
    const outFile = join(home, "out", "credentials.json");
    const run = startLogin(outFile);
    const consentUrl = await run.waitForLine(CONSENT_URL);
    await page.goto(consentUrl);
    const redirectUri = new URL(consentUrl).searchParams.get("redirect_uri") ?? "";
    await Promise.all([page.waitForURL(`${redirectUri}?*`), page.click('button[value="deny"]')]);
    assert.match(await page.locator("body").innerText(), /You denied access/);

    assert.equal(await run.exit, 1);
    assert.match(run.stderr(), /Access was denied on the consent screen\. Nothing was saved\./);
    assert.match(run.stderr(), /choose Allow/);
    assert.equal(existsSync(outFile), false);
    assert.equal(existsSync(join(home, "out")), false, "not even the directory is created");
    assertNoSecrets(run.stdout() + run.stderr(), [DEMO_CLIENT_SECRET]);
  });

  it("shows the requested scope on the consent page for --scope cloud-billing.readonly", async () => {
    const run = startLogin(join(home, "ro.json"), ["--scope", "cloud-billing.readonly"]);
    await page.goto(await run.waitForLine(CONSENT_URL));
    assert.match(await page.locator("body").innerText(), /View your Google Cloud Platform billing accounts/);
    await page.click('button[value="deny"]');
    assert.equal(await run.exit, 1);
  });
});
