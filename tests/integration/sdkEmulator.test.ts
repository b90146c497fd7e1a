/**
 * The sdk against the real emulator over HTTP on 127.0.0.1. Request counts per logical operation are
 * asserted from the emulator's request log.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, it } from "@jest/globals";
import { startEmulator, type RunningEmulator } from "../../emulator/src/index";
import {
  CloudBillingClient,
  NotFoundError,
  PermissionDeniedError,
  QuotaExceededError,
  InvalidArgumentError,
  RefreshTokenRevokedError,
  UnauthenticatedError,
  type CloudBillingClientOptions,
} from "../../sdk/src/index";
import { resetThrottlesForTests } from "../../sdk/src/throttle";
import { clearTokenCacheForTests } from "../../sdk/src/tokenProvider";
import { ACCOUNTS, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, REFRESH_TOKENS } from "../support/seed";

const DEMO_CLIENT = DEMO_CLIENT_ID;
const DEMO_SECRET = DEMO_CLIENT_SECRET;
const ADC_CLIENT = "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com";
const ADC_SECRET = "gcloud-adc-secret-not-a-real-secret";
const RT_ALICE = REFRESH_TOKENS.alice;
const MAIN = ACCOUNTS.main;
const SECRETS = [
  DEMO_SECRET,
  ADC_SECRET,
  RT_ALICE,
  "emu-rt-alice-adc",
  "emu-rt-outsider-cloud-billing",
  "emu-rt-viewer-cloud-billing",
  "emu-rt-admin-cloud-platform",
];

let emu: RunningEmulator;
const dir = mkdtempSync(join(tmpdir(), "sdk-int-"));
let sleeps: number[] = [];

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emu.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await emu.reset();
  clearTokenCacheForTests();
  resetThrottlesForTests();
  sleeps = [];
});

function endpoints(): NonNullable<CloudBillingClientOptions["endpoints"]> {
  return {
    apiRoot: emu.apiRoot,
    tokenUrl: emu.oauth.tokenUrl,
    tokenInfoUrl: emu.oauth.tokenInfoUrl,
    revokeUrl: emu.oauth.revokeUrl,
    authUrl: emu.oauth.authUrl,
  };
}

/** Real time, but no jitter, and sleeps recorded. */
const clock = {
  now: () => Date.now(),
  random: () => 0,
  sleep: (ms: number) => {
    sleeps.push(ms);
    return new Promise<void>((r) => setTimeout(r, ms));
  },
};

function client(opts: Partial<CloudBillingClientOptions> = {}): CloudBillingClient {
  return new CloudBillingClient({
    endpoints: endpoints(),
    env: {},
    clock,
    rateLimit: { requestsPerMinute: Infinity },
    ...opts,
  });
}

function alice(opts: Partial<CloudBillingClientOptions> = {}): CloudBillingClient {
  return client({
    credentials: { refreshToken: RT_ALICE, clientId: DEMO_CLIENT, clientSecret: DEMO_SECRET },
    ...opts,
  });
}

function authorizedUser(rt: string, clientId = DEMO_CLIENT, secret = DEMO_SECRET, quota?: string): string {
  return JSON.stringify({
    type: "authorized_user",
    client_id: clientId,
    client_secret: secret,
    refresh_token: rt,
    ...(quota ? { quota_project_id: quota } : {}),
  });
}

const byMethod = (): Record<string, number> => emu.counts().byMethod;

function assertNoSecrets(e: unknown, extra: string[] = []): void {
  const err = e instanceof Error ? e : new Error(String(e));
  const all = [
    err.message,
    err.stack,
    JSON.stringify(err),
    inspect(err, { depth: 10, showHidden: true }),
    String(err.cause ?? ""),
  ].join("\n");
  for (const s of [...SECRETS, ...extra]) assert.ok(!all.includes(s), `secret ${s} leaked:\n${all}`);
}

describe("sdk × emulator: credential kinds", () => {
  it("bare refresh token + client id/secret (options)", async () => {
    const c = alice();
    assert.equal(
      (await c.getProjectBillingInfo("demo-data")).billingAccountName,
      "billingAccounts/0B1C2D-3E4F5A-6B7C8D",
    );
    assert.deepEqual(await c.describeCredentials(), { source: "options", kind: "refresh_token" });
    assert.deepEqual(byMethod(), { "oauth.token": 1, "projects.getBillingInfo": 1 });
  });

  it("authorized_user file (credentialsFile) and contents (GOOGLE_CREDENTIALS)", async () => {
    const file = join(dir, "au.json");
    writeFileSync(file, authorizedUser(RT_ALICE));
    const a = client({ credentials: { credentialsFile: file } });
    await a.getProjectBillingInfo("demo-data");
    assert.equal((await a.describeCredentials()).kind, "authorized_user");
    const b = client({ env: { GOOGLE_CREDENTIALS: authorizedUser("emu-rt-viewer-cloud-billing") } });
    await b.getProjectBillingInfo("demo-data");
    assert.deepEqual(await b.describeCredentials(), {
      source: "GOOGLE_CREDENTIALS",
      kind: "authorized_user",
    });
    assert.deepEqual(emu.counts().byPrincipal, { "alice@example.com": 2, "viewer@example.com": 2 });
  });

  it("static access token (GOOGLE_OAUTH_ACCESS_TOKEN): no token endpoint call", async () => {
    const token = emu.issueAccessToken({
      principal: "alice@example.com",
      scopes: ["https://www.googleapis.com/auth/cloud-billing"],
    });
    const c = client({ env: { GOOGLE_OAUTH_ACCESS_TOKEN: token } });
    await c.getProjectBillingInfo("demo-data");
    assert.deepEqual(await c.describeCredentials(), {
      source: "GOOGLE_OAUTH_ACCESS_TOKEN",
      kind: "access_token",
    });
    const info = await c.getTokenInfo();
    assert.equal(info.email, "alice@example.com");
    assert.deepEqual(byMethod(), { "projects.getBillingInfo": 1, "oauth.tokeninfo": 1 });
  });

  it("an expired static token gives UnauthenticatedError without any refresh attempt", async () => {
    const token = emu.issueAccessToken({
      principal: "alice@example.com",
      scopes: ["https://www.googleapis.com/auth/cloud-billing"],
      lifetimeSeconds: 60,
    });
    emu.advanceClock(120_000);
    await assert.rejects(
      client({ env: { GOOGLE_OAUTH_ACCESS_TOKEN: token } }).getProjectBillingInfo("demo-data"),
      (e: unknown) => {
        assert.ok(e instanceof UnauthenticatedError);
        assert.match(e.hint ?? "", /GOOGLE_OAUTH_ACCESS_TOKEN/);
        assertNoSecrets(e, [token]);
        return true;
      },
    );
    assert.deepEqual(byMethod(), { "projects.getBillingInfo": 1 });
  });

  it("gcloud ADC file under CLOUDSDK_CONFIG, needing a quota project", async () => {
    const cfg = mkdtempSync(join(dir, "gcloud-"));
    // gcloud writes its ADC file 0600; a looser mode would add a warning to describeCredentials().
    writeFileSync(
      join(cfg, "application_default_credentials.json"),
      authorizedUser("emu-rt-alice-adc", ADC_CLIENT, ADC_SECRET),
      { mode: 0o600 },
    );
    // Without a quota project: Google's "requires a quota project" 403, with the actionable hint.
    await assert.rejects(
      client({ env: { CLOUDSDK_CONFIG: cfg } }).getProjectBillingInfo("demo-app-prod"),
      (e: unknown) => {
        assert.ok(e instanceof PermissionDeniedError);
        assert.equal(e.reason, "SERVICE_DISABLED");
        assert.match(e.hint ?? "", /GOOGLE_CLOUD_QUOTA_PROJECT/);
        assert.equal(e.attempts, 1);
        assertNoSecrets(e);
        return true;
      },
    );
    assert.equal(byMethod()["projects.getBillingInfo"], 1);
    // With GOOGLE_CLOUD_QUOTA_PROJECT the x-goog-user-project header is sent and the call succeeds.
    const ok = client({ env: { CLOUDSDK_CONFIG: cfg, GOOGLE_CLOUD_QUOTA_PROJECT: "quota-home" } });
    await ok.getProjectBillingInfo("demo-app-prod");
    assert.deepEqual(await ok.describeCredentials(), {
      source: "gcloud-adc",
      kind: "authorized_user",
      quotaProject: "quota-home",
    });
    // Same via the file's quota_project_id.
    writeFileSync(
      join(cfg, "application_default_credentials.json"),
      authorizedUser("emu-rt-alice-adc", ADC_CLIENT, ADC_SECRET, "quota-home"),
    );
    await client({ env: { CLOUDSDK_CONFIG: cfg } }).getProjectBillingInfo("demo-app-prod");
    assert.equal(byMethod()["projects.getBillingInfo"], 3);
  });
});

describe("sdk × emulator: tokens", () => {
  it("100 concurrent calls → one token refresh; after expiry one more, via a single 401 refresh", async () => {
    const c = alice({ maxConcurrentRequests: 16 });
    await Promise.all(Array.from({ length: 100 }, () => c.getProjectBillingInfo("demo-data")));
    assert.deepEqual(byMethod(), { "oauth.token": 1, "projects.getBillingInfo": 100 });
    // The emulator's clock passes the token's lifetime; the sdk does not know, gets 401s, and refreshes once.
    emu.advanceClock(3600_000);
    emu.clearLog();
    await Promise.all(Array.from({ length: 100 }, () => c.getProjectBillingInfo("demo-data")));
    const counts = byMethod();
    assert.equal(counts["oauth.token"], 1);
    const statuses = emu
      .requestLog()
      .filter((r) => r.method === "projects.getBillingInfo")
      .map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 100);
    assert.ok(statuses.filter((s) => s === 401).length <= 100);
  });

  it("a revoked refresh token gives RefreshTokenRevokedError with the login hint, no secrets", async () => {
    const res = await fetch(`${emu.oauth.revokeUrl}?token=${RT_ALICE}`, { method: "POST" });
    assert.equal(res.status, 200);
    emu.clearLog();
    await assert.rejects(alice().getProjectBillingInfo("demo-data"), (e: unknown) => {
      assert.ok(e instanceof RefreshTokenRevokedError);
      assert.equal(e.status, "invalid_grant");
      assert.match(e.hint ?? "", /gcp-billing-link login/);
      assertNoSecrets(e);
      return true;
    });
    assert.deepEqual(byMethod(), { "oauth.token": 1 });
  });
});

describe("sdk × emulator: token refreshes go through the sdk's pipeline", () => {
  it("a failing token endpoint is retried by the sdk's policy, and each attempt is observed", async () => {
    emu.setKnobs({
      failNext: [
        { status: 503, method: "oauth.token" },
        { status: 429, method: "oauth.token", retryAfterSeconds: 2 },
      ],
    });
    const seen: string[] = [];
    const c = alice({ observer: (r) => seen.push(`${r.method}#${r.attempt}:${r.httpStatus}`) });
    await c.getProjectBillingInfo("demo-data");
    assert.deepEqual(
      emu.requestLog().map((r) => `${r.method}:${r.status}`),
      ["oauth.token:503", "oauth.token:429", "oauth.token:200", "projects.getBillingInfo:200"],
    );
    assert.deepEqual(seen, [
      "oauth.token#1:503",
      "oauth.token#2:429",
      "oauth.token#3:200",
      "projects.getBillingInfo#1:200",
    ]);
    // The token endpoint's Retry-After was honoured by the sdk's own backoff.
    assert.ok(sleeps.includes(2000), `sleeps: ${sleeps.join(", ")}`);
  });
});

describe("sdk × emulator: retries", () => {
  it("recovers from an injected reset, 503 and 429 and honours Retry-After", async () => {
    emu.setKnobs({
      failNext: [
        { status: "reset", method: "projects.getBillingInfo" },
        { status: 503, method: "projects.getBillingInfo" },
        { status: 429, method: "projects.getBillingInfo", retryAfterSeconds: 1 },
      ],
    });
    const started = Date.now();
    const info = await alice().getProjectBillingInfo("demo-data");
    assert.equal(info.projectId, "demo-data");
    assert.ok(Date.now() - started >= 1000, "waited for Retry-After");
    assert.ok(sleeps.includes(1000), `sleeps: ${sleeps.join(",")}`);
    const statuses = emu
      .requestLog()
      .filter((r) => r.method === "projects.getBillingInfo")
      .map((r) => r.status);
    assert.deepEqual(statuses.slice(1), [503, 429, 200]);
    assert.equal(statuses.length, 4);
  });

  it("retries an idempotent PUT and the read-only testIamPermissions POST", async () => {
    emu.setKnobs({
      failNext: [
        { status: 500, method: "projects.updateBillingInfo" },
        { status: 503, method: "billingAccounts.testIamPermissions" },
      ],
    });
    const c = alice();
    await c.updateProjectBillingInfo("demo-app-prod", MAIN);
    assert.deepEqual(await c.testBillingAccountPermissions(MAIN, ["billing.resourceAssociations.create"]), [
      "billing.resourceAssociations.create",
    ]);
    const counts = byMethod();
    assert.equal(counts["projects.updateBillingInfo"], 2);
    assert.equal(counts["billingAccounts.testIamPermissions"], 2);
  });

  it("403, 404 and 400 are not retried", async () => {
    const outsider = client({
      credentials: {
        refreshToken: "emu-rt-outsider-cloud-billing",
        clientId: DEMO_CLIENT,
        clientSecret: DEMO_SECRET,
      },
    });
    await assert.rejects(outsider.getProjectBillingInfo("demo-app-prod"), (e: unknown) => {
      assert.ok(e instanceof PermissionDeniedError);
      assert.equal(e.reason, "IAM_PERMISSION_DENIED");
      assert.match(e.hint ?? "", /resourcemanager\.projects\.get/);
      assertNoSecrets(e);
      return true;
    });
    assert.equal(byMethod()["projects.getBillingInfo"], 1);

    const admin = client({
      credentials: {
        refreshToken: "emu-rt-admin-cloud-platform",
        clientId: DEMO_CLIENT,
        clientSecret: DEMO_SECRET,
      },
    });
    await assert.rejects(
      admin.getBillingAccount("000000-000000-000000"),
      (e: unknown) => e instanceof NotFoundError && e.attempts === 1,
    );
    assert.equal(byMethod()["billingAccounts.get"], 1);

    const list = async () => {
      for await (const _a of alice().listBillingAccounts({ filter: "bogus" })) void _a;
    };
    await assert.rejects(list(), (e: unknown) => e instanceof InvalidArgumentError && e.attempts === 1);
    assert.equal(byMethod()["billingAccounts.list"], 1);

    // FAILED_PRECONDITION (link quota) is a 400 too.
    await assert.rejects(
      alice().updateProjectBillingInfo("sandbox-one", "0F1F2F-3F4F5F-6F7F8F"),
      (e: unknown) => {
        assert.ok(e instanceof QuotaExceededError);
        assert.match(e.hint ?? "", /project-link quota.*billing_quota_increase/);
        return true;
      },
    );
    assert.equal(byMethod()["projects.updateBillingInfo"], 1);
  });

  it("a missing scope is explained and not retried", async () => {
    const ro = client({
      credentials: {
        refreshToken: "emu-rt-alice-readonly",
        clientId: DEMO_CLIENT,
        clientSecret: DEMO_SECRET,
      },
    });
    await assert.rejects(ro.updateProjectBillingInfo("demo-app-prod", MAIN), (e: unknown) => {
      assert.ok(e instanceof PermissionDeniedError);
      assert.equal(e.reason, "ACCESS_TOKEN_SCOPE_INSUFFICIENT");
      assert.match(e.hint ?? "", /auth\/cloud-billing/);
      return true;
    });
    assert.equal(byMethod()["projects.updateBillingInfo"], 1);
  });
});

describe("sdk × emulator: requests per logical operation", () => {
  // Issue 15 removed the read-back after every write (it cost a call per write to learn what the PUT's own
  // response says): a write is 1 PUT, and reads follow only when that response does not show the write.
  it("update = 1 PUT, no read-back, even while later reads lag (propagationDelayReads)", async () => {
    emu.setKnobs({ propagationDelayReads: 2 });
    const info = await alice().updateProjectBillingInfo("demo-app-prod", "01a2b3-c4d5e6-f7a8b9");
    assert.deepEqual(info, {
      name: "projects/demo-app-prod/billingInfo",
      projectId: "demo-app-prod",
      billingAccountName: MAIN,
      billingEnabled: true,
    });
    assert.deepEqual(byMethod(), { "oauth.token": 1, "projects.updateBillingInfo": 1 });
  });

  it("update = 1 PUT + reads until visible when the PUT's response lags too (staleWriteResponses)", async () => {
    emu.setKnobs({ propagationDelayReads: 2, staleWriteResponses: true });
    const info = await alice().updateProjectBillingInfo("demo-app-prod", "01a2b3-c4d5e6-f7a8b9");
    assert.equal(info.billingAccountName, MAIN);
    assert.equal(info.billingEnabled, true);
    assert.deepEqual(byMethod(), {
      "oauth.token": 1,
      "projects.updateBillingInfo": 1,
      "projects.getBillingInfo": 3,
    });
  });

  it("unlink = 1 PUT", async () => {
    const info = await alice().updateProjectBillingInfo("demo-data", "");
    assert.equal(info.billingAccountName, "");
    assert.equal(info.billingEnabled, false);
    assert.deepEqual(byMethod(), { "oauth.token": 1, "projects.updateBillingInfo": 1 });
  });

  it("listing pages through everything, one request per page", async () => {
    const names: string[] = [];
    for await (const p of alice().listProjectBillingInfo("0F1F2F-3F4F5F-6F7F8F", { pageSize: 1 }))
      names.push(p.projectId);
    assert.deepEqual(names.sort(), ["trial-one", "trial-two"]);
    const pages = byMethod()["billingAccounts.projects.list"];
    assert.ok(pages === 2 || pages === 3, `pages: ${pages}`);
    const accounts: string[] = [];
    for await (const a of alice().listBillingAccounts()) accounts.push(a.name);
    assert.ok(accounts.includes(MAIN));
    assert.equal(byMethod()["billingAccounts.list"], 1);
  });
});
