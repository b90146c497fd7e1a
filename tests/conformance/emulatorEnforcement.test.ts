// Every enforcement rule of the contract (docs/cloud-billing-api.md §6, §7, §10), with exact status,
// canonical status, ErrorInfo reason and message, exercised over raw HTTP.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, it } from "@jest/globals";
import { DEFAULT_SEED_PATH, type RunningEmulator, type SeedObject } from "../../emulator/src/index";
import {
  ACCOUNTS,
  ADC_CLIENT,
  ADMIN,
  ALICE,
  CB,
  CB_RO,
  CP,
  OUTSIDER,
  VIEWER,
  call,
  detail,
  rpcError,
  tokenFor,
  withEmulator,
  type RawResponse,
} from "./helpers/emulatorHarness";

const UNBOUND_ACCOUNT = "0D0D0D-0D0D0D-0D0D0D";
const AUTH_HELP =
  "Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";

/** The default seed plus one account nobody but the org admin can use. */
function seedWithUnboundAccount(): SeedObject {
  const seed: SeedObject = JSON.parse(fs.readFileSync(DEFAULT_SEED_PATH, "utf8"));
  seed.billingAccounts.push({
    id: UNBOUND_ACCOUNT,
    displayName: "Nobody's",
    open: true,
    currencyCode: "EUR",
    projectLinkQuota: 5,
  });
  return seed;
}

function assertRpc(r: RawResponse, code: number, status: string, message: string, reason?: string): void {
  assert.equal(r.status, code, r.text);
  assert.match(r.headers.get("content-type") ?? "", /^application\/json; charset=UTF-8$/);
  const err = rpcError(r);
  assert.equal(err.code, code);
  assert.equal(err.status, status);
  assert.equal(err.message, message);
  if (reason !== undefined) assert.equal(detail(r, "ErrorInfo")?.reason, reason);
}

function iamMessage(permission: string, resource: string): string {
  const service = resource.startsWith("projects/")
    ? "cloudresourcemanager.googleapis.com"
    : "cloudbilling.googleapis.com";
  return `Permission '${permission}' denied on resource '//${service}/${resource}' (or it may not exist).`;
}

function assertIamDenied(r: RawResponse, permission: string, resource: string): void {
  assertRpc(r, 403, "PERMISSION_DENIED", iamMessage(permission, resource), "IAM_PERMISSION_DENIED");
  const info = detail(r, "ErrorInfo");
  assert.equal(info?.domain, "cloudbilling.googleapis.com");
  assert.deepEqual(info?.metadata, { permission, resource });
}

const link = (account: string) => ({ billingAccountName: `billingAccounts/${account}` });

describe("emulator enforcement", () => {
  let emu: RunningEmulator;
  let alice: string;
  let admin: string;
  let viewer: string;
  let outsider: string;

  beforeAll(async () => {
    emu = await withEmulator({ seed: seedWithUnboundAccount() });
  });
  beforeEach(async () => {
    await emu.reset();
    alice = tokenFor(emu, ALICE);
    admin = tokenFor(emu, ADMIN, [CP]);
    viewer = tokenFor(emu, VIEWER);
    outsider = tokenFor(emu, OUTSIDER);
  });
  afterAll(() => emu.stop());

  describe("step 2: authentication", () => {
    it("no Authorization header → 401 CREDENTIALS_MISSING with WWW-Authenticate", async () => {
      const r = await call(emu, "GET", "/v1/projects/demo-data/billingInfo");
      assertRpc(
        r,
        401,
        "UNAUTHENTICATED",
        `Request is missing required authentication credential. ${AUTH_HELP}`,
        "CREDENTIALS_MISSING",
      );
      assert.equal(r.headers.get("www-authenticate"), 'Bearer realm="https://accounts.google.com/"');
      const legacy = rpcError(r).errors;
      assert.ok(Array.isArray(legacy));
      assert.deepEqual(legacy[0], {
        message: "Login Required.",
        reason: "required",
        domain: "global",
        location: "Authorization",
        locationType: "header",
      });
      assert.deepEqual(detail(r, "ErrorInfo")?.metadata, {
        service: "cloudbilling.googleapis.com",
        method: "google.cloud.billing.v1.CloudBilling.GetProjectBillingInfo",
      });
    });

    for (const [label, token] of [
      ["garbage", () => "ya29.not-a-token"],
      ["expired", () => emu.issueAccessToken({ principal: ALICE, scopes: [CB], lifetimeSeconds: 60 })],
    ] as const) {
      it(`${label} token → 401 ACCESS_TOKEN_EXPIRED with error="invalid_token"`, async () => {
        const t = token();
        emu.advanceClock(61_000);
        const r = await call(emu, "GET", "/v1/projects/demo-data/billingInfo", { token: t });
        assertRpc(
          r,
          401,
          "UNAUTHENTICATED",
          `Request had invalid authentication credentials. ${AUTH_HELP}`,
          "ACCESS_TOKEN_EXPIRED",
        );
        assert.equal(
          r.headers.get("www-authenticate"),
          'Bearer realm="https://accounts.google.com/", error="invalid_token"',
        );
      });
    }

    it("a revoked token → 401", async () => {
      const revoke = await fetch(`${emu.oauth.revokeUrl}?token=${encodeURIComponent(alice)}`, {
        method: "POST",
      });
      assert.equal(revoke.status, 200);
      const r = await call(emu, "GET", "/v1/projects/demo-data/billingInfo", { token: alice });
      assertRpc(
        r,
        401,
        "UNAUTHENTICATED",
        `Request had invalid authentication credentials. ${AUTH_HELP}`,
        "ACCESS_TOKEN_EXPIRED",
      );
    });

    it("authentication comes before body syntax", async () => {
      const r = await call(emu, "PUT", "/v1/projects/demo-data/billingInfo", { body: "{not json" });
      assert.equal(r.status, 401);
    });
  });

  describe("step 3: scopes", () => {
    it("cloud-billing.readonly cannot update → 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT", async () => {
      const ro = tokenFor(emu, ALICE, [CB_RO]);
      const r = await call(emu, "PUT", "/v1/projects/demo-app-prod/billingInfo", {
        token: ro,
        body: link(ACCOUNTS.main),
      });
      assertRpc(
        r,
        403,
        "PERMISSION_DENIED",
        "Request had insufficient authentication scopes.",
        "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
      );
      assert.equal(
        r.headers.get("www-authenticate"),
        `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${CB} ${CP}"`,
      );
      const legacy = rpcError(r).errors;
      assert.ok(Array.isArray(legacy));
      assert.equal(legacy[0].reason, "insufficientPermissions");
    });

    it("scope is checked before the body", async () => {
      const ro = tokenFor(emu, ALICE, [CB_RO]);
      const r = await call(emu, "PUT", "/v1/projects/demo-app-prod/billingInfo", {
        token: ro,
        body: "{broken",
      });
      assert.equal(r.status, 403);
    });

    it("readonly may read billing info (discovery) unless strictReadonlyScope is on", async () => {
      const ro = tokenFor(emu, ALICE, [CB_RO]);
      assert.equal((await call(emu, "GET", "/v1/projects/demo-data/billingInfo", { token: ro })).status, 200);
      emu.setKnobs({ strictReadonlyScope: true });
      const r = await call(emu, "GET", "/v1/projects/demo-data/billingInfo", { token: ro });
      assertRpc(
        r,
        403,
        "PERMISSION_DENIED",
        "Request had insufficient authentication scopes.",
        "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
      );
      assert.match(r.headers.get("www-authenticate") ?? "", new RegExp(`scope="${CB} ${CP}"`));
      assert.equal(
        (await call(emu, "GET", `/v1/billingAccounts/${ACCOUNTS.main}`, { token: ro })).status,
        200,
      );
    });
  });

  describe("step 4: consumer project", () => {
    it("an ADC-client token without x-goog-user-project → 403 SERVICE_DISABLED (quota project required)", async () => {
      const adc = tokenFor(emu, ALICE, [CP], ADC_CLIENT.id);
      const r = await call(emu, "GET", "/v1/projects/demo-data/billingInfo", { token: adc });
      assertRpc(
        r,
        403,
        "PERMISSION_DENIED",
        "Your application is authenticating by using local Application Default Credentials. The cloudbilling.googleapis.com API requires a quota project, which is not set by default. To learn how to set your quota project, see https://cloud.google.com/docs/authentication/adc-troubleshooting/user-creds .",
        "SERVICE_DISABLED",
      );
      assert.equal(detail(r, "ErrorInfo")?.domain, "googleapis.com");
      assert.equal(
        (detail(r, "ErrorInfo")?.metadata as Record<string, string>).consumer,
        "projects/32555940559",
      );
      const legacy = rpcError(r).errors;
      assert.ok(Array.isArray(legacy));
      assert.deepEqual([legacy[0].reason, legacy[0].domain], ["accessNotConfigured", "usageLimits"]);
    });

    it("the same token with a usable quota project succeeds", async () => {
      const adc = tokenFor(emu, ALICE, [CP], ADC_CLIENT.id);
      const r = await call(emu, "GET", "/v1/projects/demo-data/billingInfo", {
        token: adc,
        headers: { "x-goog-user-project": "quota-home" },
      });
      assert.equal(r.status, 200);
    });

    it("a quota project the caller cannot use → USER_PROJECT_DENIED", async () => {
      const r = await call(emu, "GET", "/v1/projects/demo-data/billingInfo", {
        token: alice,
        headers: { "x-goog-user-project": "demo-app-prod" },
      });
      assert.equal(r.status, 403);
      assert.equal(rpcError(r).status, "PERMISSION_DENIED");
      assert.equal(detail(r, "ErrorInfo")?.reason, "USER_PROJECT_DENIED");
      assert.match(
        String(rpcError(r).message),
        /^Caller does not have required permission to use project demo-app-prod\. Grant the caller the roles\/serviceusage\.serviceUsageConsumer role/,
      );
      const unknown = await call(emu, "GET", "/v1/projects/demo-data/billingInfo", {
        token: alice,
        headers: { "x-goog-user-project": "no-such-project" },
      });
      assert.equal(detail(unknown, "ErrorInfo")?.reason, "USER_PROJECT_DENIED");
    });

    it("a quota project pending deletion → USER_PROJECT_DENIED 'has been deleted'", async () => {
      const r = await call(emu, "GET", "/v1/projects/demo-data/billingInfo", {
        token: admin,
        headers: { "x-goog-user-project": "doomed-project" },
      });
      assertRpc(
        r,
        403,
        "PERMISSION_DENIED",
        "Project doomed-project has been deleted.",
        "USER_PROJECT_DENIED",
      );
    });

    it("a quota project without the API enabled → SERVICE_DISABLED naming its number", async () => {
      const r = await call(emu, "GET", "/v1/projects/demo-data/billingInfo", {
        token: admin,
        headers: { "x-goog-user-project": "demo-app-prod" },
      });
      assert.equal(r.status, 403);
      assert.equal(detail(r, "ErrorInfo")?.reason, "SERVICE_DISABLED");
      assert.match(
        String(rpcError(r).message),
        /^Cloud Billing API has not been used in project 100000000001 before or it is disabled\./,
      );
    });
  });

  describe("step 5: rate quota", () => {
    it("429 RESOURCE_EXHAUSTED / RATE_LIMIT_EXCEEDED with Retry-After once the per-minute limit is used", async () => {
      emu.setKnobs({ rateLimitPerMinute: 2 });
      for (let i = 0; i < 2; i++)
        assert.equal(
          (await call(emu, "GET", "/v1/projects/demo-data/billingInfo", { token: alice })).status,
          200,
        );
      const r = await call(emu, "GET", "/v1/projects/demo-data/billingInfo", { token: alice });
      assert.equal(r.status, 429);
      assert.equal(rpcError(r).status, "RESOURCE_EXHAUSTED");
      assert.equal(detail(r, "ErrorInfo")?.reason, "RATE_LIMIT_EXCEEDED");
      assert.equal((detail(r, "ErrorInfo")?.metadata as Record<string, string>).quota_limit_value, "2");
      const retryAfter = Number(r.headers.get("retry-after"));
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `retry-after ${retryAfter}`);
      assert.match(String(detail(r, "RetryInfo")?.retryDelay), /^[0-9]+s$/);
      emu.advanceClock(60_000);
      assert.equal(
        (await call(emu, "GET", "/v1/projects/demo-data/billingInfo", { token: alice })).status,
        200,
      );
    });
  });

  describe("step 6: syntax (bad requests never change state)", () => {
    const badBodies: Array<[string, string | object, string | RegExp, string?]> = [
      ["malformed JSON", "{not json", /^Invalid JSON payload received\. Unexpected token\./],
      [
        "an unknown field",
        { billingAccountName: `billingAccounts/${ACCOUNTS.main}`, x: 1 },
        `Invalid JSON payload received. Unknown name "x" at 'project_billing_info': Cannot find field.`,
      ],
      [
        "a wrongly typed field",
        { billingAccountName: 5 },
        "Invalid value at 'project_billing_info.billing_account_name' (TYPE_STRING), 5",
      ],
      ["a non-object root", "[]", "Invalid JSON payload received. Root element must be a message."],
      ["a bare account id", { billingAccountName: ACCOUNTS.main }, "Request contains an invalid argument."],
      [
        "the wrong content type",
        JSON.stringify(link(ACCOUNTS.main)),
        /^Invalid JSON payload received\. Unsupported Content-Type/,
        "text/plain",
      ],
    ];
    for (const [label, body, message, contentType] of badBodies) {
      it(`${label} → 400 INVALID_ARGUMENT`, async () => {
        const r = await call(emu, "PUT", "/v1/projects/demo-app-prod/billingInfo", {
          token: alice,
          body,
          contentType,
        });
        assert.equal(r.status, 400, r.text);
        assert.equal(rpcError(r).status, "INVALID_ARGUMENT");
        if (typeof message === "string") assert.equal(rpcError(r).message, message);
        else assert.match(String(rpcError(r).message), message);
        const read = await call(emu, "GET", "/v1/projects/demo-app-prod/billingInfo", { token: alice });
        assert.deepEqual(read.json, {
          name: "projects/demo-app-prod/billingInfo",
          projectId: "demo-app-prod",
        });
      });
    }

    it("syntax comes before IAM: a viewer's malformed body is a 400, not a 403", async () => {
      const r = await call(emu, "PUT", "/v1/projects/demo-app-prod/billingInfo", {
        token: viewer,
        body: "{",
      });
      assert.equal(r.status, 400);
    });

    it("path traversal in the project id → 400", async () => {
      for (const path of [
        "/v1/projects/..%2Fx/billingInfo",
        "/v1/projects/demo-data%2F..%2Fsandbox-one/billingInfo",
        "/v1/projects/UPPER/billingInfo",
      ]) {
        const r = await call(emu, "GET", path, { token: admin });
        assertRpc(r, 400, "INVALID_ARGUMENT", "Request contains an invalid argument.");
        assert.equal(detail(r, "BadRequest")?.["@type"], "type.googleapis.com/google.rpc.BadRequest");
      }
      const put = await call(emu, "PUT", "/v1/projects/..%2Fdemo-app-prod/billingInfo", {
        token: admin,
        body: link(ACCOUNTS.main),
      });
      assert.equal(put.status, 400);
    });

    it("an oversized body → 400 INVALID_ARGUMENT, state unchanged", async () => {
      const huge = JSON.stringify({
        billingAccountName: `billingAccounts/${ACCOUNTS.main}`,
        pad: "x".repeat(2 * 1024 * 1024),
      });
      const r = await call(emu, "PUT", "/v1/projects/demo-app-prod/billingInfo", {
        token: alice,
        body: huge,
      });
      assertRpc(r, 400, "INVALID_ARGUMENT", "Request payload size exceeds the limit: 1048576 bytes.");
      const read = await call(emu, "GET", "/v1/projects/demo-app-prod/billingInfo", { token: alice });
      assert.equal(read.json?.billingAccountName, undefined);
    });

    it("an unknown query parameter → 400", async () => {
      const r = await call(emu, "GET", "/v1/projects/demo-data/billingInfo?foo=1", { token: alice });
      assertRpc(
        r,
        400,
        "INVALID_ARGUMENT",
        `Invalid JSON payload received. Unknown name "foo": Cannot bind query parameter. Field 'foo' could not be found in request message.`,
      );
    });

    it('snake_case and output-only fields are accepted; no body, {} and "" all unlink', async () => {
      const r = await call(emu, "PUT", "/v1/projects/demo-app-prod/billingInfo", {
        token: alice,
        body: {
          billing_account_name: `billingAccounts/${ACCOUNTS.main}`,
          name: "ignored",
          project_id: "ignored",
          billingEnabled: false,
        },
      });
      assert.deepEqual(r.json, {
        name: "projects/demo-app-prod/billingInfo",
        projectId: "demo-app-prod",
        billingAccountName: `billingAccounts/${ACCOUNTS.main}`,
        billingEnabled: true,
      });
      for (const body of [undefined, {}, { billingAccountName: "" }]) {
        await call(emu, "PUT", "/v1/projects/demo-app-prod/billingInfo", {
          token: alice,
          body: link(ACCOUNTS.main),
        });
        const unlink = await call(emu, "PUT", "/v1/projects/demo-app-prod/billingInfo", {
          token: alice,
          body,
        });
        assert.deepEqual(
          unlink.json,
          { name: "projects/demo-app-prod/billingInfo", projectId: "demo-app-prod" },
          JSON.stringify(body),
        );
      }
    });
  });

  describe("step 7: IAM", () => {
    it("getBillingInfo needs resourcemanager.projects.get", async () => {
      assertIamDenied(
        await call(emu, "GET", "/v1/projects/demo-app-prod/billingInfo", { token: outsider }),
        "resourcemanager.projects.get",
        "projects/demo-app-prod",
      );
    });

    it("linking needs createBillingAssignment on the project…", async () => {
      const r = await call(emu, "PUT", "/v1/projects/demo-app-prod/billingInfo", {
        token: viewer,
        body: link(ACCOUNTS.main),
      });
      assertIamDenied(r, "resourcemanager.projects.createBillingAssignment", "projects/demo-app-prod");
    });

    it("…and billing.resourceAssociations.create on the account", async () => {
      const r = await call(emu, "PUT", "/v1/projects/demo-app-prod/billingInfo", {
        token: alice,
        body: link(UNBOUND_ACCOUNT),
      });
      assertIamDenied(r, "billing.resourceAssociations.create", `billingAccounts/${UNBOUND_ACCOUNT}`);
    });

    it("unlinking needs deleteBillingAssignment on the project", async () => {
      const r = await call(emu, "PUT", "/v1/projects/demo-data/billingInfo", { token: viewer, body: {} });
      assertIamDenied(r, "resourcemanager.projects.deleteBillingAssignment", "projects/demo-data");
    });

    it("account reads need billing.accounts.get / resourceAssociations.list / getIamPolicy", async () => {
      assertIamDenied(
        await call(emu, "GET", `/v1/billingAccounts/${ACCOUNTS.main}`, { token: outsider }),
        "billing.accounts.get",
        `billingAccounts/${ACCOUNTS.main}`,
      );
      assertIamDenied(
        await call(emu, "GET", `/v1/billingAccounts/${ACCOUNTS.main}/projects`, { token: outsider }),
        "billing.resourceAssociations.list",
        `billingAccounts/${ACCOUNTS.main}`,
      );
      assertIamDenied(
        await call(emu, "GET", `/v1/billingAccounts/${ACCOUNTS.main}:getIamPolicy`, { token: outsider }),
        "billing.accounts.getIamPolicy",
        `billingAccounts/${ACCOUNTS.main}`,
      );
    });

    it("a project that does not exist is a 403 to callers without org-level access", async () => {
      assertIamDenied(
        await call(emu, "GET", "/v1/projects/no-such-project/billingInfo", { token: alice }),
        "resourcemanager.projects.get",
        "projects/no-such-project",
      );
    });
  });

  describe("step 8: existence", () => {
    it("with org-level access, a missing project or account is a 404", async () => {
      assertRpc(
        await call(emu, "GET", "/v1/projects/no-such-project/billingInfo", { token: admin }),
        404,
        "NOT_FOUND",
        "Requested entity was not found.",
      );
      assertRpc(
        await call(emu, "GET", "/v1/billingAccounts/000000-000000-000000", { token: admin }),
        404,
        "NOT_FOUND",
        "Requested entity was not found.",
      );
      const r = await call(emu, "PUT", "/v1/projects/demo-app-prod/billingInfo", {
        token: admin,
        body: link("000000-000000-000000"),
      });
      assertRpc(r, 404, "NOT_FOUND", "Requested entity was not found.");
    });

    it("testIamPermissions on a missing account is a 404", async () => {
      const r = await call(emu, "POST", "/v1/billingAccounts/000000-000000-000000:testIamPermissions", {
        token: alice,
        body: { permissions: ["billing.accounts.get"] },
      });
      assertRpc(r, 404, "NOT_FOUND", "Requested entity was not found.");
    });
  });

  describe("step 9: preconditions", () => {
    it("link quota full → 400 FAILED_PRECONDITION with the exact QuotaFailure body", async () => {
      const r = await call(emu, "PUT", "/v1/projects/sandbox-one/billingInfo", {
        token: alice,
        body: link(ACCOUNTS.atQuota),
      });
      assert.equal(r.status, 400);
      assert.deepEqual(r.json, {
        error: {
          code: 400,
          message: "Precondition check failed.",
          status: "FAILED_PRECONDITION",
          errors: [{ message: "Precondition check failed.", domain: "global", reason: "failedPrecondition" }],
          details: [
            {
              "@type": "type.googleapis.com/google.rpc.QuotaFailure",
              violations: [
                {
                  subject: `billingAccounts/${ACCOUNTS.atQuota}`,
                  description:
                    "Cloud billing quota exceeded: https://support.google.com/code/contact/billing_quota_increase",
                },
              ],
            },
          ],
        },
      });
      // Re-linking a project already on the full account is not a new link.
      const again = await call(emu, "PUT", "/v1/projects/trial-one/billingInfo", {
        token: alice,
        body: link(ACCOUNTS.atQuota),
      });
      assert.equal(again.status, 200);
    });

    it("freeing a slot lets the next link through", async () => {
      assert.equal(
        (await call(emu, "PUT", "/v1/projects/trial-one/billingInfo", { token: alice, body: {} })).status,
        200,
      );
      assert.equal(
        (
          await call(emu, "PUT", "/v1/projects/sandbox-one/billingInfo", {
            token: alice,
            body: link(ACCOUNTS.atQuota),
          })
        ).status,
        200,
      );
    });

    it("closed account: accepted with billingEnabled=false, or FAILED_PRECONDITION with the knob", async () => {
      emu.setKnobs({ closedAccountLinkRejected: true });
      const r = await call(emu, "PUT", "/v1/projects/sandbox-one/billingInfo", {
        token: alice,
        body: link(ACCOUNTS.closed),
      });
      assertRpc(r, 400, "FAILED_PRECONDITION", "Precondition check failed.");
      assert.equal(
        detail(r, "PreconditionFailure")?.["@type"],
        "type.googleapis.com/google.rpc.PreconditionFailure",
      );
      const legacy = await call(emu, "GET", "/v1/projects/legacy-app/billingInfo", { token: alice });
      assert.deepEqual(legacy.json, {
        name: "projects/legacy-app/billingInfo",
        projectId: "legacy-app",
        billingAccountName: `billingAccounts/${ACCOUNTS.closed}`,
      });
    });

    it("a project pending deletion reads as unlinked and cannot be linked", async () => {
      const read = await call(emu, "GET", "/v1/projects/doomed-project/billingInfo", { token: alice });
      assert.deepEqual(read.json, {
        name: "projects/doomed-project/billingInfo",
        projectId: "doomed-project",
      });
      const r = await call(emu, "PUT", "/v1/projects/doomed-project/billingInfo", {
        token: alice,
        body: link(ACCOUNTS.main),
      });
      assertRpc(r, 400, "FAILED_PRECONDITION", "Precondition check failed.");
      assert.equal(
        detail(r, "PreconditionFailure")?.["@type"],
        "type.googleapis.com/google.rpc.PreconditionFailure",
      );
      assert.equal(
        (await call(emu, "PUT", "/v1/projects/doomed-project/billingInfo", { token: alice, body: {} }))
          .status,
        200,
      );
    });
  });

  describe("routing and output", () => {
    it("unknown paths and methods get Google's HTML 404", async () => {
      for (const [method, path] of [
        ["GET", "/v1/projects/projects/x/billingInfo"],
        ["DELETE", "/v1/projects/demo-data/billingInfo"],
        ["GET", `/v1/billingAccounts/${ACCOUNTS.main}:frobnicate`],
        ["POST", `/v1/billingAccounts/${ACCOUNTS.main}:getIamPolicy`],
        ["GET", "/v2/billingAccounts"],
      ]) {
        const r = await call(emu, method, path, { token: admin });
        assert.equal(r.status, 404, `${method} ${path}`);
        assert.match(r.headers.get("content-type") ?? "", /^text\/html/);
        assert.match(r.text, /<title>Error 404 \(Not Found\)!!1<\/title>/);
        assert.ok(r.text.includes("was not found on this server."));
      }
      const escaped = await call(emu, "GET", "/v1/<script>", { token: admin });
      assert.ok(!escaped.text.includes("<script>"));
    });

    it("printDefaults prints default-valued proto3 fields", async () => {
      emu.setKnobs({ printDefaults: true });
      const r = await call(emu, "GET", "/v1/projects/demo-app-prod/billingInfo", { token: alice });
      assert.deepEqual(r.json, {
        name: "projects/demo-app-prod/billingInfo",
        projectId: "demo-app-prod",
        billingAccountName: "",
        billingEnabled: false,
      });
    });

    it("prettyPrint=false gives compact JSON", async () => {
      const r = await call(emu, "GET", "/v1/projects/demo-data/billingInfo?prettyPrint=false", {
        token: alice,
      });
      assert.ok(!r.text.includes("\n"));
    });
  });
});
