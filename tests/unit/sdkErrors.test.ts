import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inspect } from "node:util";
import { describe, it } from "@jest/globals";
import { errorFromNetwork, errorFromResponse } from "../../sdk/src/errorFactory";
import { parseErrorBody } from "../../sdk/src/errorParser";
import {
  CloudBillingError,
  CredentialsError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitExceededError,
  RefreshTokenRevokedError,
  UnauthenticatedError,
  UnavailableError,
} from "../../sdk/src/errors";
import { HINTS, type HintContext } from "../../sdk/src/hints";
import { makeSanitizer } from "../../sdk/src/sanitize";

const ACCESS_TOKEN = "emu-at-fixture-ACCESS-0123456789";
const REFRESH_TOKEN = "emu-rt-fixture-REFRESH-0123456789";
const CLIENT_SECRET = "fixture-client-secret-0123456789";
const sanitize = makeSanitizer([ACCESS_TOKEN, REFRESH_TOKEN, CLIENT_SECRET]);

function status(
  code: number,
  statusName: string,
  message: string,
  details: unknown[] = [],
  errors?: unknown[],
): string {
  return JSON.stringify({
    error: { code, message, status: statusName, ...(errors ? { errors } : {}), details },
  });
}

function make(
  httpStatus: number,
  body: string,
  ctx: Partial<HintContext> = {},
  www?: string,
): CloudBillingError {
  const p = parseErrorBody({ httpStatus, bodyText: body, wwwAuthenticate: www, sanitize });
  return errorFromResponse(p, {
    method: "projects.updateBillingInfo",
    resource: "projects/demo-app-prod",
    projectId: "demo-app-prod",
    billingAccountName: "billingAccounts/01A2B3-C4D5E6-F7A8B9",
    ...ctx,
  });
}

function serialized(e: unknown): string {
  const err = e instanceof Error ? e : new Error("not an error");
  return [
    err.message,
    err.stack,
    JSON.stringify(err),
    inspect(err, { depth: 10, showHidden: true }),
    String(err.cause ?? ""),
  ].join("\n");
}

const errorInfo = (reason: string, metadata: Record<string, string>, domain = "googleapis.com") => ({
  "@type": "type.googleapis.com/google.rpc.ErrorInfo",
  reason,
  domain,
  metadata,
});

describe("error mapping (classify by fields)", () => {
  it("link quota: FAILED_PRECONDITION + QuotaFailure → QuotaExceededError with the increase URL", () => {
    const body = status(
      400,
      "FAILED_PRECONDITION",
      "Precondition check failed.",
      [
        {
          "@type": "type.googleapis.com/google.rpc.QuotaFailure",
          violations: [
            {
              subject: "billingAccounts/0F1F2F-3F4F5F-6F7F8F",
              description:
                "Cloud billing quota exceeded: https://support.google.com/code/contact/billing_quota_increase",
            },
          ],
        },
      ],
      [{ message: "Precondition check failed.", domain: "global", reason: "failedPrecondition" }],
    );
    const e = make(400, body);
    assert.ok(e instanceof QuotaExceededError && e instanceof FailedPreconditionError);
    assert.equal(e.name, "QuotaExceededError");
    assert.equal(e.httpStatus, 400);
    assert.equal(e.status, "FAILED_PRECONDITION");
    assert.equal(e.reason, "failedPrecondition");
    assert.match(e.hint ?? "", /billingAccounts\/0F1F2F-3F4F5F-6F7F8F has reached its project-link quota/);
    assert.match(e.hint ?? "", /billing_quota_increase/);
    assert.match(e.message, /Hint: /);
    assert.deepEqual(e.violations, [
      "billingAccounts/0F1F2F-3F4F5F-6F7F8F: Cloud billing quota exceeded: https://support.google.com/code/contact/billing_quota_increase",
    ]);
  });

  it("org policy: same message, PreconditionFailure → FailedPreconditionError (not quota)", () => {
    const body = status(400, "FAILED_PRECONDITION", "Precondition check failed.", [
      {
        "@type": "type.googleapis.com/google.rpc.PreconditionFailure",
        violations: [
          {
            type: "constraints/x",
            description: "Constraint `constraints/billing.outsideGoogleBillingMdbWhitelist` violated",
          },
        ],
      },
    ]);
    const e = make(400, body);
    assert.ok(e instanceof FailedPreconditionError && !(e instanceof QuotaExceededError));
    assert.match(e.hint ?? "", /outsideGoogleBillingMdbWhitelist/);
  });

  it("IAM_PERMISSION_DENIED names permission and role on the account", () => {
    const body = status(403, "PERMISSION_DENIED", "Permission 'billing.resourceAssociations.create' denied", [
      errorInfo(
        "IAM_PERMISSION_DENIED",
        {
          permission: "billing.resourceAssociations.create",
          resource: "billingAccounts/01A2B3-C4D5E6-F7A8B9",
        },
        "cloudbilling.googleapis.com",
      ),
    ]);
    const e = make(403, body);
    assert.ok(e instanceof PermissionDeniedError);
    assert.equal(e.reason, "IAM_PERMISSION_DENIED");
    assert.equal(e.domain, "cloudbilling.googleapis.com");
    assert.deepEqual(e.metadata, {
      permission: "billing.resourceAssociations.create",
      resource: "billingAccounts/01A2B3-C4D5E6-F7A8B9",
    });
    assert.match(
      e.hint ?? "",
      /billing\.resourceAssociations\.create.*roles\/billing\.user on the billing account/,
    );
  });

  it("listing an account's projects is a viewer's permission, not a user's", () => {
    const e = make(
      403,
      status(403, "PERMISSION_DENIED", "denied", [
        errorInfo("IAM_PERMISSION_DENIED", { permission: "billing.resourceAssociations.list" }),
      ]),
    );
    assert.match(
      e.hint ?? "",
      /billing\.resourceAssociations\.list: grant roles\/billing\.viewer on the billing account/,
    );
  });

  it("IAM on the project → roles/billing.projectManager or owner", () => {
    const e = make(
      403,
      status(403, "PERMISSION_DENIED", "denied", [
        errorInfo("IAM_PERMISSION_DENIED", {
          permission: "resourcemanager.projects.createBillingAssignment",
        }),
      ]),
    );
    assert.match(e.hint ?? "", /roles\/billing\.projectManager \(or roles\/owner\) on the project/);
  });

  it("classic 403 without details on update explains both grants", () => {
    const e = make(403, status(403, "PERMISSION_DENIED", "The caller does not have permission"));
    assert.ok(e instanceof PermissionDeniedError);
    assert.match(
      e.hint ?? "",
      /billingAccounts\/01A2B3-C4D5E6-F7A8B9 \(roles\/billing\.user\).*projects\/demo-app-prod \(roles\/billing\.projectManager or roles\/owner\)/,
    );
  });

  it("scope insufficient → which scope, from ErrorInfo or legacy reason", () => {
    const a = make(
      403,
      status(403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.", [
        errorInfo("ACCESS_TOKEN_SCOPE_INSUFFICIENT", {}),
      ]),
      {},
      'Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="https://www.googleapis.com/auth/cloud-billing"',
    );
    assert.match(a.hint ?? "", /https:\/\/www\.googleapis\.com\/auth\/cloud-billing/);
    const b = make(
      403,
      status(
        403,
        "PERMISSION_DENIED",
        "Insufficient",
        [],
        [{ reason: "insufficientPermissions", domain: "global" }],
      ),
    );
    assert.equal(b.reason, "insufficientPermissions");
    assert.match(b.hint ?? "", /cloud-billing/);
  });

  it("SERVICE_DISABLED without a quota project → how to set one", () => {
    const body = status(403, "PERMISSION_DENIED", "requires a quota project", [
      errorInfo("SERVICE_DISABLED", {
        consumer: "projects/32555940559",
        service: "cloudbilling.googleapis.com",
      }),
    ]);
    const e = make(403, body);
    assert.match(e.hint ?? "", /GOOGLE_CLOUD_QUOTA_PROJECT.*gcp-billing:quotaProject.*quota_project_id/);
    const withQp = make(403, body, { quotaProject: "quota-home" });
    assert.match(withQp.hint ?? "", /Enable the Cloud Billing API in quota project quota-home/);
  });

  it("USER_PROJECT_DENIED → serviceUsageConsumer on the quota project", () => {
    const e = make(
      403,
      status(403, "PERMISSION_DENIED", "Caller does not have required permission", [
        errorInfo("USER_PROJECT_DENIED", { consumer: "projects/qp" }),
      ]),
      { quotaProject: "qp" },
    );
    assert.match(e.hint ?? "", /roles\/serviceusage\.serviceUsageConsumer/);
  });

  it("404 JSON → NotFoundError; HTML 404 → capped message and route hint", () => {
    const a = make(404, status(404, "NOT_FOUND", "Requested entity was not found."), {
      method: "projects.getBillingInfo",
    });
    assert.ok(a instanceof NotFoundError);
    const html = `<!DOCTYPE html><html><head><title>Error 404 (Not Found)!!1</title></head><body>${"<p>x</p>".repeat(500)}</body></html>`;
    const b = make(404, html);
    assert.ok(b instanceof NotFoundError);
    assert.ok(b.message.length < 600, `message too long: ${b.message.length}`);
    assert.ok(!b.message.includes("<"), "HTML tags stripped");
    assert.match(b.hint ?? "", /API root/);
  });

  it("400 INVALID_ARGUMENT with BadRequest field violations", () => {
    const e = make(
      400,
      status(400, "INVALID_ARGUMENT", "Request contains an invalid argument.", [
        {
          "@type": "type.googleapis.com/google.rpc.BadRequest",
          fieldViolations: [{ field: "billing_account_name", description: "bad" }],
        },
      ]),
    );
    assert.ok(e instanceof InvalidArgumentError);
    assert.match(e.hint ?? "", /billing_account_name: bad/);
  });

  it("429 → RateLimitExceededError; zero quota gets its own hint", () => {
    const a = make(
      429,
      status(429, "RESOURCE_EXHAUSTED", "Quota exceeded", [
        errorInfo("RATE_LIMIT_EXCEEDED", { quota_limit_value: "300" }),
      ]),
    );
    assert.ok(a instanceof RateLimitExceededError);
    const b = make(
      429,
      status(429, "RESOURCE_EXHAUSTED", "Quota exceeded", [
        errorInfo("RATE_LIMIT_EXCEEDED", { quota_limit_value: "0", quota_metric: "m" }),
      ]),
    );
    assert.match(b.hint ?? "", /zero limit for m/);
  });

  it("401 with a static token vs a refreshable one", () => {
    const body = status(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.", [
      errorInfo("ACCESS_TOKEN_EXPIRED", {}),
    ]);
    const a = make(401, body, {
      credentialKind: "access_token",
      credentialSource: "GOOGLE_OAUTH_ACCESS_TOKEN",
    });
    assert.ok(a instanceof UnauthenticatedError);
    assert.match(a.hint ?? "", /GOOGLE_OAUTH_ACCESS_TOKEN.*cannot be refreshed/);
    const b = make(401, body, { credentialKind: "authorized_user" });
    assert.match(b.hint ?? "", /gcp-billing-link login/);
  });

  it("RFC 6749 invalid_grant → RefreshTokenRevokedError; invalid_rapt → reauth; invalid_client → CredentialsError", () => {
    const ctx = { method: "oauth.token" };
    const a = make(
      400,
      JSON.stringify({ error: "invalid_grant", error_description: "Token has been expired or revoked." }),
      ctx,
    );
    assert.ok(a instanceof RefreshTokenRevokedError && a instanceof CredentialsError);
    assert.equal(a.status, "invalid_grant");
    assert.match(a.hint ?? "", /revoked.*gcp-billing-link login/);
    const b = make(
      400,
      JSON.stringify({
        error: "invalid_grant",
        error_description: "reauth related error (invalid_rapt)",
        error_subtype: "invalid_rapt",
      }),
      ctx,
    );
    assert.match(b.hint ?? "", /re-authentication/);
    const c = make(401, JSON.stringify({ error: "invalid_client", error_description: "Unauthorized" }), ctx);
    assert.ok(c instanceof CredentialsError && !(c instanceof RefreshTokenRevokedError));
  });

  it("5xx → UnavailableError; network → UnavailableError with code only", () => {
    assert.ok(
      make(503, status(503, "UNAVAILABLE", "The service is currently unavailable.")) instanceof
        UnavailableError,
    );
    const n = errorFromNetwork("ECONNRESET", { method: "projects.getBillingInfo" });
    assert.equal(n.code, "ECONNRESET");
    assert.equal(errorFromNetwork("weird text with secret", { method: "x" }).code, "NETWORK_ERROR");
  });

  it("a network error's hint is in its message once, and a timeout's hint is about time, not the network", () => {
    const reset = errorFromNetwork("ECONNRESET", { method: "projects.getBillingInfo" });
    assert.match(reset.hint ?? "", /network access/);
    assert.equal(reset.message.split("Hint:").length, 2);
    assert.ok(reset.message.endsWith(`Hint: ${reset.hint}`));
    const timeout = errorFromNetwork("ATTEMPT_TIMEOUT", { method: "projects.updateBillingInfo" });
    assert.match(timeout.hint ?? "", /did not answer in time.*requestTimeoutSeconds/);
    assert.ok(timeout.message.endsWith(`Hint: ${timeout.hint}`));
  });

  it("message text never drives classification", () => {
    // A 400 whose message says "quota" but carries no QuotaFailure is not a QuotaExceededError.
    const e = make(400, status(400, "FAILED_PRECONDITION", "Cloud billing quota exceeded"));
    assert.ok(!(e instanceof QuotaExceededError));
  });

  it("RetryInfo is parsed", () => {
    const p = parseErrorBody({
      httpStatus: 429,
      bodyText: status(429, "RESOURCE_EXHAUSTED", "slow down", [
        { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "2.5s" },
      ]),
      sanitize,
    });
    assert.equal(p.retryDelayMs, 2500);
  });
});

describe("precondition hints (pending deletion, closed account, other)", () => {
  const precondition = (type: string, description: string) =>
    status(400, "FAILED_PRECONDITION", "Precondition check failed.", [
      { "@type": "type.googleapis.com/google.rpc.PreconditionFailure", violations: [{ type, description }] },
    ]);
  const ctx = { method: "projects.updateBillingInfo", resource: "projects/doomed", projectId: "doomed" };

  it("a project pending deletion says how to restore it, not to ask a policy administrator", () => {
    const e = errorFromResponse(
      parseErrorBody({
        httpStatus: 400,
        bodyText: precondition("PROJECT_DELETE_REQUESTED", "pending"),
        sanitize,
      }),
      ctx,
    );
    assert.match(e.hint ?? "", /pending deletion[\s\S]*gcloud projects undelete doomed/);
    assert.doesNotMatch(e.hint ?? "", /organization policy/);
  });

  it("a closed account and an unknown precondition get their own hints", () => {
    const closed = errorFromResponse(
      parseErrorBody({
        httpStatus: 400,
        bodyText: precondition("BILLING_ACCOUNT_CLOSED", "closed"),
        sanitize,
      }),
      { ...ctx, billingAccountName: "billingAccounts/0C1C2C-3C4C5C-6C7C8C" },
    );
    assert.match(closed.hint ?? "", /0C1C2C-3C4C5C-6C7C8C is closed: link the project to an open account/);
    const other = errorFromResponse(
      parseErrorBody({ httpStatus: 400, bodyText: precondition("SOMETHING_NEW", "it broke"), sanitize }),
      ctx,
    );
    assert.match(other.hint ?? "", /A precondition blocks this change: SOMETHING_NEW: it broke/);
    assert.doesNotMatch(other.hint ?? "", /organization policy/);
  });

  it("a detail @type naming an Object.prototype member is ignored, not a crash", () => {
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
      const p = parseErrorBody({
        httpStatus: 400,
        bodyText: status(400, "INVALID_ARGUMENT", "bad", [
          { "@type": `type.googleapis.com/google.rpc.${name}` },
        ]),
        sanitize,
      });
      assert.deepEqual(p.detailTypes, [name]);
      assert.equal(p.reason, undefined);
    }
  });
});

describe("sanitization", () => {
  it("secrets echoed by a server never reach message, stack, JSON, inspect or cause", () => {
    const nasty = `bad token ${ACCESS_TOKEN} refresh_token=${REFRESH_TOKEN}&client_secret=${CLIENT_SECRET} Bearer ya29.abcDEF123 \u001b[31mred`;
    const bodies = [
      status(403, "PERMISSION_DENIED", nasty, [
        errorInfo("IAM_PERMISSION_DENIED", { permission: nasty, resource: ACCESS_TOKEN }),
      ]),
      JSON.stringify({ error: "invalid_grant", error_description: nasty }),
      `<html>${nasty}</html>`,
    ];
    for (const body of bodies) {
      const e = make(400, body);
      const all = serialized(e);
      for (const secret of [ACCESS_TOKEN, REFRESH_TOKEN, CLIENT_SECRET, "ya29.abcDEF123"]) {
        assert.ok(!all.includes(secret), `${secret} leaked in ${all}`);
      }
      assert.ok(!all.includes("\u001b"), "control characters removed");
    }
  });

  it("unknown token shapes are masked even without knowing them", () => {
    const s = makeSanitizer([]);
    assert.equal(s("x access_token=abc123 y"), "x access_token=[redacted] y");
    assert.equal(s('{"refresh_token":"1//0abc"}'), "{[redacted]}");
    assert.equal(s("Authorization: Bearer abc.def"), "Authorization: [redacted]");
  });

  it("toJSON is an allowlist", () => {
    const e = make(404, status(404, "NOT_FOUND", "Requested entity was not found."));
    assert.deepEqual(
      Object.keys(e.toJSON()).sort(),
      ["hint", "httpStatus", "message", "method", "name", "resource", "status"].sort(),
    );
  });

  it("withAttempts keeps the class and fields", () => {
    const e = make(403, status(403, "PERMISSION_DENIED", "x")).withAttempts(3);
    assert.ok(e instanceof PermissionDeniedError);
    assert.equal(e.attempts, 3);
    assert.equal(e.httpStatus, 403);
  });
});

describe("hint table is mirrored in docs/errors.md", () => {
  it("every hint id appears in the docs", () => {
    const doc = readFileSync(join(__dirname, "..", "..", "docs", "errors.md"), "utf8");
    for (const row of HINTS) assert.ok(doc.includes(`\`${row.id}\``), `docs/errors.md lacks ${row.id}`);
  });
});
