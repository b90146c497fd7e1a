import { decodePageToken, parsePageSize } from "../pagination";
import { isBillingAccountId, isProjectIdOrNumber, parseBillingAccountName } from "../resourceNames";
import { invalidArgument } from "../rpcErrors";
import type { BillingAccountRecord } from "../store/state";

/**
 * The syntax step of the check order (docs/cloud-billing-api.md §7, step 6) for the billing domain's inputs.
 * Each parser turns text from a request into a value the domain's operations accept, or throws 400
 * INVALID_ARGUMENT. The operations take only these branded values, so none of them can run on input that
 * skipped its syntax check. The route calls the parsers in the order it reads the request (path, then body or
 * query), which decides which error a request with several faults gets.
 */

declare const checked: unique symbol;
/** A project id or number that passed its syntax check. */
export type ProjectRef = string & { readonly [checked]: "ProjectRef" };
/** A billing account id (`XXXXXX-XXXXXX-XXXXXX`) that passed its syntax check. */
export type BillingAccountId = string & { readonly [checked]: "BillingAccountId" };
/** An IAM permission name (`service.resource.verb`) that passed its syntax check. */
export type Permission = string & { readonly [checked]: "Permission" };

const PERMISSION_PATTERN = /^[a-z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*){2}$/;

/** The only filter Google documents for billingAccounts.list (§5). */
const MASTER_ACCOUNT_FILTER =
  /^\s*master_billing_account\s*=\s*"?(billingAccounts\/[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6})"?\s*$/;

const POLICY_VERSIONS = ["0", "1", "3"];

/** `projects/{raw}`: a project id or number. */
export function parseProjectRef(raw: string): ProjectRef {
  if (!isProjectIdOrNumber(raw))
    throw invalidArgument(undefined, [
      { field: "name", description: `Invalid project name: projects/${raw}` },
    ]);
  return raw as ProjectRef;
}

/** `billingAccounts/{raw}`; `field` is the request field Google names in the violation. */
export function parseBillingAccountId(raw: string, field = "name"): BillingAccountId {
  if (!isBillingAccountId(raw))
    throw invalidArgument(undefined, [
      { field, description: `Invalid billing account name: billingAccounts/${raw}` },
    ]);
  return raw as BillingAccountId;
}

/**
 * The account a ProjectBillingInfo body asks for, from its `billingAccountName`. null means unlink: proto3
 * reads a missing field and "" alike, so no body, `{}` and `""` all unlink (§2).
 */
export function parseLinkTarget(billingAccountName: string | undefined): BillingAccountId | null {
  if (billingAccountName === undefined || billingAccountName === "") return null;
  const id = parseBillingAccountName(billingAccountName);
  if (id === undefined) {
    throw invalidArgument(undefined, [
      {
        field: "project_billing_info.billing_account_name",
        description: `Invalid billing account name "${billingAccountName}"; expected billingAccounts/XXXXXX-XXXXXX-XXXXXX.`,
      },
    ]);
  }
  return id as BillingAccountId;
}

export function parsePermissions(requested: readonly string[]): readonly Permission[] {
  const malformed = requested.find((p) => !PERMISSION_PATTERN.test(p));
  if (malformed !== undefined) {
    throw invalidArgument(`Permission ${malformed} is not valid.`, [
      { field: "permissions", description: `Permission ${malformed} is not valid.` },
    ]);
  }
  return requested as readonly Permission[];
}

/** getIamPolicy's `options.requestedPolicyVersion`: checked, though the answer is always version 1. */
export function checkRequestedPolicyVersion(raw: string | null): void {
  if (raw !== null && !POLICY_VERSIONS.includes(raw)) {
    throw invalidArgument(undefined, [
      {
        field: "options.requested_policy_version",
        description: `Invalid requested policy version ${raw}; expected 0, 1 or 3.`,
      },
    ]);
  }
}

/** One page of a listing: where it starts, how long it is, and which listing its tokens belong to. */
export interface PageRequest {
  pageSize: number;
  offset: number;
  /** Page tokens are bound to it, so a token from one listing cannot page another. */
  scope: string;
}

/** A billingAccounts.list request: a page and which accounts it keeps. */
export interface AccountListing extends PageRequest {
  matches(account: Readonly<BillingAccountRecord>): boolean;
}

export interface AccountListingQuery {
  pageSize: string | null;
  filter: string | null;
  pageToken: string | null;
  parent: string | null;
}

export function parseAccountListing(query: AccountListingQuery): AccountListing {
  const pageSize = parsePageSize(query.pageSize);
  const masterAccount = parseMasterAccountFilter(query.filter);
  const parent = query.parent;
  const scope = `billingAccounts?filter=${query.filter ?? ""}&parent=${parent ?? ""}`;
  const offset = decodePageToken(query.pageToken, scope);
  return {
    pageSize,
    offset,
    scope,
    matches: (a) =>
      (masterAccount === undefined || a.masterBillingAccount === masterAccount) &&
      (!parent || a.parent === parent),
  };
}

/** The account a `master_billing_account=billingAccounts/…` filter names; undefined for no filter. */
function parseMasterAccountFilter(raw: string | null): string | undefined {
  if (raw === null || raw.trim() === "") return undefined;
  const m = MASTER_ACCOUNT_FILTER.exec(raw);
  if (!m)
    throw invalidArgument(undefined, [
      {
        field: "filter",
        description: `Unsupported filter "${raw}"; only master_billing_account=billingAccounts/... is supported.`,
      },
    ]);
  return m[1];
}

/** A billingAccounts.projects.list request. */
export interface ProjectListing extends PageRequest {
  accountId: BillingAccountId;
}

export function parseProjectListing(
  accountId: BillingAccountId,
  query: { pageSize: string | null; pageToken: string | null },
): ProjectListing {
  const pageSize = parsePageSize(query.pageSize);
  const scope = `billingAccounts/${accountId}/projects`;
  return { accountId, pageSize, offset: decodePageToken(query.pageToken, scope), scope };
}
