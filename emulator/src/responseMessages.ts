/**
 * The fields of each Cloud Billing response message, by JSON name, as the discovery document `cloudbilling:v1`
 * declares them (including fields the emulator never fills, such as `Policy.auditConfigs`): a `fields`
 * selection is checked against these, so a path Google knows is accepted even when the value is absent.
 * Repeated fields are not marked: a selection passes through lists to their elements.
 */

/** A scalar or repeated scalar: nothing can be selected inside it. */
export const SCALAR = "scalar";

export interface MessageShape {
  readonly [jsonName: string]: MessageShape | typeof SCALAR;
}

const EXPR: MessageShape = { expression: SCALAR, title: SCALAR, description: SCALAR, location: SCALAR };
const BINDING: MessageShape = { role: SCALAR, members: SCALAR, condition: EXPR };
const AUDIT_LOG_CONFIG: MessageShape = { logType: SCALAR, exemptedMembers: SCALAR };
const AUDIT_CONFIG: MessageShape = { service: SCALAR, auditLogConfigs: AUDIT_LOG_CONFIG };

export const PROJECT_BILLING_INFO: MessageShape = {
  name: SCALAR,
  projectId: SCALAR,
  billingAccountName: SCALAR,
  billingEnabled: SCALAR,
};

export const BILLING_ACCOUNT: MessageShape = {
  name: SCALAR,
  open: SCALAR,
  displayName: SCALAR,
  masterBillingAccount: SCALAR,
  parent: SCALAR,
  currencyCode: SCALAR,
};

export const LIST_BILLING_ACCOUNTS_RESPONSE: MessageShape = {
  billingAccounts: BILLING_ACCOUNT,
  nextPageToken: SCALAR,
};

export const LIST_PROJECT_BILLING_INFO_RESPONSE: MessageShape = {
  projectBillingInfo: PROJECT_BILLING_INFO,
  nextPageToken: SCALAR,
};

export const TEST_IAM_PERMISSIONS_RESPONSE: MessageShape = { permissions: SCALAR };

export const POLICY: MessageShape = {
  version: SCALAR,
  bindings: BINDING,
  auditConfigs: AUDIT_CONFIG,
  etag: SCALAR,
};

/** IAM Credentials `GenerateAccessTokenResponse` (https://cloud.google.com/iam/docs/reference/credentials/rest). */
export const GENERATE_ACCESS_TOKEN_RESPONSE: MessageShape = { accessToken: SCALAR, expireTime: SCALAR };
