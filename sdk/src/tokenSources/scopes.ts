/**
 * The scopes the sdk asks for where it chooses them (service account keys, impersonation, federation).
 * Tokens for the Cloud Billing API get the narrowest scope that can change links; a token that only
 * serves to impersonate gets cloud-platform, which generateAccessToken requires of its caller
 * (https://cloud.google.com/iam/docs/reference/credentials/rest/v1/projects.serviceAccounts/generateAccessToken,
 * "Authorization scopes"). User credentials keep the scopes of their refresh token.
 */
export type ScopeSet = readonly string[];

export const FINAL_SCOPES: ScopeSet = ["https://www.googleapis.com/auth/cloud-billing"];
export const SOURCE_SCOPES: ScopeSet = ["https://www.googleapis.com/auth/cloud-platform"];
