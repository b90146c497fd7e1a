/**
 * The drift report: what `gcp-billing-link drift` found, as plain data. The JSON form is this object
 * as is, and driftReport.schema.json describes it exactly: any change to the shape (a new field or
 * finding kind included) changes the schema and bumps DRIFT_REPORT_SCHEMA_VERSION.
 */

export const DRIFT_REPORT_SCHEMA_VERSION = 1;

/** What a declared link looks like live. `unread`: its read failed or never ran (an error says why). */
export type LinkStatus = "inSync" | "relinked" | "unlinked" | "projectGone" | "billingDisabled" | "unread";

export type FindingKind = "relinked" | "unlinked" | "projectGone" | "billingDisabled" | "unmanaged";

export const FINDING_KINDS: readonly FindingKind[] = [
  "relinked",
  "unlinked",
  "projectGone",
  "billingDisabled",
  "unmanaged",
];

/** One ProjectBillingLink of the stack, declared vs live. */
export interface LinkResult {
  /** The resource's name in the program. */
  resource: string;
  urn: string;
  projectId: string;
  /** Canonical `billingAccounts/…`, as the stack's last `pulumi up` declared it. */
  declaredBillingAccount: string;
  /** What the project is linked to now: "" when unlinked; null when gone or not read. */
  liveBillingAccount: string | null;
  /** Live `billingEnabled`; null when gone or not read. */
  billingEnabled: boolean | null;
  status: LinkStatus;
}

/** Something a human must act on. */
export interface Finding {
  kind: FindingKind;
  projectId: string;
  /** The ProjectBillingLink resource; null for an unmanaged project. */
  resource: string | null;
  /** The account the stack declares for the project; null for an unmanaged project (none does). */
  declaredBillingAccount: string | null;
  /** The account it is linked to now: "" when unlinked, null when the project is gone. */
  liveBillingAccount: string | null;
  /** What changed, in one sentence. */
  summary: string;
  /** Who must act, and how. */
  action: string;
}

/** The `--unmanaged` listing of one declared billing account. */
export interface AccountListing {
  billingAccount: string;
  /** `error`: the listing failed (an entry in `errors` says why), so its unmanaged projects are unknown. */
  status: "listed" | "error";
  /** Projects billed to the account; null when the listing failed. */
  projectCount: number | null;
  /** How many of them no ProjectBillingLink of the stack declares; null when the listing failed. */
  unmanagedCount: number | null;
}

/** Why the check is incomplete. Never contains a token or secret (see redact.ts). */
export interface ReportError {
  /** `stack`: the whole run (credentials, config, engine); `link`: one link's read; `account`: one listing. */
  scope: "stack" | "link" | "account";
  projectId?: string;
  billingAccount?: string;
  message: string;
  /** What to do about it, when known. */
  hint?: string;
}

export type ReportStatus = "clean" | "findings" | "error";

export interface DriftReport {
  schemaVersion: typeof DRIFT_REPORT_SCHEMA_VERSION;
  /** `gcp-billing-link <version>`. */
  generator: string;
  /** ISO 8601, UTC. */
  checkedAt: string;
  stack: { name: string; project: string };
  /**
   * `error` whenever `errors` is not empty (findings are still listed: a partial run reports what it
   * read); otherwise `findings` when there are any, else `clean`.
   */
  status: ReportStatus;
  /** Which checks ran: the links always; the unmanaged-project listing only with `--unmanaged`. */
  checks: { links: boolean; unmanaged: boolean };
  summary: {
    links: number;
    inSync: number;
    findings: number;
    errors: number;
    byKind: Record<FindingKind, number>;
  };
  links: LinkResult[];
  findings: Finding[];
  accounts: AccountListing[];
  errors: ReportError[];
}

export function reportStatus(findings: readonly Finding[], errors: readonly ReportError[]): ReportStatus {
  if (errors.length > 0) return "error";
  return findings.length > 0 ? "findings" : "clean";
}
