/**
 * Stack configuration for the provider, read in `configure` from the `gcp-billing:` namespace. Values are
 * never captured into the serialized provider: each engine run reads them afresh, and secrets stay secrets.
 */
import type { CloudBillingClientOptions } from "../../sdk/src";

export const CONFIG_NAMESPACE = "gcp-billing";

/** Keys under `gcp-billing:`; the ones marked secret should be set with `pulumi config set --secret`. */
export const CONFIG_KEYS = {
  accessToken: "static OAuth access token (secret)",
  credentials: "authorized_user JSON, as contents or a file path (secret)",
  refreshToken: "OAuth refresh token, used with clientId and clientSecret (secret)",
  clientId: "OAuth client ID for refreshToken",
  clientSecret: "OAuth client secret for refreshToken (secret)",
  quotaProject: "project sent as x-goog-user-project",
  apiEndpoint: "Cloud Billing API root, e.g. http://127.0.0.1:8085/ for the emulator",
  oauthTokenUrl: "OAuth token endpoint",
  oauthTokenInfoUrl: "OAuth tokeninfo endpoint",
  oauthRevokeUrl: "OAuth revoke endpoint",
  preflight: "true (default) | false: check billing accounts during preview",
  requestsPerMinute: "client-side API rate per quota project (default 300, Google's default quota)",
} as const;

export type ConfigKey = keyof typeof CONFIG_KEYS;

export interface ConfigSource {
  get(key: string): string | undefined;
}

export interface ProviderSettings {
  client: CloudBillingClientOptions;
  preflight: boolean;
}

/** Maps `gcp-billing:*` values onto sdk options; anything unset falls back to the sdk's env resolution. */
export function settingsFromConfig(config: ConfigSource): ProviderSettings {
  const get = (key: ConfigKey): string | undefined => {
    const value = config.get(`${CONFIG_NAMESPACE}:${key}`)?.trim();
    return value ? value : undefined;
  };
  const credentials = get("credentials");
  const explicit = withoutUndefined({
    accessToken: get("accessToken"),
    refreshToken: get("refreshToken"),
    clientId: get("clientId"),
    clientSecret: get("clientSecret"),
    credentialsJson: credentials?.startsWith("{") ? credentials : undefined,
    credentialsFile: credentials && !credentials.startsWith("{") ? credentials : undefined,
  });
  const client: CloudBillingClientOptions = {
    // Only config that is actually set counts as explicit; otherwise the sdk resolves from the environment.
    credentials: Object.keys(explicit).length > 0 ? explicit : undefined,
    quotaProject: get("quotaProject"),
    endpoints: withoutUndefined({
      apiRoot: get("apiEndpoint"),
      tokenUrl: get("oauthTokenUrl"),
      tokenInfoUrl: get("oauthTokenInfoUrl"),
      revokeUrl: get("oauthRevokeUrl"),
    }),
    userAgent: "gcp-billing-link-provider",
  };
  const rate = get("requestsPerMinute");
  if (rate !== undefined) {
    const perMinute = Number(rate);
    if (!Number.isFinite(perMinute) || perMinute <= 0) {
      throw new Error(
        `${CONFIG_NAMESPACE}:requestsPerMinute must be a positive number (your Cloud Billing quota, e.g. 975), got "${rate}"`,
      );
    }
    client.rateLimit = { requestsPerSecond: perMinute / 60 };
  }
  const preflight = get("preflight");
  if (preflight !== undefined && preflight !== "true" && preflight !== "false") {
    throw new Error(`${CONFIG_NAMESPACE}:preflight must be "true" or "false", got "${preflight}"`);
  }
  return { client, preflight: preflight !== "false" };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
