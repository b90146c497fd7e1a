/**
 * Public types and the parsers for the API's wire shapes. Wire types keep the API's field names.
 * proto3-JSON omits default values (docs/cloud-billing-api.md §4), so every missing string reads as "" and
 * every missing bool as false; explicit "" / false / absent are treated identically.
 */
import { z } from "zod/v3";
import type { RetryPolicy } from "./retry";

export interface ProjectBillingInfo {
  /** `projects/{projectId}/billingInfo` */
  name: string;
  projectId: string;
  /** `billingAccounts/{id}`, or "" when the project is not linked. */
  billingAccountName: string;
  /** True only when linked to an open account. */
  billingEnabled: boolean;
}

export interface BillingAccount {
  /** `billingAccounts/{id}` */
  name: string;
  open: boolean;
  displayName: string;
  /** Reseller parent of a subaccount; "" otherwise. */
  masterBillingAccount: string;
  parent?: string;
  currencyCode?: string;
}

/** Where the credential in use came from, in resolution order (docs/credentials.md). */
export type CredentialSource =
  | "options"
  | "GOOGLE_OAUTH_ACCESS_TOKEN"
  | "GOOGLE_CREDENTIALS"
  | "GOOGLE_APPLICATION_CREDENTIALS"
  | "gcloud-adc";

export type CredentialKind =
  | "authorized_user"
  | "refresh_token"
  | "access_token"
  /** A service account key file: the JWT-bearer grant (RFC 7523). The least recommended kind. */
  | "service_account"
  /** A service account impersonated by another credential (IAM Credentials generateAccessToken). */
  | "impersonated_service_account"
  /** Workload identity federation: an OIDC token exchanged at the STS (RFC 8693), maybe then impersonating. */
  | "external_account";

export interface CredentialsOptions {
  /** A static OAuth access token. Cannot be refreshed. */
  accessToken?: string;
  /** A bare refresh token; needs `clientId` and `clientSecret`. */
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
  /**
   * Contents of a credentials JSON file: `authorized_user`, `impersonated_service_account`,
   * `external_account` or `service_account` (docs/credentials.md).
   */
  credentialsJson?: string;
  /** Path to a credentials JSON file of those kinds. A leading `~/` is the user's home directory. */
  credentialsFile?: string;
  /**
   * A service account to impersonate with whichever credential resolves (Terraform's
   * `impersonate_service_account`); env `GOOGLE_IMPERSONATE_SERVICE_ACCOUNT` when unset.
   */
  impersonateServiceAccount?: string;
  /**
   * How error messages name each option, e.g. `{ credentialsFile: "gcp-billing:credentials" }` when the
   * value came from stack config, so the user is told what they set. Default `credentials.<option>`.
   */
  names?: Partial<Record<CredentialOptionName, string>>;
}

export type CredentialOptionName =
  | "accessToken"
  | "refreshToken"
  | "clientId"
  | "clientSecret"
  | "credentialsJson"
  | "credentialsFile"
  | "impersonateServiceAccount";

export interface EndpointsOptions {
  /** Default `https://cloudbilling.googleapis.com/`; env `GCP_BILLING_LINK_API_ROOT`. */
  apiRoot?: string;
  /** Default `https://oauth2.googleapis.com/token`; env `GCP_BILLING_LINK_OAUTH_TOKEN_URL`. */
  tokenUrl?: string;
  /** Default `https://accounts.google.com/o/oauth2/v2/auth`; env `GCP_BILLING_LINK_OAUTH_AUTH_URL`. */
  authUrl?: string;
  /** Default `https://oauth2.googleapis.com/tokeninfo`; env `GCP_BILLING_LINK_OAUTH_TOKENINFO_URL`. */
  tokenInfoUrl?: string;
  /** Default `https://oauth2.googleapis.com/revoke`; env `GCP_BILLING_LINK_OAUTH_REVOKE_URL`. */
  revokeUrl?: string;
  /**
   * The Security Token Service's token endpoint, default `https://sts.googleapis.com/v1/token`; env
   * `GCP_BILLING_LINK_STS_TOKEN_URL`. When set, it wins over an external_account file's `token_url`.
   */
  stsTokenUrl?: string;
  /**
   * The IAM Credentials API root, default `https://iamcredentials.googleapis.com/`; env
   * `GCP_BILLING_LINK_IAM_CREDENTIALS_URL`. When set, it wins over a file's `service_account_impersonation_url`.
   */
  iamCredentialsUrl?: string;
}

export type ResolvedEndpoints = Required<EndpointsOptions>;

export interface RateLimitOptions {
  /**
   * Calls allowed in any 60 s window per (API root, quota project): a run that stays under it never waits,
   * and one that goes past it is paced at exactly this rate. Default 300 (Google's default quota); set it
   * to your project's quota. `Infinity` turns the client-side limit off (429s still slow it down).
   */
  requestsPerMinute?: number;
}

/** Time and randomness, injectable so tests need no real waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
}

/** The read-back after a write whose own response did not show it (readBack.ts). */
export interface VerifyOptions {
  /** Reads after such a write before giving up. Default 8. */
  maxReads?: number;
  /** Delay before the second read; doubles each time. Default 250 ms. */
  initialDelayMs?: number;
  /** Cap on one delay. Default 4000 ms. */
  maxDelayMs?: number;
}

export interface CloudBillingClientOptions {
  credentials?: CredentialsOptions;
  /** Sent as `x-goog-user-project`. Wins over `GOOGLE_CLOUD_QUOTA_PROJECT` and the file's `quota_project_id`. */
  quotaProject?: string;
  endpoints?: EndpointsOptions;
  /** Default `process.env`; injectable for tests. */
  env?: NodeJS.ProcessEnv;
  retry?: Partial<RetryPolicy>;
  /** Process-wide cap on in-flight requests per API root. Default 16. */
  maxConcurrentRequests?: number;
  rateLimit?: RateLimitOptions;
  verify?: VerifyOptions;
  /** Appended to the sdk's own user agent. */
  userAgent?: string;
  /** Called after every HTTP attempt (API and token calls), e.g. to count requests and retries. */
  observer?: RequestObserver;
  /** @internal For tests. */
  clock?: Clock;
}

/** One HTTP attempt, as reported to `CloudBillingClientOptions.observer`. Never carries a value. */
export interface RequestRecord {
  /** `projects.getBillingInfo`, `oauth.token`, … */
  method: string;
  /** 1 for the first attempt of a logical operation. */
  attempt: number;
  durationMs: number;
  httpStatus?: number;
  /** Set instead of `httpStatus` when no response arrived (`ECONNRESET`, `ATTEMPT_TIMEOUT`). */
  networkCode?: string;
}

export type RequestObserver = (record: RequestRecord) => void;

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the policy's overall deadline for this call. */
  deadlineMs?: number;
}

export interface CredentialsDescription {
  source: CredentialSource;
  kind: CredentialKind;
  /** The identity the API sees, when the credential names it: a service account's email (keys, impersonation). */
  principal?: string;
  /** For impersonation: the kind of the credential that impersonates. */
  sourceKind?: CredentialKind;
  /** For workload identity federation: the pool provider (`projects/N/locations/global/workloadIdentityPools/P/providers/X`). */
  workloadIdentityProvider?: string;
  /** For federation without impersonation, once a token was obtained: the OIDC token's `sub` (not a secret). */
  federatedSubject?: string;
  quotaProject?: string;
  /** Worth telling the user, never failing (e.g. a credentials file other users may read). */
  warnings?: string[];
}

export interface TokenInfoResult {
  email?: string;
  scopes: string[];
  expiresInSeconds: number;
}

// ---- wire parsers ---------------------------------------------------------------------------------

const ProjectBillingInfoWire = z.object({
  name: z.string().optional(),
  projectId: z.string().optional(),
  billingAccountName: z.string().optional(),
  billingEnabled: z.boolean().optional(),
});

const BillingAccountWire = z.object({
  name: z.string(),
  open: z.boolean().optional(),
  displayName: z.string().optional(),
  masterBillingAccount: z.string().optional(),
  parent: z.string().optional(),
  currencyCode: z.string().optional(),
});

const ListBillingAccountsWire = z.object({
  billingAccounts: z.array(BillingAccountWire).optional(),
  nextPageToken: z.string().optional(),
});

const ListProjectBillingInfoWire = z.object({
  projectBillingInfo: z.array(ProjectBillingInfoWire).optional(),
  nextPageToken: z.string().optional(),
});

const TestIamPermissionsWire = z.object({ permissions: z.array(z.string()).optional() });

const TokenInfoWire = z.object({
  email: z.string().optional(),
  scope: z.string().optional(),
  // Google sends these as strings; accept numbers too.
  expires_in: z.union([z.string(), z.number()]).optional(),
});

export type Parse<T> = (data: unknown) => T | undefined;

function toProjectBillingInfo(
  w: z.infer<typeof ProjectBillingInfoWire>,
  fallbackProjectId = "",
): ProjectBillingInfo {
  const projectId = w.projectId ?? fallbackProjectId;
  return {
    name: w.name ?? (projectId ? `projects/${projectId}/billingInfo` : ""),
    projectId,
    billingAccountName: w.billingAccountName ?? "",
    billingEnabled: w.billingEnabled ?? false,
  };
}

function toBillingAccount(w: z.infer<typeof BillingAccountWire>): BillingAccount {
  const out: BillingAccount = {
    name: w.name,
    open: w.open ?? false,
    displayName: w.displayName ?? "",
    masterBillingAccount: w.masterBillingAccount ?? "",
  };
  if (w.parent !== undefined) out.parent = w.parent;
  if (w.currencyCode !== undefined) out.currencyCode = w.currencyCode;
  return out;
}

export const parseWire = {
  projectBillingInfo:
    (projectId: string): Parse<ProjectBillingInfo> =>
    (data) => {
      const r = ProjectBillingInfoWire.safeParse(data);
      return r.success ? toProjectBillingInfo(r.data, projectId) : undefined;
    },
  billingAccount: ((data) => {
    const r = BillingAccountWire.safeParse(data);
    return r.success ? toBillingAccount(r.data) : undefined;
  }) satisfies Parse<BillingAccount>,
  listBillingAccounts: ((data) => {
    const r = ListBillingAccountsWire.safeParse(data);
    if (!r.success) return undefined;
    return {
      items: (r.data.billingAccounts ?? []).map(toBillingAccount),
      nextPageToken: r.data.nextPageToken ?? "",
    };
  }) satisfies Parse<{ items: BillingAccount[]; nextPageToken: string }>,
  listProjectBillingInfo: ((data) => {
    const r = ListProjectBillingInfoWire.safeParse(data);
    if (!r.success) return undefined;
    return {
      items: (r.data.projectBillingInfo ?? []).map((w) => toProjectBillingInfo(w)),
      nextPageToken: r.data.nextPageToken ?? "",
    };
  }) satisfies Parse<{ items: ProjectBillingInfo[]; nextPageToken: string }>,
  testIamPermissions: ((data) => {
    const r = TestIamPermissionsWire.safeParse(data);
    return r.success ? (r.data.permissions ?? []) : undefined;
  }) satisfies Parse<string[]>,
  tokenInfo: ((data) => {
    const r = TokenInfoWire.safeParse(data);
    if (!r.success) return undefined;
    const expires = Number(r.data.expires_in ?? 0);
    const out: TokenInfoResult = {
      scopes: (r.data.scope ?? "").split(" ").filter((s) => s !== ""),
      expiresInSeconds: Number.isFinite(expires) ? expires : 0,
    };
    if (r.data.email !== undefined) out.email = r.data.email;
    return out;
  }) satisfies Parse<TokenInfoResult>,
};
