import type { BillingAccountRecord, ProjectRecord } from "./store/state";

/**
 * Wire shapes, rendered by proto3-JSON rules (contract §4): fields holding their default value
 * ("", false, empty list) are omitted unless the `printDefaults` knob asks for them.
 */

type JsonObject = Record<string, unknown>;

function put(
  out: JsonObject,
  key: string,
  value: string | boolean | undefined,
  printDefaults: boolean,
): void {
  const isDefault = value === undefined || value === "" || value === false;
  if (!isDefault || printDefaults) out[key] = value ?? (typeof value === "boolean" ? false : "");
}

/**
 * `billingAccountId` is what the caller should see (it may be a stale or hidden value); `account`
 * decides billingEnabled, which is true only for a link to an open account.
 */
export function projectBillingInfoJson(
  projectId: string,
  billingAccountId: string | null,
  account: BillingAccountRecord | undefined,
  printDefaults: boolean,
): JsonObject {
  const out: JsonObject = { name: `projects/${projectId}/billingInfo`, projectId };
  put(
    out,
    "billingAccountName",
    billingAccountId ? `billingAccounts/${billingAccountId}` : "",
    printDefaults,
  );
  const enabled = billingAccountId !== null && account?.open === true;
  if (enabled || printDefaults) out.billingEnabled = enabled;
  return out;
}

export function billingAccountJson(a: BillingAccountRecord, printDefaults: boolean): JsonObject {
  const out: JsonObject = { name: `billingAccounts/${a.id}` };
  if (a.open || printDefaults) out.open = a.open;
  put(out, "displayName", a.displayName, printDefaults);
  put(out, "masterBillingAccount", a.masterBillingAccount, printDefaults);
  put(out, "parent", a.parent, printDefaults);
  put(out, "currencyCode", a.currencyCode, printDefaults);
  return out;
}

/** The billing account a project's readers see: none while the project is pending deletion (contract §10). */
export function visibleBillingAccountId(p: ProjectRecord): string | null {
  return p.lifecycleState === "DELETE_REQUESTED" ? null : p.billingAccountId;
}

/** A list response: the repeated field and nextPageToken are dropped when empty. */
export function listJson(
  field: string,
  items: JsonObject[],
  nextPageToken: string | undefined,
  printDefaults: boolean,
): JsonObject {
  const out: JsonObject = {};
  if (items.length > 0 || printDefaults) out[field] = items;
  if (nextPageToken || printDefaults) out.nextPageToken = nextPageToken ?? "";
  return out;
}
