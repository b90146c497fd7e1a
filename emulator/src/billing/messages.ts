/**
 * What the billing domain answers: Cloud Billing v1's response messages with Google's field names
 * (docs/cloud-billing-api.md §3), every field present. Only `proto3Json.ts` decides which of them reach the
 * wire, by the proto3 JSON rules (§4).
 */

export interface ProjectBillingInfo {
  /** `projects/{projectId}/billingInfo`. */
  name: string;
  projectId: string;
  /** `billingAccounts/{id}`, or "" when the project shows no account. */
  billingAccountName: string;
  /** True only for a link to an open account. */
  billingEnabled: boolean;
}

export interface BillingAccount {
  /** `billingAccounts/{id}`. */
  name: string;
  open: boolean;
  displayName: string;
  /** "" when the account has none. */
  masterBillingAccount: string;
  /** "" when the account has none. */
  parent: string;
  currencyCode: string;
}

export interface ListBillingAccountsResponse {
  billingAccounts: BillingAccount[];
  /** "" on the last page. */
  nextPageToken: string;
}

export interface ListProjectBillingInfoResponse {
  projectBillingInfo: ProjectBillingInfo[];
  /** "" on the last page. */
  nextPageToken: string;
}

export interface TestIamPermissionsResponse {
  permissions: string[];
}

export interface Binding {
  role: string;
  members: string[];
}

export interface Policy {
  version: number;
  bindings: Binding[];
  etag: string;
}
