export { CloudBillingClient, SDK_VERSION } from "./cloudBillingClient";
export type {
  BillingAccount,
  CallOptions,
  CloudBillingClientOptions,
  CredentialKind,
  CredentialOptionName,
  CredentialSource,
  CredentialsDescription,
  CredentialsOptions,
  EndpointsOptions,
  ProjectBillingInfo,
  RateLimitOptions,
  RequestObserver,
  RequestRecord,
  ResolvedEndpoints,
  TokenInfoResult,
  VerifyOptions,
} from "./types";
export { billingAccountId, parseBillingAccountName, parseProjectId } from "./resourceNames";
export {
  CancelledError,
  CloudBillingError,
  CredentialsError,
  CredentialsNotFoundError,
  DeadlineExceededError,
  FailedPreconditionError,
  InvalidArgumentError,
  InvalidResourceNameError,
  NotFoundError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitExceededError,
  RefreshTokenRevokedError,
  UnauthenticatedError,
  UnavailableError,
  VerificationTimeoutError,
  type CloudBillingErrorFields,
} from "./errors";
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry";
export { LINK_PERMISSION, PROJECT_LINK_PERMISSION, PROJECT_READ_PERMISSION } from "./permissions";
export { DEFAULT_ENDPOINTS, ENDPOINT_ENV_VARS } from "./endpoints";
export { HINTS, SCOPE_CLOUD_BILLING, roleForPermission } from "./hints";
export { redactGaxiosError, withoutAuthLogging } from "./transport";
