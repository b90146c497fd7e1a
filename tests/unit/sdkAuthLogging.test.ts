// google-auth-library logs every token response body when GOOGLE_SDK_NODE_LOGGING is set, and its
// logger reads that variable when the library is first loaded. This file therefore sets it before
// loading anything (jest gives each test file its own module registry and its own copy of process.env)
// and listens to the library's own logger: neither the sdk's token refresh nor `login`'s code exchange
// may let a token through it.
process.env.GOOGLE_SDK_NODE_LOGGING = "*";

/* eslint-disable @typescript-eslint/no-require-imports */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { format } from "node:util";
import { afterAll, beforeAll, beforeEach, test } from "@jest/globals";
import type * as GoogleAuth from "google-auth-library";
import type * as Sdk from "../../sdk/src";
import type * as Login from "../../cli/src/commands/login";
import type * as Output from "../../cli/src/output";
import type * as Fake from "./sdk/fakeGoogle";

const { AuthClient, UserRefreshClient } = require("google-auth-library") as typeof GoogleAuth;
const { CloudBillingClient } = require("../../sdk/src") as typeof Sdk;
const { login } = require("../../cli/src/commands/login") as typeof Login;
const { silentLogger } = require("../../cli/src/output") as typeof Output;
const { json, startFakeGoogle } = require("./sdk/fakeGoogle") as typeof Fake;
/* eslint-enable @typescript-eslint/no-require-imports */

// Fake, Google-shaped canaries made per run, so nothing credential-like is committed.
const CANARY = randomBytes(8).toString("hex");
const ACCESS_TOKEN = `ya29.logging-canary-${CANARY}`;
const REFRESH_TOKEN = `1//logging-canary-${CANARY}`;
const CLIENT_SECRET = `logging-canary-client-secret-${CANARY}`;
const SECRETS = [ACCESS_TOKEN, REFRESH_TOKEN, CLIENT_SECRET];

const logged: string[] = [];
AuthClient.log.on("log", (_fields, args) => logged.push(format(...args)));

let g: Fake.FakeGoogle;
let dir: string;
beforeAll(async () => {
  g = await startFakeGoogle();
  dir = mkdtempSync(join(tmpdir(), "auth-logging-"));
});
afterAll(async () => {
  await g.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  logged.length = 0;
  g.setHandler((r, res) =>
    r.path === "/token"
      ? json(res, 200, {
          access_token: ACCESS_TOKEN,
          refresh_token: REFRESH_TOKEN,
          expires_in: 3599,
          token_type: "Bearer",
          scope: "https://www.googleapis.com/auth/cloud-billing",
        })
      : json(res, 200, { projectId: "p-unit" }),
  );
});

function assertNothingLogged(): void {
  const all = logged.join("\n");
  for (const secret of SECRETS) assert.equal(all.includes(secret), false, `${secret} was logged:\n${all}`);
}

test("the logger under test is live: a plain AuthClient logs the token response", async () => {
  // Without this, a library change that stops logging would make the tests below pass vacuously.
  const plain = new UserRefreshClient({
    clientId: "cid",
    clientSecret: CLIENT_SECRET,
    refreshToken: REFRESH_TOKEN,
    endpoints: { oauth2TokenUrl: `${g.url}token` },
  });
  await plain.refreshAccessToken();
  assert.ok(logged.join("\n").includes(ACCESS_TOKEN), "google-auth-library logs the body when enabled");
});

test("the sdk's token refresh logs no token or secret", async () => {
  const client = new CloudBillingClient({
    credentials: { refreshToken: REFRESH_TOKEN, clientId: "cid-sdk", clientSecret: CLIENT_SECRET },
    endpoints: { apiRoot: g.url, tokenUrl: `${g.url}token` },
    env: {},
  });
  assert.equal((await client.getProjectBillingInfo("p-unit")).projectId, "p-unit");
  assert.equal(g.requests.filter((r) => r.path === "/token").length >= 1, true);
  assertNothingLogged();
});

test("login's code exchange logs no token or secret", async () => {
  const outFile = join(dir, "credentials.json");
  // A "browser" that approves at once: it calls the loopback listener with the consent URL's state.
  const browserOpener = async (consentUrl: string): Promise<boolean> => {
    const q = new URL(consentUrl).searchParams;
    void fetch(`${q.get("redirect_uri")}?code=4%2F0code&state=${encodeURIComponent(q.get("state") ?? "")}`);
    return true;
  };
  await login({
    clientId: "cid-login",
    clientSecret: CLIENT_SECRET,
    scope: "cloud-billing",
    outFile,
    timeoutMs: 10_000,
    openBrowser: true,
    logger: silentLogger,
    env: {
      GCP_BILLING_LINK_OAUTH_TOKEN_URL: `${g.url}token`,
      GCP_BILLING_LINK_OAUTH_AUTH_URL: `${g.url}auth`,
    },
    browserOpener,
    pulumiRunner: async () => ({ exitCode: 1, stderr: "not used" }),
  });
  assert.equal(JSON.parse(readFileSync(outFile, "utf8")).refresh_token, REFRESH_TOKEN);
  assertNothingLogged();
});
