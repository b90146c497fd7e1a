import type {
  BillingAccount,
  ListBillingAccountsResponse,
  ListProjectBillingInfoResponse,
  Policy,
  ProjectBillingInfo,
  TestIamPermissionsResponse,
} from "./billing/messages";

/**
 * Response messages on the wire, by proto3 JSON rules (docs/cloud-billing-api.md §4): fields holding their
 * default value ("", false, an empty list) are omitted unless the `printDefaults` knob asks for them.
 */

type JsonObject = Record<string, unknown>;

function put(out: JsonObject, key: string, value: string | boolean, printDefaults: boolean): void {
  if ((value !== "" && value !== false) || printDefaults) out[key] = value;
}

export function projectBillingInfoJson(m: ProjectBillingInfo, printDefaults: boolean): JsonObject {
  const out: JsonObject = { name: m.name, projectId: m.projectId };
  put(out, "billingAccountName", m.billingAccountName, printDefaults);
  put(out, "billingEnabled", m.billingEnabled, printDefaults);
  return out;
}

export function billingAccountJson(m: BillingAccount, printDefaults: boolean): JsonObject {
  const out: JsonObject = { name: m.name };
  put(out, "open", m.open, printDefaults);
  put(out, "displayName", m.displayName, printDefaults);
  put(out, "masterBillingAccount", m.masterBillingAccount, printDefaults);
  put(out, "parent", m.parent, printDefaults);
  put(out, "currencyCode", m.currencyCode, printDefaults);
  return out;
}

/** A list response: the repeated field and nextPageToken are dropped when empty. */
function listJson(
  field: string,
  items: JsonObject[],
  nextPageToken: string,
  printDefaults: boolean,
): JsonObject {
  const out: JsonObject = {};
  if (items.length > 0 || printDefaults) out[field] = items;
  put(out, "nextPageToken", nextPageToken, printDefaults);
  return out;
}

export function listBillingAccountsJson(m: ListBillingAccountsResponse, printDefaults: boolean): JsonObject {
  const items = m.billingAccounts.map((a) => billingAccountJson(a, printDefaults));
  return listJson("billingAccounts", items, m.nextPageToken, printDefaults);
}

export function listProjectBillingInfoJson(
  m: ListProjectBillingInfoResponse,
  printDefaults: boolean,
): JsonObject {
  const items = m.projectBillingInfo.map((p) => projectBillingInfoJson(p, printDefaults));
  return listJson("projectBillingInfo", items, m.nextPageToken, printDefaults);
}

export function testIamPermissionsJson(m: TestIamPermissionsResponse, printDefaults: boolean): JsonObject {
  return m.permissions.length > 0 || printDefaults ? { permissions: m.permissions } : {};
}

/** `version` is always printed and `bindings` omitted when empty, whatever `printDefaults` says. */
export function policyJson(m: Policy): JsonObject {
  return { version: m.version, ...(m.bindings.length > 0 ? { bindings: m.bindings } : {}), etag: m.etag };
}
