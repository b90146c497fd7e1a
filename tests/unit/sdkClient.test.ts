import assert from "node:assert/strict";
import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, it } from "@jest/globals";
import { CloudBillingClient } from "../../sdk/src/cloudBillingClient";
import {
  CancelledError,
  CloudBillingError,
  DeadlineExceededError,
  InvalidArgumentError,
  InvalidResourceNameError,
  NotFoundError,
  PermissionDeniedError,
  QuotaExceededError,
  RefreshTokenRevokedError,
  UnauthenticatedError,
  VerificationTimeoutError,
} from "../../sdk/src/errors";
import { resetThrottlesForTests } from "../../sdk/src/throttle";
import { clearTokenCacheForTests } from "../../sdk/src/tokenProvider";
import type { CloudBillingClientOptions, RequestRecord } from "../../sdk/src/types";
import { json, rpcError, startFakeGoogle, type FakeGoogle, type RecordedRequest } from "./sdk/fakeGoogle";

const RT = "rt-unit-SECRET-refresh-0123456789";
const SECRET = "client-SECRET-value-0123456789";
const AT = "at-unit-SECRET-access-0123456789";

let g: FakeGoogle;
let sleeps: number[] = [];
let slept = 0;
const isToken = (r: RecordedRequest) => r.path === "/token";
const isApi = (r: RecordedRequest) => r.path.startsWith("/v1/");

beforeAll(async () => {
  g = await startFakeGoogle();
});
afterAll(() => g.close());
beforeEach(() => {
  g.requests.length = 0;
  sleeps = [];
  slept = 0;
  clearTokenCacheForTests();
  resetThrottlesForTests();
});

function client(extra: Partial<CloudBillingClientOptions> = {}): CloudBillingClient {
  return new CloudBillingClient({
    credentials: { refreshToken: RT, clientId: "cid", clientSecret: SECRET },
    endpoints: { apiRoot: g.url, tokenUrl: `${g.url}token`, tokenInfoUrl: `${g.url}tokeninfo` },
    env: {},
    rateLimit: { requestsPerMinute: Infinity },
    // Sleeping returns at once but moves this clock on, as waiting would.
    clock: {
      now: () => Date.now() + slept,
      random: () => 0,
      sleep: async (ms) => {
        sleeps.push(ms);
        slept += ms;
      },
    },
    ...extra,
  });
}

/** Standard token endpoint + a per-test API handler. */
function serve(
  api: (r: RecordedRequest, res: Parameters<Parameters<FakeGoogle["setHandler"]>[0]>[1]) => void,
  tokenLifetime = 3599,
): void {
  let n = 0;
  g.setHandler((r, res) => {
    if (isToken(r))
      return json(res, 200, {
        access_token: `${AT}-${++n}`,
        expires_in: tokenLifetime,
        token_type: "Bearer",
      });
    api(r, res);
  });
}

function everything(e: unknown): string {
  const err = e instanceof Error ? e : new Error(String(e));
  return [err.message, err.stack, JSON.stringify(err), inspect(err, { depth: 10, showHidden: true })].join(
    "\n",
  );
}

function assertNoSecrets(e: unknown): void {
  const all = everything(e);
  for (const s of [RT, SECRET, AT]) assert.ok(!all.includes(s), `secret ${s} leaked:\n${all}`);
}

describe("CloudBillingClient against a fake server", () => {
  it("reads billing info: one token POST, bearer + quota project headers, proto3 defaults", async () => {
    serve((_r, res) => json(res, 200, { name: "projects/p-unit/billingInfo", projectId: "p-unit" }));
    const info = await client({ quotaProject: "quota-home" }).getProjectBillingInfo("p-unit");
    assert.deepEqual(info, {
      name: "projects/p-unit/billingInfo",
      projectId: "p-unit",
      billingAccountName: "",
      billingEnabled: false,
    });
    const [tok, api] = g.requests;
    assert.ok(isToken(tok));
    assert.match(tok.body, /grant_type=refresh_token/);
    assert.equal(tok.headers["x-goog-user-project"], undefined, "no quota header on the token POST");
    assert.equal(api.method, "GET");
    assert.equal(api.path, "/v1/projects/p-unit/billingInfo");
    assert.equal(api.headers.authorization, `Bearer ${AT}-1`);
    assert.equal(api.headers["x-goog-user-project"], "quota-home");
    assert.match(String(api.headers["user-agent"]), /gcp-billing-link-sdk\//);
  });

  it("100 concurrent calls share one token refresh", async () => {
    serve((_r, res) =>
      json(res, 200, {
        projectId: "p-unit",
        billingAccountName: "billingAccounts/01A2B3-C4D5E6-F7A8B9",
        billingEnabled: true,
      }),
    );
    const c = client();
    const results = await Promise.all(Array.from({ length: 100 }, () => c.getProjectBillingInfo("p-unit")));
    assert.equal(results.length, 100);
    assert.equal(g.count(isToken), 1);
    assert.equal(g.count(isApi), 100);
    // A second client for the same credential reuses the process-wide token.
    await client().getProjectBillingInfo("p-unit");
    assert.equal(g.count(isToken), 1);
  });

  it("a short-lived token is not refreshed before every request", async () => {
    serve((_r, res) => json(res, 200, { projectId: "p-unit" }), 60);
    const c = client();
    for (let i = 0; i < 5; i++) await c.getProjectBillingInfo("p-unit");
    assert.equal(g.count(isToken), 1);
  });

  it("a 401 triggers exactly one refresh-and-retry", async () => {
    let calls = 0;
    serve((_r, res) =>
      ++calls === 1
        ? rpcError(res, 401, "UNAUTHENTICATED", "expired")
        : json(res, 200, { projectId: "p-unit" }),
    );
    await client().getProjectBillingInfo("p-unit");
    assert.equal(g.count(isToken), 2);
    assert.equal(g.count(isApi), 2);
    assert.equal(g.requests.filter(isApi)[1].headers.authorization, `Bearer ${AT}-2`);
  });

  it("a persistent 401 fails after one refresh, with a hint and no secrets", async () => {
    serve((_r, res) => rpcError(res, 401, "UNAUTHENTICATED", `bad token ${AT}-2`));
    await assert.rejects(client().getProjectBillingInfo("p-unit"), (e: unknown) => {
      assert.ok(e instanceof UnauthenticatedError);
      assert.match(e.hint ?? "", /gcp-billing-link login/);
      assertNoSecrets(e);
      return true;
    });
    assert.equal(g.count(isToken), 2);
    assert.equal(g.count(isApi), 2);
  });

  it("a static token is never refreshed; 401 says so", async () => {
    serve((_r, res) => rpcError(res, 401, "UNAUTHENTICATED", "expired"));
    const c = client({ credentials: undefined, env: { GOOGLE_OAUTH_ACCESS_TOKEN: AT } });
    await assert.rejects(
      c.getProjectBillingInfo("p-unit"),
      (e: unknown) => e instanceof UnauthenticatedError && /GOOGLE_OAUTH_ACCESS_TOKEN/.test(e.hint ?? ""),
    );
    assert.equal(g.count(isToken), 0);
    assert.equal(g.count(isApi), 1);
    assert.equal(g.requests[0].headers.authorization, `Bearer ${AT}`);
  });

  it("retries 503 and 429, honouring Retry-After and RetryInfo", async () => {
    let calls = 0;
    serve((_r, res) => {
      calls++;
      if (calls === 1) return rpcError(res, 503, "UNAVAILABLE", "The service is currently unavailable.");
      if (calls === 2) return rpcError(res, 429, "RESOURCE_EXHAUSTED", "slow", [], { "retry-after": "2" });
      if (calls === 3)
        return rpcError(res, 429, "RESOURCE_EXHAUSTED", "slow", [
          { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "3s" },
        ]);
      return json(res, 200, { projectId: "p-unit" });
    });
    await client().getProjectBillingInfo("p-unit");
    assert.equal(g.count(isApi), 4);
    // Waits of 1 s and more are the server-requested ones; shorter ones are backoff and the rate limiter.
    assert.deepEqual(
      sleeps.filter((ms) => ms >= 1000),
      [2000, 3000],
    );
  });

  it("retries a reset connection", async () => {
    let calls = 0;
    serve((_r, res) => (++calls === 1 ? res.socket?.destroy() : json(res, 200, { projectId: "p-unit" })));
    await client().getProjectBillingInfo("p-unit");
    assert.equal(g.count(isApi), 2);
  });

  for (const [code, statusName, Cls] of [
    [400, "INVALID_ARGUMENT", InvalidArgumentError],
    [403, "PERMISSION_DENIED", PermissionDeniedError],
    [404, "NOT_FOUND", NotFoundError],
  ] as const) {
    it(`does not retry ${code}`, async () => {
      serve((_r, res) => rpcError(res, code, statusName, "no"));
      await assert.rejects(
        client().getProjectBillingInfo("p-unit"),
        (e: unknown) => e instanceof Cls && e.attempts === 1,
      );
      assert.equal(g.count(isApi), 1);
    });
  }

  it("invalid_grant → RefreshTokenRevokedError, no secret anywhere, no API call", async () => {
    g.setHandler((r, res) =>
      isToken(r)
        ? json(res, 400, { error: "invalid_grant", error_description: "Token has been expired or revoked." })
        : json(res, 200, {}),
    );
    await assert.rejects(client().getProjectBillingInfo("p-unit"), (e: unknown) => {
      assert.ok(e instanceof RefreshTokenRevokedError);
      assert.equal(e.method, "oauth.token");
      assert.match(e.hint ?? "", /gcp-billing-link login/);
      assert.equal(e.cause, undefined);
      assertNoSecrets(e);
      return true;
    });
    assert.equal(g.count(isApi), 0);
  });

  it("link quota error surfaces as QuotaExceededError", async () => {
    serve((_r, res) =>
      rpcError(res, 400, "FAILED_PRECONDITION", "Precondition check failed.", [
        {
          "@type": "type.googleapis.com/google.rpc.QuotaFailure",
          violations: [
            { subject: "billingAccounts/0F1F2F-3F4F5F-6F7F8F", description: "Cloud billing quota exceeded" },
          ],
        },
      ]),
    );
    await assert.rejects(
      client().updateProjectBillingInfo("p-unit", "0F1F2F-3F4F5F-6F7F8F"),
      QuotaExceededError,
    );
    assert.equal(g.count(isApi), 1, "FAILED_PRECONDITION is not retried");
  });

  it("update: PUTs the canonical name and returns the PUT's response when it shows the write", async () => {
    serve((r, res) =>
      r.method === "PUT"
        ? json(res, 200, {
            projectId: "p-unit",
            billingAccountName: "billingAccounts/01A2B3-C4D5E6-F7A8B9",
            billingEnabled: true,
          })
        : json(res, 200, { projectId: "p-unit" }),
    );
    const info = await client().updateProjectBillingInfo("p-unit", " billingAccounts/01a2b3-c4d5e6-f7a8b9 ");
    assert.deepEqual(info, {
      name: "projects/p-unit/billingInfo",
      projectId: "p-unit",
      billingAccountName: "billingAccounts/01A2B3-C4D5E6-F7A8B9",
      billingEnabled: true,
    });
    assert.deepEqual(
      g.requests.filter(isApi).map((r) => r.method),
      ["PUT"],
      "no read-back: it would cost a call per write to learn what the response said",
    );
  });

  it("update: a PUT response that does not show the write is read back until visible", async () => {
    let gets = 0;
    serve((r, res) => {
      // A lagging replica answered the PUT itself, and the first two reads too.
      if (r.method === "PUT") return json(res, 200, { projectId: "p-unit" });
      return ++gets <= 2
        ? json(res, 200, { projectId: "p-unit" })
        : json(res, 200, {
            projectId: "p-unit",
            billingAccountName: "billingAccounts/01A2B3-C4D5E6-F7A8B9",
            billingEnabled: true,
          });
    });
    const info = await client().updateProjectBillingInfo("p-unit", " billingAccounts/01a2b3-c4d5e6-f7a8b9 ");
    assert.equal(info.billingAccountName, "billingAccounts/01A2B3-C4D5E6-F7A8B9");
    const puts = g.requests.filter((r) => r.method === "PUT");
    assert.equal(puts.length, 1);
    assert.deepEqual(JSON.parse(puts[0].body), {
      billingAccountName: "billingAccounts/01A2B3-C4D5E6-F7A8B9",
    });
    assert.equal(gets, 3);
    assert.deepEqual(sleeps, [250, 500]);
  });

  it("update to '' unlinks; verification gives up with VerificationTimeoutError", async () => {
    serve((_r, res) =>
      json(res, 200, { projectId: "p-unit", billingAccountName: "billingAccounts/01A2B3-C4D5E6-F7A8B9" }),
    );
    await assert.rejects(
      client({ verify: { maxReads: 3 } }).updateProjectBillingInfo("p-unit", ""),
      VerificationTimeoutError,
    );
    const put = g.requests.find((r) => r.method === "PUT");
    assert.deepEqual(JSON.parse(put?.body ?? "null"), { billingAccountName: "" });
    assert.equal(
      g.count((r) => r.method === "GET"),
      3,
    );
  });

  it("invalid names are rejected before any request", async () => {
    serve((_r, res) => json(res, 200, {}));
    await assert.rejects(client().getProjectBillingInfo("projects/p-unit"), InvalidResourceNameError);
    await assert.rejects(
      client().updateProjectBillingInfo("p-unit", "billingAccounts/billingAccounts/01A2B3-C4D5E6-F7A8B9"),
      InvalidResourceNameError,
    );
    assert.equal(g.requests.length, 0);
  });

  it("lists every page", async () => {
    serve((r, res) => {
      const url = new URL(r.path, g.url);
      const token = url.searchParams.get("pageToken") ?? "";
      const page = token === "" ? 0 : Number(token);
      const items = Array.from({ length: 2 }, (_, i) => ({
        projectId: `p-${page}-${i}`,
        billingAccountName: "billingAccounts/01A2B3-C4D5E6-F7A8B9",
        billingEnabled: true,
      }));
      json(res, 200, { projectBillingInfo: items, ...(page < 2 ? { nextPageToken: String(page + 1) } : {}) });
    });
    const seen: string[] = [];
    for await (const p of client().listProjectBillingInfo("01A2B3-C4D5E6-F7A8B9", { pageSize: 500 }))
      seen.push(p.projectId);
    assert.deepEqual(seen, ["p-0-0", "p-0-1", "p-1-0", "p-1-1", "p-2-0", "p-2-1"]);
    const apiCalls = g.requests.filter(isApi);
    assert.equal(apiCalls.length, 3);
    assert.match(apiCalls[0].path, /pageSize=100/, "page size capped at 100");
  });

  it("lists billing accounts with a filter", async () => {
    serve((_r, res) =>
      json(res, 200, {
        billingAccounts: [{ name: "billingAccounts/01A2B3-C4D5E6-F7A8B9", open: true, displayName: "Main" }],
      }),
    );
    const out = [];
    for await (const a of client().listBillingAccounts({
      filter: "master_billing_account=billingAccounts/01A2B3-C4D5E6-F7A8B9",
    }))
      out.push(a);
    assert.deepEqual(out, [
      {
        name: "billingAccounts/01A2B3-C4D5E6-F7A8B9",
        open: true,
        displayName: "Main",
        masterBillingAccount: "",
      },
    ]);
    assert.match(
      g.requests.filter(isApi)[0].path,
      /filter=master_billing_account%3DbillingAccounts%2F01A2B3-C4D5E6-F7A8B9/,
    );
  });

  it("testIamPermissions is a POST that is retried and returns the subset", async () => {
    let calls = 0;
    serve((_r, res) => (++calls === 1 ? rpcError(res, 503, "UNAVAILABLE", "x") : json(res, 200, {})));
    const got = await client().testBillingAccountPermissions("01A2B3-C4D5E6-F7A8B9", [
      "billing.resourceAssociations.create",
    ]);
    assert.deepEqual(got, []);
    const posts = g.requests.filter((r) => r.method === "POST" && isApi(r));
    assert.equal(posts.length, 2);
    assert.equal(posts[0].path, "/v1/billingAccounts/01A2B3-C4D5E6-F7A8B9:testIamPermissions");
  });

  it("a token endpoint that never answers is bounded by the call's deadline", async () => {
    // Without the bound, google-auth-library would wait 30 s per try, with retries, before failing.
    g.setHandler((r, res) => {
      if (isToken(r)) return; // hang: no response at all
      json(res, 200, { projectId: "p-unit" });
    });
    const records: RequestRecord[] = [];
    await assert.rejects(
      client({
        retry: { deadlineMs: 400, attemptTimeoutMs: 200 },
        observer: (r) => records.push(r),
      }).getProjectBillingInfo("p-unit"),
      (err: unknown) => {
        assert.ok(err instanceof DeadlineExceededError, String(err));
        assertNoSecrets(err);
        return true;
      },
    );
    assert.equal(g.count(isApi), 0);
    // The API call's retries joined the one refresh in flight instead of stacking new refreshes: every
    // token request is an attempt of that single refresh operation (attempt numbers 1, 2, … once),
    // retried by the sdk's own policy after each attempt timeout.
    const tokenAttempts = records.filter((r) => r.method === "oauth.token").map((r) => r.attempt);
    assert.ok(tokenAttempts.length >= 1);
    assert.deepEqual(
      tokenAttempts,
      tokenAttempts.map((_a, i) => i + 1),
    );
    assert.equal(g.count(isToken), tokenAttempts.length);
  });

  it("a token refresh is retried by the sdk's own policy, on its clock and within its attempt limit", async () => {
    let tokenCalls = 0;
    g.setHandler((r, res) => {
      if (!isToken(r)) return json(res, 200, { projectId: "p-unit" });
      if (++tokenCalls <= 2) return rpcError(res, 503, "UNAVAILABLE", "try again");
      json(res, 200, { access_token: `${AT}-1`, expires_in: 3599, token_type: "Bearer" });
    });
    const records: RequestRecord[] = [];
    await client({ observer: (r) => records.push(r) }).getProjectBillingInfo("p-unit");
    assert.equal(g.count(isToken), 3);
    assert.equal(g.count(isApi), 1);
    // Both waits between token attempts went through the injected clock: google-auth-library's own
    // retries (RETRY_CONFIG, real timers) played no part.
    assert.equal(sleeps.length, 2);
    assert.deepEqual(
      records.filter((r) => r.method === "oauth.token").map((r) => [r.attempt, r.httpStatus]),
      [
        [1, 503],
        [2, 503],
        [3, 200],
      ],
    );

    // The policy's attempt limit applies to the token endpoint too (the library alone would try 4 times).
    clearTokenCacheForTests();
    g.requests.length = 0;
    tokenCalls = -10;
    await assert.rejects(
      client({ retry: { maxAttempts: 2 } }).getProjectBillingInfo("p-unit"),
      (e: unknown) => e instanceof CloudBillingError && e.method === "oauth.token" && e.httpStatus === 503,
    );
    assert.equal(g.count(isToken), 2);
    assert.equal(g.count(isApi), 0);
  });

  it("a token refresh is aborted with the call that needed it", async () => {
    let tokenRequestClosed = false;
    let tokenRequestArrived: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => (tokenRequestArrived = resolve));
    g.setHandler((r, res) => {
      if (!isToken(r)) return json(res, 200, { projectId: "p-unit" });
      res.on("close", () => (tokenRequestClosed = true));
      tokenRequestArrived(); // and never answer
    });
    const caller = new AbortController();
    const call = client().getProjectBillingInfo("p-unit", { signal: caller.signal });
    await arrived;
    caller.abort();
    await assert.rejects(call, (e: unknown) => e instanceof CancelledError);
    // The token request itself was cancelled (its connection closed), not left running.
    for (let i = 0; i < 50 && !tokenRequestClosed; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(tokenRequestClosed, true);
    assert.equal(g.count(isToken), 1);
    assert.equal(g.count(isApi), 0);
  });

  it("getTokenInfo and describeCredentials", async () => {
    serve((_r, res) =>
      json(res, 200, {
        email: "alice@example.com",
        scope: "https://www.googleapis.com/auth/cloud-billing openid",
        expires_in: "3500",
      }),
    );
    const c = client({ quotaProject: "qp-x" });
    assert.deepEqual(await c.getTokenInfo(), {
      email: "alice@example.com",
      scopes: ["https://www.googleapis.com/auth/cloud-billing", "openid"],
      expiresInSeconds: 3500,
    });
    const ti = g.requests.find((r) => r.path.startsWith("/tokeninfo"));
    assert.equal(ti?.method, "POST");
    assert.equal(ti?.headers["x-goog-user-project"], undefined);
    assert.deepEqual(await c.describeCredentials(), {
      source: "options",
      kind: "refresh_token",
      quotaProject: "qp-x",
    });
  });

  it("the client object itself shows no secrets", async () => {
    serve((_r, res) => json(res, 200, { projectId: "p-unit" }));
    const c = client();
    await c.getProjectBillingInfo("p-unit");
    const all = inspect(c, { depth: 10, showHidden: true }) + JSON.stringify(c);
    for (const s of [RT, SECRET, AT]) assert.ok(!all.includes(s));
  });
});
