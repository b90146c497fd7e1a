/**
 * Turns a ParsedError (or a network failure) plus what the sdk knew about the call into the typed,
 * sanitized error that leaves the sdk. Messages are assembled from allowlisted fields only.
 */
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
  type CloudBillingErrorFields,
} from "./errors";
import type { ParsedError } from "./errorParser";
import { hintFor, type HintContext } from "./hints";

type ErrorClass = new (message: string, fields: CloudBillingErrorFields) => CloudBillingError;

/** `invalid_grant` means a dead refresh token only on a refresh-token grant, not at the STS or for a key. */
function isRefreshTokenGrant(ctx: HintContext): boolean {
  return ctx.method === "oauth.token" && ctx.credentialKind !== "service_account";
}

function classFor(p: ParsedError, ctx: HintContext): ErrorClass {
  if (p.oauthError !== undefined)
    return p.oauthError === "invalid_grant" && isRefreshTokenGrant(ctx)
      ? RefreshTokenRevokedError
      : CredentialsError;
  if (p.httpStatus === 401) return UnauthenticatedError;
  if (p.httpStatus === 403) return PermissionDeniedError;
  if (p.httpStatus === 404) return NotFoundError;
  if (p.httpStatus === 429) return RateLimitExceededError;
  if (p.status === "FAILED_PRECONDITION") {
    return p.detailTypes.includes("QuotaFailure") ? QuotaExceededError : FailedPreconditionError;
  }
  if (p.httpStatus === 400) return InvalidArgumentError;
  if (p.httpStatus >= 500 || p.httpStatus === 408) return UnavailableError;
  return CloudBillingError;
}

export function errorFromResponse(p: ParsedError, ctx: HintContext): CloudBillingError {
  const found = hintFor(p, ctx);
  const where = ctx.resource ? ` ${ctx.resource}` : "";
  const why = p.reason ?? p.legacyReason;
  const server = p.message ? `: ${p.message}` : "";
  const hint = found ? ` Hint: ${found.hint}` : "";
  const message = `${ctx.method}${where} failed with ${p.httpStatus} ${p.status}${why ? ` (${why})` : ""}${server}.${hint}`;
  const violations = [
    ...p.quotaViolations.map((v) => [v.subject, v.description].filter(Boolean).join(": ")),
    ...p.preconditionViolations.map((v) => [v.type, v.subject, v.description].filter(Boolean).join(": ")),
    ...p.fieldViolations.map((v) => `${v.field}: ${v.description}`),
  ];
  const Ctor = classFor(p, ctx);
  return new Ctor(message.replace(/\.\./g, "."), {
    httpStatus: p.httpStatus,
    status: p.status,
    reason: why,
    domain: p.domain,
    metadata: p.metadata,
    method: ctx.method,
    resource: ctx.resource,
    hint: found?.hint,
    violations: violations.length > 0 ? violations : undefined,
  });
}

/** A request that got no HTTP response. `code` comes from Node (`ECONNRESET`), never free text. */
/** An attempt that was sent but got no answer in time, as opposed to one that found no server. */
const TIMEOUT_CODES = new Set([
  "ATTEMPT_TIMEOUT",
  "ETIMEDOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

export function errorFromNetwork(code: string, ctx: HintContext): CloudBillingError {
  const safeCode = /^[A-Z0-9_]{1,40}$/.test(code) ? code : "NETWORK_ERROR";
  // A slow or hung service is reachable: sending the user to their proxy settings would mislead them.
  const hint = TIMEOUT_CODES.has(safeCode)
    ? "The endpoint did not answer in time; retry later, or allow more time per attempt and per call " +
      "(gcp-billing:requestTimeoutSeconds and operationTimeoutSeconds; in the sdk, retry.attemptTimeoutMs and retry.deadlineMs)."
    : "Check network access to the endpoint (proxy settings, NO_PROXY), then retry.";
  // The hint in the message is the hint field, word for word, so whoever appends the hint (a deadline
  // error quoting this one, the provider) can see it is already there and not print it twice.
  return new UnavailableError(
    `${ctx.method}${ctx.resource ? ` ${ctx.resource}` : ""} failed: no response (${safeCode}). Hint: ${hint}`,
    {
      status: "UNAVAILABLE",
      code: safeCode,
      method: ctx.method,
      resource: ctx.resource,
      hint,
    },
  );
}
