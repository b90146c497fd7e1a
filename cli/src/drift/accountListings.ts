/**
 * `--unmanaged`: every project billed to each billing account the stack declares, through
 * `billingAccounts.projects.list` (every page). One client for all accounts, so one token refresh. A
 * listing that fails is an error in the report, never an empty list: "we could not look" must not read
 * as "nothing unmanaged".
 */
import {
  CloudBillingClient,
  CloudBillingError,
  PermissionDeniedError,
  type CloudBillingClientOptions,
} from "../../../sdk/src/index";
import type { ProjectListing } from "./classify";
import { safeLine, type Redactor } from "./redact";
import type { ReportError } from "./report";

/** The permission `billingAccounts.projects.list` needs; roles/billing.viewer grants it read-only. */
export const LIST_PERMISSION = "billing.resourceAssociations.list";

export interface AccountListingsResult {
  listings: ProjectListing[];
  errors: ReportError[];
}

export async function listDeclaredAccounts(
  accounts: readonly string[],
  clientOptions: CloudBillingClientOptions,
  redact: Redactor,
  signal?: AbortSignal,
): Promise<AccountListingsResult> {
  let client: CloudBillingClient;
  try {
    client = new CloudBillingClient(clientOptions);
  } catch (err) {
    // An unusable endpoint setting: no listing can run, so every account is unknown.
    return {
      listings: accounts.map((billingAccount) => ({ billingAccount, projectIds: null })),
      errors: accounts.map((billingAccount) => listingError(billingAccount, err, redact)),
    };
  }
  const results = await Promise.all(
    accounts.map(async (billingAccount) => {
      try {
        const projectIds: string[] = [];
        for await (const info of client.listProjectBillingInfo(billingAccount, signal ? { signal } : {})) {
          projectIds.push(info.projectId);
        }
        return { listing: { billingAccount, projectIds } };
      } catch (err) {
        return {
          listing: { billingAccount, projectIds: null },
          error: listingError(billingAccount, err, redact),
        };
      }
    }),
  );
  return {
    listings: results.map((r) => r.listing),
    errors: results.flatMap((r) => (r.error ? [r.error] : [])),
  };
}

function listingError(billingAccount: string, err: unknown, redact: Redactor): ReportError {
  const base = { scope: "account" as const, billingAccount };
  if (err instanceof PermissionDeniedError && err.reason === "IAM_PERMISSION_DENIED") {
    return {
      ...base,
      message:
        `cannot list the projects billed to ${billingAccount}: the caller lacks ${LIST_PERMISSION} on it, ` +
        "so its unmanaged projects are unknown.",
      hint:
        `Grant roles/billing.viewer on ${billingAccount} (read-only is enough) to the identity the check ` +
        "runs as, or run the check without --unmanaged.",
    };
  }
  if (err instanceof CloudBillingError) {
    const message = err.hint ? err.message.replace(` Hint: ${err.hint}`, "") : err.message;
    return {
      ...base,
      message: `listing the projects billed to ${billingAccount} failed: ${safeLine(message, redact)}`,
      ...(err.hint ? { hint: safeLine(err.hint, redact) } : {}),
    };
  }
  const text = err instanceof Error ? `${err.name}: ${err.message}` : "unknown failure";
  return {
    ...base,
    message: `listing the projects billed to ${billingAccount} failed: ${safeLine(text, redact)}`,
  };
}
