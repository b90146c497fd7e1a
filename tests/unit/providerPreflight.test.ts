// check's preflight against a local fake of Google: when it calls the API, and which credential
// failures it may skip (none found) and which it must report (rejected by the token endpoint).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, test } from "@jest/globals";
import { ProjectBillingLinkProvider } from "../../provider/src/projectBillingLinkProvider";
import { userMessage } from "../../provider/src/providerError";
import { RefreshTokenRevokedError } from "../../sdk/src";
import { resetThrottlesForTests } from "../../sdk/src/throttle";
import { clearTokenCacheForTests } from "../../sdk/src/tokenProvider";
import { json, startFakeGoogle, type FakeGoogle } from "./sdk/fakeGoogle";

const ACCOUNT = "billingAccounts/01A2B3-C4D5E6-F7A8B9";
const INPUTS = { projectId: "demo-app", billingAccount: ACCOUNT };

let g: FakeGoogle;
let emptyHome: string;
beforeAll(async () => {
  g = await startFakeGoogle();
  // The provider resolves credentials from process.env when config has none: make it find nothing.
  emptyHome = mkdtempSync(join(tmpdir(), "preflight-home-"));
  for (const key of ["GOOGLE_OAUTH_ACCESS_TOKEN", "GOOGLE_CREDENTIALS", "GOOGLE_APPLICATION_CREDENTIALS"])
    delete process.env[key];
  process.env.CLOUDSDK_CONFIG = emptyHome;
});
afterAll(async () => {
  await g.close();
  rmSync(emptyHome, { recursive: true, force: true });
});
beforeEach(() => {
  g.requests.length = 0;
  clearTokenCacheForTests();
  resetThrottlesForTests();
});

function provider(config: Record<string, string>): ProjectBillingLinkProvider {
  const p = new ProjectBillingLinkProvider();
  const all: Record<string, string> = {
    "gcp-billing:apiEndpoint": g.url,
    "gcp-billing:oauthTokenUrl": `${g.url}token`,
    ...config,
  };
  void p.configure({ config: { get: (key) => all[key] } });
  return p;
}

const credentials = JSON.stringify({
  type: "authorized_user",
  client_id: "cid",
  client_secret: "preflight-client-secret",
  refresh_token: "preflight-refresh-token",
});

describe("check's preflight", () => {
  test("preflight false: valid inputs pass without a single request", async () => {
    g.setHandler((_r, res) => json(res, 500, {}));
    const result = await provider({
      "gcp-billing:preflight": "false",
      "gcp-billing:credentials": credentials,
    }).check({}, INPUTS);
    assert.deepEqual(result.failures, []);
    assert.equal(g.requests.length, 0);
  });

  test("no credentials anywhere: skipped, so a preview without secrets still runs", async () => {
    g.setHandler((_r, res) => json(res, 500, {}));
    const result = await provider({}).check({}, INPUTS);
    assert.deepEqual(result.failures, []);
    assert.equal(g.requests.length, 0);
  });

  test("a revoked refresh token fails the preview as a credentials error, with the login hint", async () => {
    g.setHandler((_r, res) =>
      json(res, 400, { error: "invalid_grant", error_description: "Token has been expired or revoked." }),
    );
    const err = await provider({ "gcp-billing:credentials": credentials })
      .check({}, INPUTS)
      .catch((e: unknown) => e);
    // Not a billingAccount failure: the account is fine, the credentials are not.
    assert.ok(err instanceof RefreshTokenRevokedError);
    const message = userMessage(err, "check");
    assert.match(message, /oauth\.token failed with 400 .*invalid_grant/);
    assert.match(message, /gcp-billing-link login/);
    assert.doesNotMatch(message, /billing account/);
    assert.equal(message.includes("preflight-refresh-token"), false);
    assert.deepEqual(
      g.requests.map((r) => r.path),
      ["/token"],
    );
  });
});

describe("update", () => {
  test("a deletionPolicy-only change makes no API call and keeps the recorded link", async () => {
    g.setHandler((_r, res) => json(res, 500, {}));
    const olds = {
      ...INPUTS,
      deletionPolicy: "unlink",
      billingEnabled: true,
      previousBillingAccount: "",
      appliedBillingAccount: ACCOUNT,
    };
    const result = await provider({ "gcp-billing:credentials": credentials }).update("demo-app", olds, {
      ...INPUTS,
      deletionPolicy: "abandon",
    });
    assert.deepEqual(result.outs, { ...olds, deletionPolicy: "abandon", __deletionPolicyOrigin: "declared" });
    assert.equal(g.requests.length, 0);
  });
});
