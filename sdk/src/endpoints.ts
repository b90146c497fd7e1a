/**
 * API and OAuth endpoints: explicit option > GCP_BILLING_LINK_* environment variable > Google default.
 * The env variables let a Pulumi program point the provider at the emulator without code changes.
 */
import { CredentialsError } from "./errors";
import type { EndpointsOptions, ResolvedEndpoints } from "./types";

export const DEFAULT_ENDPOINTS: Readonly<ResolvedEndpoints> = Object.freeze({
  apiRoot: "https://cloudbilling.googleapis.com/",
  tokenUrl: "https://oauth2.googleapis.com/token",
  authUrl: "https://accounts.google.com/o/oauth2/v2/auth",
  tokenInfoUrl: "https://oauth2.googleapis.com/tokeninfo",
  revokeUrl: "https://oauth2.googleapis.com/revoke",
});

export const ENDPOINT_ENV_VARS: Readonly<Record<keyof ResolvedEndpoints, string>> = Object.freeze({
  apiRoot: "GCP_BILLING_LINK_API_ROOT",
  tokenUrl: "GCP_BILLING_LINK_OAUTH_TOKEN_URL",
  authUrl: "GCP_BILLING_LINK_OAUTH_AUTH_URL",
  tokenInfoUrl: "GCP_BILLING_LINK_OAUTH_TOKENINFO_URL",
  revokeUrl: "GCP_BILLING_LINK_OAUTH_REVOKE_URL",
});

function checkUrl(key: keyof ResolvedEndpoints, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CredentialsError(`Endpoint ${key} is not a valid URL.`, {
      status: "INVALID_ARGUMENT",
      hint: `Set ${key} (or ${ENDPOINT_ENV_VARS[key]}) to an absolute http(s) URL.`,
    });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new CredentialsError(`Endpoint ${key} must be http(s).`, { status: "INVALID_ARGUMENT" });
  }
  return url.toString();
}

export function resolveEndpoints(
  options: EndpointsOptions = {},
  env: NodeJS.ProcessEnv = {},
): ResolvedEndpoints {
  const out = { ...DEFAULT_ENDPOINTS };
  for (const key of Object.keys(DEFAULT_ENDPOINTS) as (keyof ResolvedEndpoints)[]) {
    const chosen = options[key] ?? (env[ENDPOINT_ENV_VARS[key]] || undefined);
    if (chosen !== undefined) out[key] = checkUrl(key, chosen);
  }
  // Paths are appended to the root ("v1/…"), so it must end with a slash.
  if (!out.apiRoot.endsWith("/")) out.apiRoot += "/";
  return out;
}
