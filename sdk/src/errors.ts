/**
 * The sdk's error types. Every error that leaves the sdk is a CloudBillingError (or a subclass), built
 * from an allowlist of fields by errorParser.ts; no GaxiosError, request config, header or body is ever
 * attached, so `message`, `stack`, `cause`, `toJSON()` and `util.inspect` are safe to print.
 *
 * Subclasses exist only where callers branch (docs/conventions.md "Errors"); everything else is told apart by
 * `httpStatus`, `status` and `reason`.
 */
import { inspect } from "node:util";

/** Allowlisted, already-sanitized facts about a failure. */
export interface CloudBillingErrorFields {
  /** HTTP status of the last response, when there was one. */
  httpStatus?: number;
  /** Canonical google.rpc code name (`PERMISSION_DENIED`), or the RFC 6749 error code for OAuth failures. */
  status?: string;
  /** `google.rpc.ErrorInfo.reason` (`IAM_PERMISSION_DENIED`), or the legacy `errors[0].reason`. */
  reason?: string;
  /** `google.rpc.ErrorInfo.domain`. */
  domain?: string;
  /** `google.rpc.ErrorInfo.metadata` (string values only, sanitized). */
  metadata?: Readonly<Record<string, string>>;
  /** The API method, e.g. `projects.updateBillingInfo` or `oauth.token`. */
  method?: string;
  /** The resource the call was about, e.g. `projects/p` or `billingAccounts/…`. */
  resource?: string;
  /** One line saying what to do next; from the table in hints.ts (docs/errors.md). */
  hint?: string;
  /** Network error code (`ECONNRESET`) when no response arrived. */
  code?: string;
  /** How many HTTP attempts the logical operation made. */
  attempts?: number;
  /** QuotaFailure / PreconditionFailure / BadRequest descriptions, sanitized and capped. */
  violations?: readonly string[];
}

export class CloudBillingError extends Error {
  override name = "CloudBillingError";
  readonly httpStatus?: number;
  readonly status?: string;
  readonly reason?: string;
  readonly domain?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly method?: string;
  readonly resource?: string;
  readonly hint?: string;
  readonly code?: string;
  readonly attempts?: number;
  readonly violations?: readonly string[];

  /** @internal Built by the sdk only; callers test with `instanceof`. */
  constructor(message: string, fields: CloudBillingErrorFields = {}, cause?: CloudBillingError) {
    // `cause` is only ever another sanitized CloudBillingError, never a transport error.
    super(message, cause === undefined ? undefined : { cause });
    this.httpStatus = fields.httpStatus;
    this.status = fields.status;
    this.reason = fields.reason;
    this.domain = fields.domain;
    this.metadata = fields.metadata;
    this.method = fields.method;
    this.resource = fields.resource;
    this.hint = fields.hint;
    this.code = fields.code;
    this.attempts = fields.attempts;
    this.violations = fields.violations;
  }

  /** The allowlisted fields, for logs and `JSON.stringify`. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, message: this.message };
    for (const key of FIELD_KEYS) {
      const value = this[key];
      if (value !== undefined) out[key] = value;
    }
    if (this.cause instanceof CloudBillingError) out.cause = this.cause.toJSON();
    return out;
  }

  /** `util.inspect` shows the same allowlist plus the stack, never anything else. */
  [inspect.custom](): string {
    return `${this.stack ?? `${this.name}: ${this.message}`}\n${inspect(this.toJSON(), { depth: 4 })}`;
  }

  /** Returns a copy carrying the final attempt count (errors are otherwise immutable). */
  withAttempts(attempts: number): this {
    const ctor = Object.getPrototypeOf(this).constructor as new (
      message: string,
      fields: CloudBillingErrorFields,
      cause?: CloudBillingError,
    ) => this;
    const cause = this.cause instanceof CloudBillingError ? this.cause : undefined;
    return new ctor(this.message, { ...this.fields(), attempts }, cause);
  }

  fields(): CloudBillingErrorFields {
    const out: CloudBillingErrorFields = {};
    for (const key of FIELD_KEYS) {
      if (this[key] !== undefined) Object.assign(out, { [key]: this[key] });
    }
    return out;
  }
}

const FIELD_KEYS = [
  "httpStatus",
  "status",
  "reason",
  "domain",
  "metadata",
  "method",
  "resource",
  "hint",
  "code",
  "attempts",
  "violations",
] as const;

/** 400 INVALID_ARGUMENT from the API. */
export class InvalidArgumentError extends CloudBillingError {
  override name = "InvalidArgumentError";
}

/** A project ID or billing account name was rejected locally, before any request. */
export class InvalidResourceNameError extends InvalidArgumentError {
  override name = "InvalidResourceNameError";
}

/** 404 NOT_FOUND (also the HTML 404 of an unknown route). */
export class NotFoundError extends CloudBillingError {
  override name = "NotFoundError";
}

/**
 * 403 PERMISSION_DENIED: IAM, missing scope, quota-project problems. Branch further on `reason`
 * (`IAM_PERMISSION_DENIED`, `ACCESS_TOKEN_SCOPE_INSUFFICIENT`, `SERVICE_DISABLED`, `USER_PROJECT_DENIED`).
 * On Google a missing project usually looks like this too, not like a 404.
 */
export class PermissionDeniedError extends CloudBillingError {
  override name = "PermissionDeniedError";
}

/** 400 FAILED_PRECONDITION (org policy, link quota). */
export class FailedPreconditionError extends CloudBillingError {
  override name = "FailedPreconditionError";
}

/** The billing account's project-link quota is full (FAILED_PRECONDITION + google.rpc.QuotaFailure). */
export class QuotaExceededError extends FailedPreconditionError {
  override name = "QuotaExceededError";
}

/** 429 RESOURCE_EXHAUSTED that retries could not absorb, or a zero quota grant. */
export class RateLimitExceededError extends CloudBillingError {
  override name = "RateLimitExceededError";
}

/** 401 from the API: the access token is missing, expired or revoked (after the one refresh-and-retry). */
export class UnauthenticatedError extends CloudBillingError {
  override name = "UnauthenticatedError";
}

/** Credentials could not be found, read or used (bad file, wrong OAuth client, token endpoint errors). */
export class CredentialsError extends CloudBillingError {
  override name = "CredentialsError";
}

/** No credential was configured anywhere in the resolution order (docs/credentials.md). */
export class CredentialsNotFoundError extends CredentialsError {
  override name = "CredentialsNotFoundError";
}

/** The token endpoint answered `invalid_grant`: the refresh token was revoked or expired. Log in again. */
export class RefreshTokenRevokedError extends CredentialsError {
  override name = "RefreshTokenRevokedError";
}

/** 5xx or network failures that outlasted the retries. */
export class UnavailableError extends CloudBillingError {
  override name = "UnavailableError";
}

/** The operation's overall deadline passed (or a Retry-After pointed past it). */
export class DeadlineExceededError extends CloudBillingError {
  override name = "DeadlineExceededError";
}

/** The caller's AbortSignal fired. */
export class CancelledError extends CloudBillingError {
  override name = "CancelledError";
}

/** A write was accepted but reading it back never showed the new value within the verification bound. */
export class VerificationTimeoutError extends CloudBillingError {
  override name = "VerificationTimeoutError";
}
