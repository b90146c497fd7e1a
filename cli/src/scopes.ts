/**
 * The OAuth scopes `login` may request, described in the words of Google's OAuth 2.0 scopes page
 * (https://developers.google.com/identity/protocols/oauth2/scopes#cloudbilling). The default is the
 * narrowest scope that lets the provider change links: cloud-billing.readonly cannot call
 * projects.updateBillingInfo.
 */
export const LOGIN_SCOPES = {
  "cloud-billing": {
    url: "https://www.googleapis.com/auth/cloud-billing",
    description: "View and manage your Google Cloud billing accounts",
  },
  "cloud-billing.readonly": {
    url: "https://www.googleapis.com/auth/cloud-billing.readonly",
    description: "View your Google Cloud billing accounts",
  },
  "cloud-platform": {
    url: "https://www.googleapis.com/auth/cloud-platform",
    description: "See, edit, configure, and delete your Google Cloud data",
  },
} as const;

export type LoginScopeName = keyof typeof LOGIN_SCOPES;

export const DEFAULT_LOGIN_SCOPE: LoginScopeName = "cloud-billing";

export function isLoginScopeName(value: string): value is LoginScopeName {
  return Object.prototype.hasOwnProperty.call(LOGIN_SCOPES, value);
}

/** Scopes that allow projects.updateBillingInfo (discovery document `cloudbilling:v1`). */
export const WRITE_SCOPES: readonly string[] = [
  LOGIN_SCOPES["cloud-billing"].url,
  LOGIN_SCOPES["cloud-platform"].url,
];

/** Scopes that allow the read methods. */
export const READ_SCOPES: readonly string[] = [...WRITE_SCOPES, LOGIN_SCOPES["cloud-billing.readonly"].url];
