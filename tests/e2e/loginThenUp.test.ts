// The whole user journey: `gcp-billing-link login` in a real browser writes a credentials file, and the
// provider links a project with it under the real engine. In CI a missing Chromium fails this test.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEMO_CLIENT_SECRET, emulatorEnv, loginArgs, startCli } from "../browser/support/cliProcess";
import { ACCOUNTS, createBillingStack } from "../support/billingStack";
import { chromiumSkipReason, launchChromium } from "../support/chromium";
import { cleanupAfterEach } from "../support/cleanups";
import { testUnless } from "../support/skipUnless";

const cleanups = cleanupAfterEach();

testUnless(chromiumSkipReason)("login's credentials file drives a pulumi up", async () => {
  const env = await createBillingStack({ credentials: "none" });
  cleanups.add(() => env.cleanup());
  const home = path.join(env.stateDir, "home-dir");
  fs.mkdirSync(home);
  const credentialsFile = path.join(home, "credentials.json");

  const login = startCli(
    loginArgs(credentialsFile),
    emulatorEnv(env.emulator, home, { GCP_BILLING_LINK_CLIENT_SECRET: DEMO_CLIENT_SECRET }),
  );
  const consentUrl = await login.waitForLine(/^http:\/\/127\.0\.0\.1:\d+\/o\/oauth2\/v2\/auth\?/);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(consentUrl);
    await page.check('input[value="alice@example.com"]');
    const redirectUri = new URL(consentUrl).searchParams.get("redirect_uri") ?? "";
    await Promise.all([page.waitForURL(`${redirectUri}?*`), page.click('button[value="allow"]')]);
  } finally {
    await browser.close();
  }
  assert.equal(await login.exit, 0, login.stderr());
  assert.equal(fs.statSync(credentialsFile).mode & 0o777, 0o600);

  await env.stack.setConfig("gcp-billing:credentials", { value: credentialsFile });
  await env.declare([{ name: "app", projectId: "demo-app-staging", billingAccount: ACCOUNTS.main }]);
  const up = await env.stack.up();
  assert.deepEqual(up.summary.resourceChanges, { create: 2 });
  assert.equal(await env.liveAccount("demo-app-staging"), ACCOUNTS.main);
  // The grant came from the consent just given, not from a seeded refresh token.
  const { refresh_token: issued } = JSON.parse(fs.readFileSync(credentialsFile, "utf8")) as {
    refresh_token: string;
  };
  assert.doesNotMatch(issued, /^emu-rt-/);
});
