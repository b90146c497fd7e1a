import type { BillingMethod } from "./billingMethods";
import { GENERATE_ACCESS_TOKEN_RESPONSE } from "./responseMessages";
import { errorInfo, invalidArgument, RpcError } from "./rpcErrors";
import { SCOPES } from "./scopes";

/**
 * IAM Service Account Credentials API v1 (https://cloud.google.com/iam/docs/reference/credentials/rest):
 * the one method the emulator serves, and its errors in Google's envelope. Public captures of the 403 show
 * no legacy `errors[]` (google-github-actions/auth#340, terraform-example-foundation#923), so these
 * errors carry none.
 */

export const IAM_SCOPE = "https://www.googleapis.com/auth/iam";

export const GENERATE_ACCESS_TOKEN: BillingMethod = {
  name: "iamcredentials.generateAccessToken",
  rpc: "google.iam.credentials.v1.IAMCredentials.GenerateAccessToken",
  // The method's documented scopes: the caller's token needs one of them.
  scopes: [SCOPES.cloudPlatform, IAM_SCOPE],
  queryParams: [],
  service: "iamcredentials.googleapis.com",
  response: GENERATE_ACCESS_TOKEN_RESPONSE,
};

export const GET_ACCESS_TOKEN_PERMISSION = "iam.serviceAccounts.getAccessToken";
export const IMPLICIT_DELEGATION_PERMISSION = "iam.serviceAccounts.implicitDelegation";

/** Also what a service account that does not exist gets: "(or it may not exist)". */
export function getAccessTokenDenied(permission = GET_ACCESS_TOKEN_PERMISSION): RpcError {
  return new RpcError(
    "PERMISSION_DENIED",
    `Permission '${permission}' denied on resource (or it may not exist).`,
    [errorInfo("IAM_PERMISSION_DENIED", { permission }, "iam.googleapis.com")],
    {},
    null,
  );
}

/** A disabled service account (inferred shape; docs/emulator.md). */
export function serviceAccountDisabled(): RpcError {
  return new RpcError("FAILED_PRECONDITION", "Precondition check failed.", [], {}, null);
}

export function lifetimeTooLong(): RpcError {
  return invalidArgument("The access token lifetime cannot exceed 3600 seconds.", [
    { field: "lifetime", description: "The access token lifetime cannot exceed 3600 seconds." },
  ]);
}
