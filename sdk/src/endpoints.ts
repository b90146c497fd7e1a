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
  stsTokenUrl: "https://sts.googleapis.com/v1/token",
  iamCredentialsUrl: "https://iamcredentials.googleapis.com/",
});

export const ENDPOINT_ENV_VARS: Readonly<Record<keyof ResolvedEndpoints, string>> = Object.freeze({
  apiRoot: "GCP_BILLING_LINK_API_ROOT",
  tokenUrl: "GCP_BILLING_LINK_OAUTH_TOKEN_URL",
  authUrl: "GCP_BILLING_LINK_OAUTH_AUTH_URL",
  tokenInfoUrl: "GCP_BILLING_LINK_OAUTH_TOKENINFO_URL",
  revokeUrl: "GCP_BILLING_LINK_OAUTH_REVOKE_URL",
  stsTokenUrl: "GCP_BILLING_LINK_STS_TOKEN_URL",
  iamCredentialsUrl: "GCP_BILLING_LINK_IAM_CREDENTIALS_URL",
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

function chosenEndpoint(
  key: keyof ResolvedEndpoints,
  options: EndpointsOptions,
  env: NodeJS.ProcessEnv,
): string | undefined {
  return options[key] ?? (env[ENDPOINT_ENV_VARS[key]] || undefined);
}

export function resolveEndpoints(
  options: EndpointsOptions = {},
  env: NodeJS.ProcessEnv = {},
): ResolvedEndpoints {
  const out = { ...DEFAULT_ENDPOINTS };
  for (const key of Object.keys(DEFAULT_ENDPOINTS) as (keyof ResolvedEndpoints)[]) {
    const chosen = chosenEndpoint(key, options, env);
    if (chosen !== undefined) out[key] = checkUrl(key, chosen);
  }
  // Paths are appended to the roots ("v1/…"), so they must end with a slash.
  if (!out.apiRoot.endsWith("/")) out.apiRoot += "/";
  if (!out.iamCredentialsUrl.endsWith("/")) out.iamCredentialsUrl += "/";
  return out;
}

/**
 * The endpoints set explicitly (option or environment variable) rather than defaulted. Only these may
 * send a credential file's tokens somewhere other than Google (endpointPolicy.ts).
 */
export function overriddenEndpoints(
  options: EndpointsOptions = {},
  env: NodeJS.ProcessEnv = {},
): ReadonlySet<keyof ResolvedEndpoints> {
  const keys = Object.keys(DEFAULT_ENDPOINTS) as (keyof ResolvedEndpoints)[];
  return new Set(keys.filter((key) => chosenEndpoint(key, options, env) !== undefined));
}
