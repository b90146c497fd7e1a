import {
  BILLING_ACCOUNT,
  LIST_BILLING_ACCOUNTS_RESPONSE,
  LIST_PROJECT_BILLING_INFO_RESPONSE,
  POLICY,
  PROJECT_BILLING_INFO,
  TEST_IAM_PERMISSIONS_RESPONSE,
  type MessageShape,
} from "./responseMessages";
import { SCOPES } from "./scopes";

/** Static facts about each Cloud Billing method: names for logs and ErrorInfo, and accepted scopes (discovery `cloudbilling:v1`). */
export interface BillingMethod {
  /** Discovery name, used in the request log: `projects.getBillingInfo`. */
  name: string;
  /** gRPC name, used in ErrorInfo metadata: `google.cloud.billing.v1.CloudBilling.GetProjectBillingInfo`. */
  rpc: string;
  scopes: readonly string[];
  /** The response message's fields, which a `fields` selection must name. */
  response: MessageShape;
  /** Query parameters the method binds, besides Google's system parameters. */
  queryParams: readonly string[];
  /** The API's service name in ErrorInfo metadata; default cloudbilling.googleapis.com. */
  service?: string;
}

const READ_SCOPES = [SCOPES.cloudBilling, SCOPES.cloudBillingReadonly, SCOPES.cloudPlatform] as const;
const WRITE_SCOPES = [SCOPES.cloudBilling, SCOPES.cloudPlatform] as const;
const RPC_PREFIX = "google.cloud.billing.v1.CloudBilling.";

function method(
  name: string,
  rpc: string,
  scopes: readonly string[],
  response: MessageShape,
  queryParams: readonly string[] = [],
): BillingMethod {
  return { name, rpc: RPC_PREFIX + rpc, scopes, response, queryParams };
}

export const BILLING_METHODS = {
  getBillingInfo: method(
    "projects.getBillingInfo",
    "GetProjectBillingInfo",
    READ_SCOPES,
    PROJECT_BILLING_INFO,
  ),
  updateBillingInfo: method(
    "projects.updateBillingInfo",
    "UpdateProjectBillingInfo",
    WRITE_SCOPES,
    PROJECT_BILLING_INFO,
  ),
  getAccount: method("billingAccounts.get", "GetBillingAccount", READ_SCOPES, BILLING_ACCOUNT),
  listAccounts: method(
    "billingAccounts.list",
    "ListBillingAccounts",
    READ_SCOPES,
    LIST_BILLING_ACCOUNTS_RESPONSE,
    ["pageSize", "page_size", "pageToken", "page_token", "filter", "parent"],
  ),
  listProjects: method(
    "billingAccounts.projects.list",
    "ListProjectBillingInfo",
    READ_SCOPES,
    LIST_PROJECT_BILLING_INFO_RESPONSE,
    ["pageSize", "page_size", "pageToken", "page_token"],
  ),
  testIamPermissions: method(
    "billingAccounts.testIamPermissions",
    "TestIamPermissions",
    READ_SCOPES,
    TEST_IAM_PERMISSIONS_RESPONSE,
  ),
  getIamPolicy: method("billingAccounts.getIamPolicy", "GetIamPolicy", READ_SCOPES, POLICY, [
    "options.requestedPolicyVersion",
    "options.requested_policy_version",
  ]),
} as const;

export const SERVICE_NAME = "cloudbilling.googleapis.com";
