/**
 * Stack configuration for the provider, read in `configure` from the `gcp-billing:` namespace. Values are
 * never captured into the serialized provider: each engine run reads them afresh, and secrets stay secrets.
 */
import { parseProjectId, type CloudBillingClientOptions } from "../../sdk/src";

export const CONFIG_NAMESPACE = "gcp-billing";

/** Keys under `gcp-billing:`; the ones marked secret should be set with `pulumi config set --secret`. */
export const CONFIG_KEYS = {
  accessToken: "static OAuth access token (secret)",
  credentials:
    "path of a credentials file (authorized_user, impersonated_service_account, external_account or service_account), or its JSON contents (secret config only)",
  impersonateServiceAccount: "service account to impersonate with the resolved credential (not a secret)",
  refreshToken: "OAuth refresh token, used with clientId and clientSecret (secret)",
  clientId: "OAuth client ID for refreshToken",
  clientSecret: "OAuth client secret for refreshToken (secret)",
  quotaProject: "project sent as x-goog-user-project",
  apiEndpoint: "Cloud Billing API root, e.g. http://127.0.0.1:8085/ for the emulator",
  oauthTokenUrl: "OAuth token endpoint",
  oauthTokenInfoUrl: "OAuth tokeninfo endpoint",
  oauthRevokeUrl: "OAuth revoke endpoint",
  stsTokenUrl:
    "Security Token Service token URL (workload identity federation); wins over a file's token_url",
  iamCredentialsEndpoint: "IAM Credentials API root (impersonation); wins over a file's impersonation URL",
  preflight: "true (default) | false: check billing accounts during preview",
  requestsPerMinute: "client-side API rate per quota project (default 300, Google's default quota)",
  requestTimeoutSeconds: "time allowed for one HTTP attempt before it is retried (default 30)",
  operationTimeoutSeconds: "time allowed for one API call, retries included, before it fails (default 60)",
} as const;

export type ConfigKey = keyof typeof CONFIG_KEYS;

export interface ConfigSource {
  get(key: string): string | undefined;
}

export interface ProviderSettings {
  client: CloudBillingClientOptions;
  preflight: boolean;
}

/** The config keys that hold secrets: they must be set with `pulumi config set --secret`. */
export const SECRET_CONFIG_KEYS = ["accessToken", "refreshToken", "clientSecret", "credentials"] as const;

/** The longest delay Node's timers can hold (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** `gcp-billing:<key>`, as users type it. */
export function configKey(key: ConfigKey): string {
  return `${CONFIG_NAMESPACE}:${key}`;
}

/** Whether a `gcp-billing:credentials` value is the JSON itself rather than a path. */
export function isInlineCredentials(value: string): boolean {
  return value.trim().startsWith("{");
}

/**
 * Maps `gcp-billing:*` values onto sdk options; anything unset falls back to the sdk's env resolution.
 * Every invalid value is reported at once, each naming its key.
 */
export function settingsFromConfig(config: ConfigSource): ProviderSettings {
  const get = (key: ConfigKey): string | undefined => {
    const value = config.get(configKey(key))?.trim();
    return value ? value : undefined;
  };
  const problems: string[] = [];
  const seconds = (key: ConfigKey): number | undefined => {
    const value = get(key);
    if (value === undefined) return undefined;
    const n = Number(value);
    const ms = Math.round(n * 1000);
    // Node's timers fire after 1 ms when asked for 0 ms or for more than they hold, so a value outside
    // this range would time out every request at once instead of never.
    if (Number.isFinite(n) && n > 0 && ms >= 1 && ms <= MAX_TIMER_MS) return ms;
    problems.push(
      `${configKey(key)} must be a positive number of seconds, at least 0.001 and at most ` +
        `${Math.floor(MAX_TIMER_MS / 1000)}, got "${value.slice(0, 40)}"`,
    );
    return undefined;
  };
  const endpoint = (key: ConfigKey): string | undefined => {
    const value = get(key);
    if (value !== undefined && !isHttpUrl(value)) {
      problems.push(`${configKey(key)} must be an absolute http(s) URL, got "${value.slice(0, 200)}"`);
      return undefined;
    }
    return value;
  };
  // Sent as the x-goog-user-project header, which takes a project ID or number: anything else would only
  // come back as an error from Google, after the preview had already called the API with it.
  const quotaProject = (key: ConfigKey): string | undefined => {
    const value = get(key);
    if (value === undefined || /^[0-9]{1,30}$/.test(value)) return value;
    try {
      return parseProjectId(value, configKey(key));
    } catch {
      problems.push(
        `${configKey(key)} must be a project ID or number (e.g. "my-project-123"), not a resource name, ` +
          `got "${value.slice(0, 80)}"`,
      );
      return undefined;
    }
  };
  const credentials = get("credentials");
  const explicit = withoutUndefined({
    accessToken: get("accessToken"),
    refreshToken: get("refreshToken"),
    clientId: get("clientId"),
    clientSecret: get("clientSecret"),
    credentialsJson: credentials && isInlineCredentials(credentials) ? credentials : undefined,
    credentialsFile: credentials && !isInlineCredentials(credentials) ? credentials : undefined,
    impersonateServiceAccount: get("impersonateServiceAccount"),
  });
  const client: CloudBillingClientOptions = {
    // Only config that is actually set counts as explicit; otherwise the sdk resolves from the environment.
    credentials:
      Object.keys(explicit).length > 0
        ? {
            ...explicit,
            // Errors then name what the user set, not the sdk's option names.
            names: {
              accessToken: configKey("accessToken"),
              refreshToken: configKey("refreshToken"),
              clientId: configKey("clientId"),
              clientSecret: configKey("clientSecret"),
              credentialsJson: configKey("credentials"),
              credentialsFile: configKey("credentials"),
              impersonateServiceAccount: configKey("impersonateServiceAccount"),
            },
          }
        : undefined,
    quotaProject: quotaProject("quotaProject"),
    endpoints: withoutUndefined({
      apiRoot: endpoint("apiEndpoint"),
      tokenUrl: endpoint("oauthTokenUrl"),
      tokenInfoUrl: endpoint("oauthTokenInfoUrl"),
      revokeUrl: endpoint("oauthRevokeUrl"),
      stsTokenUrl: endpoint("stsTokenUrl"),
      iamCredentialsUrl: endpoint("iamCredentialsEndpoint"),
    }),
    userAgent: "gcp-billing-link-provider",
  };
  const rate = get("requestsPerMinute");
  if (rate !== undefined) {
    const perMinute = Number(rate);
    if (!Number.isFinite(perMinute) || perMinute <= 0) {
      problems.push(
        `${configKey("requestsPerMinute")} must be a positive number (your Cloud Billing quota, e.g. 975), got "${rate}"`,
      );
    } else {
      client.rateLimit = { requestsPerMinute: perMinute };
    }
  }
  const attemptTimeoutMs = seconds("requestTimeoutSeconds");
  const deadlineMs = seconds("operationTimeoutSeconds");
  if (attemptTimeoutMs !== undefined || deadlineMs !== undefined) {
    client.retry = withoutUndefined({ attemptTimeoutMs, deadlineMs });
  }
  const preflight = get("preflight");
  if (preflight !== undefined && preflight !== "true" && preflight !== "false") {
    problems.push(`${configKey("preflight")} must be "true" or "false", got "${preflight}"`);
  }
  if (problems.length > 0) throw new InvalidConfigError(problems);
  return { client, preflight: preflight !== "false" };
}

function isHttpUrl(value: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Every invalid `gcp-billing:*` value, one per line. */
export class InvalidConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      problems.length === 1
        ? `invalid stack config: ${problems[0]}`
        : `invalid stack config:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "InvalidConfigError";
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
