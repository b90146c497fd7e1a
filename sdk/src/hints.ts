/**
 * The hint table: one row per failure users hit, keyed by status, reason and detail type, first match
 * wins. Each hint names the next action. Mirrored in docs/errors.md (a unit test checks every id is
 * documented there).
 */
import type { ParsedError } from "./errorParser";
import { LINK_PERMISSION, PROJECT_LINK_PERMISSION, PROJECT_READ_PERMISSION } from "./permissions";
import type { CredentialKind, CredentialSource } from "./types";

export const SCOPE_CLOUD_BILLING = "https://www.googleapis.com/auth/cloud-billing";
export const LINK_QUOTA_URL = "https://support.google.com/code/contact/billing_quota_increase";
const LOGIN = "`gcp-billing-link login`";
const SET_QUOTA_PROJECT =
  "set a quota project with GOOGLE_CLOUD_QUOTA_PROJECT, the `gcp-billing:quotaProject` stack config, or `quota_project_id` in the credentials file";

/** What the sdk knew about the call when it failed. */
export interface HintContext {
  method: string;
  /** `projects/p` or `billingAccounts/…`. */
  resource?: string;
  projectId?: string;
  billingAccountName?: string;
  quotaProject?: string;
  credentialKind?: CredentialKind;
  credentialSource?: CredentialSource;
  /** The service account a key belongs to, or the one being impersonated. */
  serviceAccount?: string;
  /** The IAM member that impersonates, when the credential names it (`serviceAccount:…`). */
  impersonator?: string;
  /** Workload identity federation: `projects/N/locations/global/workloadIdentityPools/P/providers/X`. */
  workloadIdentityProvider?: string;
  /** Where the OIDC subject token was read, in words (`the file /x named by credential_source.file in …`). */
  subjectTokenSource?: string;
  /** The subject token's own `exp` had passed when it was read. */
  subjectTokenExpired?: boolean;
}

export interface HintRow {
  id: string;
  /** When the row applies, in words (for docs/errors.md). */
  when: string;
  matches(p: ParsedError, ctx: HintContext): boolean;
  hint(p: ParsedError, ctx: HintContext): string;
}

/** Which role grants a permission, and on which resource it must be granted. */
export function roleForPermission(permission: string): string {
  // Listing an account's projects is a viewer's permission (docs/cloud-billing-api.md §2); linking is a user's.
  if (permission === "billing.resourceAssociations.list")
    return "roles/billing.viewer on the billing account";
  if (permission.startsWith("billing.resourceAssociations."))
    return "roles/billing.user on the billing account";
  if (permission.startsWith("resourcemanager.projects.") && permission.endsWith("BillingAssignment")) {
    return "roles/billing.projectManager (or roles/owner) on the project";
  }
  if (permission.startsWith("billing.accounts.")) return "roles/billing.viewer on the billing account";
  if (permission === "resourcemanager.projects.get") return "roles/viewer (or roles/browser) on the project";
  if (permission === "iam.serviceAccounts.getAccessToken")
    return "roles/iam.serviceAccountTokenCreator on the service account (roles/iam.workloadIdentityUser for a workload identity pool's principals)";
  if (permission === "serviceusage.services.use")
    return "roles/serviceusage.serviceUsageConsumer on the quota project";
  return "a role that contains it";
}

const acct = (ctx: HintContext): string => ctx.billingAccountName ?? "the billing account";
const proj = (ctx: HintContext): string => (ctx.projectId ? `projects/${ctx.projectId}` : "the project");

const sa = (ctx: HintContext): string => ctx.serviceAccount ?? "the service account";
const isSts = (ctx: HintContext): boolean => ctx.method === "sts.token";
const isIamCredentials = (ctx: HintContext): boolean => ctx.method.startsWith("iamcredentials.");
const poolOf = (provider: string): string => provider.replace(/\/providers\/[^/]+$/, "");
const MAY_NOT_EXIST = "A service account that does not exist is reported the same way: check the email.";

/** Rows for pipeline identities: federation (STS), impersonation (IAM Credentials), service account keys. */
const IDENTITY_HINTS: readonly HintRow[] = [
  {
    id: "oidc-token-expired",
    when: "STS `invalid_grant` when the subject token's own `exp` had passed",
    matches: (p, ctx) => isSts(ctx) && p.oauthError === "invalid_grant" && ctx.subjectTokenExpired === true,
    hint: (_p, ctx) =>
      `The OIDC token from ${ctx.subjectTokenSource ?? "the credential source"} had expired before it was exchanged (GitHub Actions tokens live about 5 minutes): write a fresh one right before Pulumi runs, or use a url-sourced file (google-github-actions/auth writes one) so that each exchange fetches a new token.`,
  },
  {
    id: "sts-condition-rejected",
    when: "STS `unauthorized_client` (the provider's attribute condition rejects the token)",
    matches: (p, ctx) => isSts(ctx) && p.oauthError === "unauthorized_client",
    hint: (_p, ctx) =>
      `The attribute condition of ${ctx.workloadIdentityProvider ?? "the workload identity provider"} rejects this token's claims: run from a repository and branch the condition admits, or change the condition (\`gcloud iam workload-identity-pools providers describe\` shows it).`,
  },
  {
    id: "sts-unknown-provider",
    when: "STS `invalid_target` (pool or provider missing or disabled)",
    matches: (p, ctx) => isSts(ctx) && p.oauthError === "invalid_target",
    hint: () =>
      "The audience in the credentials file names a workload identity pool or provider that does not exist or is disabled: it must be //iam.googleapis.com/projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER (the project number, not its ID).",
  },
  {
    id: "sts-rejected",
    when: "STS: any other RFC 6749 error (issuer, audience, signature)",
    matches: (p, ctx) => isSts(ctx) && p.oauthError !== undefined,
    hint: (_p, ctx) =>
      `The STS rejected the OIDC token from ${ctx.subjectTokenSource ?? "the credential source"}: the provider's issuer URI must match the token's iss, its allowed audiences must include the token's aud, and the token must be signed by that issuer.`,
  },
  {
    id: "service-account-key-rejected",
    when: "token endpoint error for a service account key (JWT-bearer grant)",
    matches: (p, ctx) =>
      ctx.method === "oauth.token" && ctx.credentialKind === "service_account" && p.oauthError !== undefined,
    hint: (_p, ctx) =>
      `The token endpoint refused the key of ${sa(ctx)}: the key may have been deleted or disabled, the service account disabled or deleted, or this machine's clock is off. Prefer workload identity federation or impersonation to a new long-lived key (docs/pipeline-identities.md).`,
  },
  {
    id: "impersonation-scope",
    when: "generateAccessToken: 403 `ACCESS_TOKEN_SCOPE_INSUFFICIENT`",
    matches: (p, ctx) => isIamCredentials(ctx) && p.reason === "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
    hint: (_p, ctx) =>
      `The credential that impersonates ${sa(ctx)} has a token without the cloud-platform scope, which generateAccessToken requires: use \`gcloud auth application-default login\` (it grants cloud-platform) or ${LOGIN} --scope cloud-platform.`,
  },
  {
    id: "impersonation-denied",
    when: "generateAccessToken: 403 (no `iam.serviceAccounts.getAccessToken` on the service account)",
    matches: (p, ctx) => isIamCredentials(ctx) && p.httpStatus === 403,
    hint: (_p, ctx) => {
      if (ctx.workloadIdentityProvider) {
        const pool = poolOf(ctx.workloadIdentityProvider);
        return `The workload identity pool's identity may not impersonate ${sa(ctx)}: grant roles/iam.workloadIdentityUser on it to the pool's principals, e.g. \`gcloud iam service-accounts add-iam-policy-binding ${sa(ctx)} --role=roles/iam.workloadIdentityUser --member=principalSet://iam.googleapis.com/${pool}/attribute.repository/OWNER/REPO\`. ${MAY_NOT_EXIST}`;
      }
      const member = ctx.impersonator ?? "user:YOU@example.com";
      return `${ctx.impersonator ?? "The identity that runs Pulumi"} may not impersonate ${sa(ctx)}: grant it roles/iam.serviceAccountTokenCreator on the service account, e.g. \`gcloud iam service-accounts add-iam-policy-binding ${sa(ctx)} --role=roles/iam.serviceAccountTokenCreator --member=${member}\`. ${MAY_NOT_EXIST}`;
    },
  },
  {
    id: "service-account-disabled",
    when: "generateAccessToken: 400 `FAILED_PRECONDITION` (a disabled service account)",
    matches: (p, ctx) => isIamCredentials(ctx) && p.status === "FAILED_PRECONDITION",
    hint: (_p, ctx) =>
      `${sa(ctx)} is disabled: enable it (\`gcloud iam service-accounts enable ${sa(ctx)}\`) or impersonate another service account.`,
  },
];

export const HINTS: readonly HintRow[] = [
  ...IDENTITY_HINTS,
  {
    id: "reauth-required",
    when: "token endpoint: `invalid_grant` with subtype `invalid_rapt`",
    matches: (p) => p.oauthError === "invalid_grant" && p.oauthSubtype === "invalid_rapt",
    hint: () =>
      `Your organization requires re-authentication (session length policy). Log in again: ${LOGIN}.`,
  },
  {
    id: "refresh-token-revoked",
    when: "token endpoint: `invalid_grant`",
    matches: (p) => p.oauthError === "invalid_grant",
    hint: (_p, ctx) =>
      ctx.credentialSource === "gcloud-adc"
        ? `The refresh token has expired or been revoked. Log in again: ${LOGIN} or \`gcloud auth application-default login\`.`
        : `The refresh token has expired or been revoked. Log in again: ${LOGIN}, then update the stored credentials.`,
  },
  {
    id: "oauth-client-invalid",
    when: "token endpoint: `invalid_client` or `unauthorized_client`",
    matches: (p) => p.oauthError === "invalid_client" || p.oauthError === "unauthorized_client",
    hint: () =>
      `The OAuth client ID/secret are wrong, or the refresh token was issued to a different client. Use the client_id and client_secret the refresh token was created with, or log in again: ${LOGIN}.`,
  },
  {
    id: "oauth-error",
    when: "token endpoint: any other RFC 6749 error",
    matches: (p) => p.oauthError !== undefined,
    hint: () => `The token endpoint rejected the credentials. Check them, or log in again: ${LOGIN}.`,
  },
  {
    id: "scope-insufficient",
    when: "403 with reason `ACCESS_TOKEN_SCOPE_INSUFFICIENT` (or legacy `insufficientPermissions`)",
    matches: (p) =>
      p.reason === "ACCESS_TOKEN_SCOPE_INSUFFICIENT" || p.legacyReason === "insufficientPermissions",
    hint: (_p, ctx) =>
      `The access token lacks an OAuth scope this call needs: request ${SCOPE_CLOUD_BILLING} (cloud-platform also works; cloud-billing.readonly cannot change links)${ctx.credentialKind === "access_token" ? " when minting the token" : `, e.g. by logging in again: ${LOGIN}`}.`,
  },
  {
    id: "quota-project-required",
    when: "403 `SERVICE_DISABLED` when no quota project was sent (user credentials from gcloud's client)",
    matches: (p, ctx) => p.reason === "SERVICE_DISABLED" && ctx.quotaProject === undefined,
    hint: () =>
      `These user credentials need a quota project: ${SET_QUOTA_PROJECT}, naming a project where the Cloud Billing API is enabled and you hold roles/serviceusage.serviceUsageConsumer.`,
  },
  {
    id: "api-disabled-in-quota-project",
    when: "403 `SERVICE_DISABLED` with a quota project set",
    matches: (p) => p.reason === "SERVICE_DISABLED",
    hint: (p, ctx) =>
      `Enable the Cloud Billing API in quota project ${ctx.quotaProject ?? "(unknown)"}${p.metadata?.activationUrl ? ` at ${p.metadata.activationUrl}` : ""}, or ${SET_QUOTA_PROJECT} to a project where it is enabled.`,
  },
  {
    id: "quota-project-denied",
    when: "403 `USER_PROJECT_DENIED`",
    matches: (p) => p.reason === "USER_PROJECT_DENIED",
    hint: (_p, ctx) =>
      `You may not use ${ctx.quotaProject ?? "the quota project"} as quota project: grant yourself roles/serviceusage.serviceUsageConsumer on it, or ${SET_QUOTA_PROJECT} to another project.`,
  },
  {
    id: "iam-permission-denied",
    when: "403 `IAM_PERMISSION_DENIED` with `metadata.permission`",
    matches: (p) => p.reason === "IAM_PERMISSION_DENIED" && p.metadata?.permission !== undefined,
    hint: (p) => {
      const permission = p.metadata?.permission ?? "";
      const resource = p.metadata?.resource ? ` (${p.metadata.resource})` : "";
      return `Missing permission ${permission}${resource}: grant ${roleForPermission(permission)}.`;
    },
  },
  {
    id: "permission-denied-link",
    when: "403 on `projects.updateBillingInfo` without a named permission",
    matches: (p, ctx) => p.httpStatus === 403 && ctx.method === "projects.updateBillingInfo",
    hint: (_p, ctx) =>
      `Linking needs ${LINK_PERMISSION} on ${acct(ctx)} (roles/billing.user) and ${PROJECT_LINK_PERMISSION} on ${proj(ctx)} (roles/billing.projectManager or roles/owner); unlinking needs owner of the project or the account. A project that does not exist also answers 403.`,
  },
  {
    id: "permission-denied-project",
    when: "403 on `projects.getBillingInfo`",
    matches: (p, ctx) => p.httpStatus === 403 && ctx.method === "projects.getBillingInfo",
    hint: (_p, ctx) =>
      `Reading billing info needs ${PROJECT_READ_PERMISSION} on ${proj(ctx)} (roles/viewer or roles/browser). Google also answers 403 when the project does not exist.`,
  },
  {
    id: "permission-denied-account",
    when: "403 on a `billingAccounts.*` method",
    matches: (p, ctx) => p.httpStatus === 403 && ctx.method.startsWith("billingAccounts."),
    hint: (_p, ctx) =>
      `Reading ${acct(ctx)} needs billing.accounts.get / billing.resourceAssociations.list (roles/billing.viewer on the account). An account you cannot see also answers 403.`,
  },
  {
    id: "link-quota-full",
    when: "400 `FAILED_PRECONDITION` with `google.rpc.QuotaFailure`",
    matches: (p) => p.status === "FAILED_PRECONDITION" && p.detailTypes.includes("QuotaFailure"),
    hint: (p, ctx) =>
      `Billing account ${p.quotaViolations[0]?.subject || acct(ctx)} has reached its project-link quota: unlink a project from it (projects pending deletion still count for 30 days) or request an increase at ${LINK_QUOTA_URL}.`,
  },
  {
    id: "project-pending-deletion",
    when: "400 `FAILED_PRECONDITION` whose `PreconditionFailure` type says the project is pending deletion",
    matches: (p) => p.preconditionViolations.some((v) => v.type === "PROJECT_DELETE_REQUESTED"),
    hint: (_p, ctx) =>
      `${proj(ctx)} is pending deletion, so it cannot be linked. Restore it within 30 days (\`gcloud projects undelete ${ctx.projectId ?? "PROJECT_ID"}\`), or remove its ProjectBillingLink from the program and run \`pulumi up\`.`,
  },
  {
    id: "billing-account-closed",
    when: "400 `FAILED_PRECONDITION` whose `PreconditionFailure` type says the billing account is closed",
    matches: (p) => p.preconditionViolations.some((v) => v.type === "BILLING_ACCOUNT_CLOSED"),
    hint: (_p, ctx) =>
      `${acct(ctx)} is closed: link the project to an open account, or reopen this one in the Cloud console (Billing → Account management).`,
  },
  {
    id: "org-policy",
    when: "400 `FAILED_PRECONDITION` with a `google.rpc.PreconditionFailure` naming an organization policy constraint",
    matches: (p) =>
      p.status === "FAILED_PRECONDITION" &&
      p.preconditionViolations.some((v) => `${v.type} ${v.description}`.includes("constraints/")),
    hint: (p) =>
      `An organization policy blocks this change: ${p.preconditionViolations.map((v) => v.description || v.type).join("; ")}. Ask an organization policy administrator.`,
  },
  {
    id: "precondition-failed",
    when: "400 `FAILED_PRECONDITION` with any other `google.rpc.PreconditionFailure`",
    matches: (p) => p.status === "FAILED_PRECONDITION" && p.detailTypes.includes("PreconditionFailure"),
    hint: (p) =>
      `A precondition blocks this change: ${p.preconditionViolations.map((v) => [v.type, v.description].filter(Boolean).join(": ")).join("; ") || "(no details)"}. Fix it, then run \`pulumi up\` again.`,
  },
  {
    id: "zero-quota",
    when: '429 with ErrorInfo `quota_limit_value: "0"` (not retried)',
    matches: (p) => p.httpStatus === 429 && p.metadata?.quota_limit_value === "0",
    hint: (p, ctx) =>
      `The quota project ${ctx.quotaProject ?? ""} has a zero limit for ${p.metadata?.quota_metric ?? "this API"}: request quota for it, or ${SET_QUOTA_PROJECT} to another project.`,
  },
  {
    id: "rate-limited",
    when: "429 after retries ran out",
    matches: (p) => p.httpStatus === 429,
    hint: () =>
      "Cloud Billing allows about 300 calls per minute per quota project: lower Pulumi's --parallel, or raise `retry.deadlineMs`.",
  },
  {
    id: "static-token-rejected",
    when: "401 when the credential is a static access token",
    matches: (p, ctx) => p.httpStatus === 401 && ctx.credentialKind === "access_token",
    hint: (_p, ctx) =>
      `The access token${ctx.credentialSource === "GOOGLE_OAUTH_ACCESS_TOKEN" ? " in GOOGLE_OAUTH_ACCESS_TOKEN" : ""} is expired, revoked or invalid, and static tokens cannot be refreshed: supply a fresh one, or use refresh-token credentials (${LOGIN}).`,
  },
  {
    id: "unauthenticated",
    when: "401 after the one refresh-and-retry",
    matches: (p) => p.httpStatus === 401,
    hint: () => `The credentials were rejected even after a token refresh. Log in again: ${LOGIN}.`,
  },
  {
    id: "unknown-route",
    when: "404 with a non-JSON (HTML) body",
    matches: (p) => p.httpStatus === 404 && p.nonJson,
    hint: () =>
      "The URL matched no API route: check the API root endpoint (e.g. https://cloudbilling.googleapis.com/ with no /v1) and the resource name.",
  },
  {
    id: "not-found",
    when: "404",
    matches: (p) => p.httpStatus === 404,
    hint: (_p, ctx) =>
      `${ctx.resource ?? "The resource"} does not exist, or is not visible to these credentials.`,
  },
  {
    id: "invalid-argument",
    when: "400 `INVALID_ARGUMENT`",
    matches: (p) => p.httpStatus === 400,
    hint: (p) =>
      p.fieldViolations.length > 0
        ? `Fix: ${p.fieldViolations.map((v) => `${v.field}: ${v.description}`).join("; ")}.`
        : "The request was malformed; check the project ID and billing account name.",
  },
  {
    id: "server-error",
    when: "5xx or network errors after retries ran out",
    matches: (p) => p.httpStatus >= 500,
    hint: () => "The service is having trouble; retry later.",
  },
];

export function hintFor(p: ParsedError, ctx: HintContext): { id: string; hint: string } | undefined {
  const row = HINTS.find((r) => r.matches(p, ctx));
  return row ? { id: row.id, hint: row.hint(p, ctx) } : undefined;
}
