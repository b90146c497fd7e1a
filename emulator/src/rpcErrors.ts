import { SERVICE_NAME, type BillingMethod } from "./billingMethods";

/**
 * Every Cloud Billing error the emulator can produce, in the google.rpc.Status envelope of
 * docs/cloud-billing-api.md §6. Handlers throw an RpcError; only `rpcErrorEnvelope` turns it into a body,
 * so the shape cannot drift between call sites.
 */

export type CanonicalStatus =
  | "INVALID_ARGUMENT"
  | "FAILED_PRECONDITION"
  | "UNAUTHENTICATED"
  | "PERMISSION_DENIED"
  | "NOT_FOUND"
  | "RESOURCE_EXHAUSTED"
  | "INTERNAL"
  | "UNAVAILABLE";

const HTTP_STATUS: Record<CanonicalStatus, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

/**
 * Legacy `errors[0]` reason/domain per status, used unless a variant names its own
 * (docs/cloud-billing-api.md §6.1).
 */
const DEFAULT_LEGACY: Record<CanonicalStatus, LegacyError> = {
  INVALID_ARGUMENT: { reason: "badRequest", domain: "global" },
  FAILED_PRECONDITION: { reason: "failedPrecondition", domain: "global" },
  UNAUTHENTICATED: { reason: "authError", domain: "global" },
  PERMISSION_DENIED: { reason: "forbidden", domain: "global" },
  NOT_FOUND: { reason: "notFound", domain: "global" },
  RESOURCE_EXHAUSTED: { reason: "rateLimitExceeded", domain: "global" },
  INTERNAL: { reason: "backendError", domain: "global" },
  UNAVAILABLE: { reason: "backendError", domain: "global" },
};

interface LegacyError {
  reason: string;
  domain: string;
  /** `Login Required.` etc.: the legacy message when it differs from the main one. */
  message?: string;
  location?: string;
  locationType?: string;
}

/** A `google.protobuf.Any` detail. Metadata values are always strings, as on the wire. */
export type ErrorDetail = { "@type": string } & Record<string, unknown>;

export class RpcError extends Error {
  readonly httpStatus: number;

  constructor(
    readonly status: CanonicalStatus,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
    /** The legacy `errors[0]`; `null` for APIs that send none (IAM Credentials, per public captures). */
    readonly legacy: LegacyError | null = DEFAULT_LEGACY[status],
  ) {
    super(message);
    this.name = "RpcError";
    this.httpStatus = HTTP_STATUS[status];
  }
}

function legacyErrors(err: RpcError): Array<Record<string, unknown>> | undefined {
  if (!err.legacy) return undefined;
  const { message: legacyMessage, ...legacyRest } = err.legacy;
  return [{ message: legacyMessage ?? err.message, ...legacyRest }];
}

export function rpcErrorEnvelope(err: RpcError): { error: Record<string, unknown> } {
  const errors = legacyErrors(err);
  return {
    error: {
      code: err.httpStatus,
      message: err.message,
      status: err.status,
      ...(errors ? { errors } : {}),
      ...(err.details.length > 0 ? { details: err.details } : {}),
    },
  };
}

const TYPE = "type.googleapis.com/google.rpc.";

export function errorInfo(
  reason: string,
  metadata: Record<string, string>,
  domain = "googleapis.com",
): ErrorDetail {
  return { "@type": `${TYPE}ErrorInfo`, reason, domain, metadata };
}

function methodMetadata(method: BillingMethod): Record<string, string> {
  return { service: method.service ?? SERVICE_NAME, method: method.rpc };
}

const AUTH_HELP =
  "Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";
const REALM = 'Bearer realm="https://accounts.google.com/"';

export function credentialsMissing(method: BillingMethod): RpcError {
  return new RpcError(
    "UNAUTHENTICATED",
    `Request is missing required authentication credential. ${AUTH_HELP}`,
    [errorInfo("CREDENTIALS_MISSING", methodMetadata(method))],
    { "www-authenticate": REALM },
    {
      reason: "required",
      domain: "global",
      message: "Login Required.",
      location: "Authorization",
      locationType: "header",
    },
  );
}

export function invalidCredentials(method: BillingMethod): RpcError {
  return new RpcError(
    "UNAUTHENTICATED",
    `Request had invalid authentication credentials. ${AUTH_HELP}`,
    [errorInfo("ACCESS_TOKEN_EXPIRED", methodMetadata(method))],
    { "www-authenticate": `${REALM}, error="invalid_token"` },
    {
      reason: "authError",
      domain: "global",
      message: "Invalid Credentials",
      location: "Authorization",
      locationType: "header",
    },
  );
}

export function scopeInsufficient(method: BillingMethod, acceptable: readonly string[]): RpcError {
  return new RpcError(
    "PERMISSION_DENIED",
    "Request had insufficient authentication scopes.",
    [errorInfo("ACCESS_TOKEN_SCOPE_INSUFFICIENT", methodMetadata(method))],
    { "www-authenticate": `${REALM}, error="insufficient_scope", scope="${acceptable.join(" ")}"` },
    { reason: "insufficientPermissions", domain: "global", message: "Insufficient Permission" },
  );
}

function helpLink(description: string, url: string): ErrorDetail {
  return { "@type": `${TYPE}Help`, links: [{ description, url }] };
}

export function quotaProjectRequired(method: BillingMethod, consumerProjectNumber: string): RpcError {
  const message =
    "Your application is authenticating by using local Application Default Credentials. The cloudbilling.googleapis.com API requires a quota project, which is not set by default. To learn how to set your quota project, see https://cloud.google.com/docs/authentication/adc-troubleshooting/user-creds .";
  return new RpcError(
    "PERMISSION_DENIED",
    message,
    [
      errorInfo("SERVICE_DISABLED", {
        ...methodMetadata(method),
        consumer: `projects/${consumerProjectNumber}`,
        serviceTitle: "Cloud Billing API",
        containerInfo: consumerProjectNumber,
      }),
      { "@type": `${TYPE}LocalizedMessage`, locale: "en-US", message },
    ],
    {},
    { reason: "accessNotConfigured", domain: "usageLimits" },
  );
}

export function serviceDisabled(method: BillingMethod, projectNumber: string): RpcError {
  const activationUrl = `https://console.developers.google.com/apis/api/cloudbilling.googleapis.com/overview?project=${projectNumber}`;
  const message = `Cloud Billing API has not been used in project ${projectNumber} before or it is disabled. Enable it by visiting ${activationUrl} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`;
  return new RpcError(
    "PERMISSION_DENIED",
    message,
    [
      errorInfo("SERVICE_DISABLED", {
        ...methodMetadata(method),
        consumer: `projects/${projectNumber}`,
        serviceTitle: "Cloud Billing API",
        containerInfo: projectNumber,
        activationUrl,
      }),
      { "@type": `${TYPE}LocalizedMessage`, locale: "en-US", message },
      helpLink("Google developers console API activation", activationUrl),
    ],
    {},
    { reason: "accessNotConfigured", domain: "usageLimits" },
  );
}

export function userProjectDenied(_method: BillingMethod, projectId: string, deleted: boolean): RpcError {
  const consoleUrl = `https://console.developers.google.com/iam-admin/iam/project?project=${projectId}`;
  const message = deleted
    ? `Project ${projectId} has been deleted.`
    : `Caller does not have required permission to use project ${projectId}. Grant the caller the roles/serviceusage.serviceUsageConsumer role, or a custom role with the serviceusage.services.use permission, by visiting ${consoleUrl} and then retry. Propagation of the new permission may take a few minutes.`;
  return new RpcError("PERMISSION_DENIED", message, [
    errorInfo("USER_PROJECT_DENIED", { consumer: `projects/${projectId}`, service: SERVICE_NAME }),
    helpLink("Google developer console IAM admin", consoleUrl),
  ]);
}

export function rateLimited(
  method: BillingMethod,
  consumerProjectNumber: string,
  limitPerMinute: number,
  retryAfterSeconds: number,
): RpcError {
  const metric = "cloudbilling.googleapis.com/default_requests";
  const limit = "DefaultRequestsPerMinutePerProject";
  return new RpcError(
    "RESOURCE_EXHAUSTED",
    `Quota exceeded for quota metric '${metric}' and limit '${limit}' of service '${SERVICE_NAME}' for consumer 'project_number:${consumerProjectNumber}'.`,
    [
      errorInfo("RATE_LIMIT_EXCEEDED", {
        service: SERVICE_NAME,
        consumer: `projects/${consumerProjectNumber}`,
        quota_metric: metric,
        quota_limit: limit,
        quota_limit_value: String(limitPerMinute),
        quota_location: "global",
        quota_unit: "1/min/{project}",
        method: method.rpc,
      }),
      helpLink("Request a higher quota limit.", "https://cloud.google.com/docs/quotas/help/request_increase"),
      { "@type": `${TYPE}RetryInfo`, retryDelay: `${retryAfterSeconds}s` },
    ],
    { "retry-after": String(retryAfterSeconds) },
  );
}

/** `resource` is the bare name (`projects/p`); `service` picks the full-name prefix Google prints. */
export function iamPermissionDenied(permission: string, resource: string): RpcError {
  const service = resource.startsWith("projects/") ? "cloudresourcemanager.googleapis.com" : SERVICE_NAME;
  return new RpcError(
    "PERMISSION_DENIED",
    `Permission '${permission}' denied on resource '//${service}/${resource}' (or it may not exist).`,
    [errorInfo("IAM_PERMISSION_DENIED", { permission, resource }, SERVICE_NAME)],
  );
}

export function notFound(): RpcError {
  return new RpcError("NOT_FOUND", "Requested entity was not found.");
}

export interface FieldViolation {
  field?: string;
  description: string;
}

/** 400 INVALID_ARGUMENT. Without a message it is Google's generic one. */
export function invalidArgument(
  message = "Request contains an invalid argument.",
  violations: FieldViolation[] = [],
): RpcError {
  const details =
    violations.length > 0 ? [{ "@type": `${TYPE}BadRequest`, fieldViolations: violations }] : [];
  return new RpcError("INVALID_ARGUMENT", message, details);
}

/** A JSON-payload problem: Google repeats the message as the field violation's description. */
export function invalidJsonPayload(message: string, field?: string): RpcError {
  return invalidArgument(message, [{ ...(field ? { field } : {}), description: message }]);
}

export function linkQuotaExceeded(accountName: string): RpcError {
  return new RpcError("FAILED_PRECONDITION", "Precondition check failed.", [
    {
      "@type": `${TYPE}QuotaFailure`,
      violations: [
        {
          subject: accountName,
          description:
            "Cloud billing quota exceeded: https://support.google.com/code/contact/billing_quota_increase",
        },
      ],
    },
  ]);
}

export function preconditionFailed(type: string, subject: string, description: string): RpcError {
  return new RpcError("FAILED_PRECONDITION", "Precondition check failed.", [
    { "@type": `${TYPE}PreconditionFailure`, violations: [{ type, subject, description }] },
  ]);
}

export function internalError(): RpcError {
  return new RpcError("INTERNAL", "Internal error encountered.");
}

export function unavailable(): RpcError {
  return new RpcError("UNAVAILABLE", "The service is currently unavailable.");
}

/**
 * Credentials in more than one place (Authorization header, access_token, oauth_token): RFC 6750 §2 forbids
 * it and Google's front end refuses it with this message (seen for a Bearer token next to an API key).
 */
export function multipleCredentials(): RpcError {
  return invalidArgument("Multiple authentication credentials received. Please pass only one.");
}

const FIELDS_PREFIX = "Error expanding 'fields' parameter.";

/**
 * A `fields` path the response message does not have. Google's wording, as captured from its APIs: the
 * generic message, and a BadRequest violation whose field is the parameter as sent and whose description
 * names the path with dots.
 */
export function unknownFieldSelection(fields: string, path: string): RpcError {
  return invalidArgument(undefined, [
    { field: fields, description: `${FIELDS_PREFIX} Cannot find matching fields for path '${path}'.` },
  ]);
}

/** A `fields` value that does not parse. The envelope is Google's; the description after its prefix is ours. */
export function malformedFieldSelection(fields: string, problem: string): RpcError {
  return invalidArgument(undefined, [{ field: fields, description: `${FIELDS_PREFIX} ${problem}` }]);
}

/** A system parameter with a value the emulator does not serve (`alt=proto`) or Google does not define. */
export function invalidSystemParameter(name: string, description: string): RpcError {
  return invalidArgument(description, [{ field: name, description }]);
}

/** What Google's front end says for a query parameter that the method does not bind. */
export function unknownQueryParameter(name: string): RpcError {
  return invalidJsonPayload(
    `Invalid JSON payload received. Unknown name "${name}": Cannot bind query parameter. Field '${name}' could not be found in request message.`,
  );
}
