/**
 * Finds the credential to use, in the documented order (docs/credentials.md), first match wins:
 *   explicit options → GOOGLE_OAUTH_ACCESS_TOKEN → GOOGLE_CREDENTIALS (JSON contents) →
 *   GOOGLE_APPLICATION_CREDENTIALS (file) → gcloud's ADC file ($CLOUDSDK_CONFIG or ~/.config/gcloud).
 * Then `impersonateServiceAccount` (or GOOGLE_IMPERSONATE_SERVICE_ACCOUNT) wraps whatever was found.
 * The metadata server is never asked: this sdk is for workstations and CI.
 *
 * Files of every kind are read by credentialFiles/ rather than google-auth-library's `fromJSON`, which
 * cannot carry custom endpoints and overwrites the quota project (docs/oauth.md §4.1).
 * Error messages name the missing field or the source, never a value.
 */
import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parseCredentialsJson } from "./credentialFiles";
import type { ResolvedCredential } from "./credentialTypes";
import { CredentialsError, CredentialsNotFoundError } from "./errors";
import type { CredentialKind, CredentialOptionName, CredentialSource, CredentialsOptions } from "./types";

export type { ResolvedCredential } from "./credentialTypes";

export interface ResolveCredentialsInput {
  credentials?: CredentialsOptions;
  quotaProject?: string;
  env: NodeJS.ProcessEnv;
  /** Injectable for tests; defaults to reading UTF-8 from disk. Returns undefined if the file is absent. */
  readFile?: (path: string) => string | undefined;
}

const LOGIN_COMMAND = "`gcp-billing-link login`";
const LOGIN_HINT = `Run ${LOGIN_COMMAND} (or \`gcloud auth application-default login\`), or set GOOGLE_OAUTH_ACCESS_TOKEN, GOOGLE_CREDENTIALS or GOOGLE_APPLICATION_CREDENTIALS.`;

function defaultReadFile(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    if (e instanceof Error && "code" in e && e.code === "ENOENT") return undefined;
    throw new CredentialsError(`Could not read the credentials file (${errorCode(e)}).`, {
      status: "FAILED_PRECONDITION",
      code: errorCode(e),
      hint: "Check the file's path and permissions.",
    });
  }
}

function errorCode(e: unknown): string {
  return e instanceof Error && "code" in e && typeof e.code === "string" ? e.code : "READ_ERROR";
}

/** Reads a credentials file; a failure names the setting that pointed at it (`name`), never the contents. */
function readNamed(read: (p: string) => string | undefined, path: string, name: string): string | undefined {
  try {
    return read(path);
  } catch (e) {
    const code = e instanceof CredentialsError && e.code ? e.code : errorCode(e);
    const why = code === "EISDIR" ? "is a directory, not a file" : `could not be read (${code})`;
    throw new CredentialsError(`${name} names ${shownPath(path)}, which ${why}.`, {
      status: "FAILED_PRECONDITION",
      code,
      hint: `Point ${name} at a credentials JSON file you can read.`,
    });
  }
}

/**
 * A credentials file other users of the machine may read. gcloud and `gcp-billing-link login` write 0600;
 * a looser file still works, but says so (its mode is a fact about the file, not a secret).
 */
function looseModeWarning(path: string, name: string): string | undefined {
  try {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) === 0) return undefined;
    const shown = shownPath(path);
    return `${name} names ${shown}, which other users of this machine may read (mode ${mode.toString(8).padStart(4, "0")}): chmod 600 ${shown}`;
  } catch {
    return undefined;
  }
}

/** Real credentials files are a few kB; this leaves room for any of them. */
const MAX_CREDENTIALS_FILE_BYTES = 1024 * 1024;

/**
 * Why an existing `path` cannot be a configured credentials file: reading a pipe with no writer or a
 * device such as /dev/zero never returns, and would hang the provider inside `pulumi preview`. Only the
 * `credentialsFile` option is checked: GOOGLE_APPLICATION_CREDENTIALS may name a shell's `<(…)` pipe.
 */
function notACredentialsFile(path: string): string | undefined {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return undefined; // missing or unreadable: reading it says which
  }
  if (stat.isDirectory()) return "is a directory, not a file";
  if (!stat.isFile()) return "is not a regular file (a pipe, socket or device, which could be read forever)";
  if (stat.size > MAX_CREDENTIALS_FILE_BYTES)
    return `is ${stat.size} bytes, far larger than a credentials file`;
  return undefined;
}

/** The credential read from `path`, with a warning if the file is readable by others (real files only). */
function fromFile(
  credential: ResolvedCredential,
  path: string,
  name: string,
  read: (p: string) => string | undefined,
): ResolvedCredential {
  const warning = read === defaultReadFile ? looseModeWarning(path, name) : undefined;
  return warning ? { ...credential, fileWarnings: [warning] } : credential;
}

/**
 * A static access token, trimmed, that an Authorization header can carry. Inner whitespace or a control
 * character (a second line pasted along, a quote) otherwise fails every request as a network error, retried
 * to the deadline, or reaches Google as a token it rejects. The message never shows the token.
 */
function headerToken(token: string, name: string): string {
  const trimmed = token.trim();
  if (/^[\x21-\x7e]+$/.test(trimmed)) return trimmed;
  throw new CredentialsError(
    `${name} is not an access token: it contains spaces, line breaks or other characters a token never has.`,
    {
      status: "INVALID_ARGUMENT",
      hint: `Set ${name} to the token alone, e.g. the output of \`gcloud auth print-access-token\`.`,
    },
  );
}

/** gcloud's config directory: $CLOUDSDK_CONFIG, else %APPDATA%\gcloud on Windows, else ~/.config/gcloud. */
export function gcloudAdcPath(env: NodeJS.ProcessEnv): string {
  if (env.CLOUDSDK_CONFIG) return join(env.CLOUDSDK_CONFIG, "application_default_credentials.json");
  if (process.platform === "win32" && env.APPDATA)
    return join(env.APPDATA, "gcloud", "application_default_credentials.json");
  return join(env.HOME || homedir(), ".config", "gcloud", "application_default_credentials.json");
}

/**
 * A path as it may appear in a message. A value that does not look like a path (JSON pasted where a path
 * belongs, a very long or multi-line string) may be a secret, so it is not echoed.
 */
function shownPath(path: string): string {
  return /^[^{\n\r]{1,512}$/.test(path) ? path : "a value that is not a file path (not shown)";
}

/** `~/x` → `$HOME/x`: a path quoted in a shell or written into Pulumi.<stack>.yaml arrives unexpanded. */
export function expandHome(path: string, env: NodeJS.ProcessEnv): string {
  return path === "~" || path.startsWith("~/") ? join(env.HOME || homedir(), path.slice(1)) : path;
}

function fromOptions(
  c: CredentialsOptions,
  read: (p: string) => string | undefined,
  env: NodeJS.ProcessEnv,
): ResolvedCredential | undefined {
  const nameOf = (option: CredentialOptionName): string => c.names?.[option] ?? `credentials.${option}`;
  if (c.accessToken)
    return {
      kind: "access_token",
      source: "options",
      accessToken: headerToken(c.accessToken, nameOf("accessToken")),
    };
  if (c.refreshToken) {
    const missing = (["clientId", "clientSecret"] as const).filter((k) => !c[k]);
    if (missing.length > 0) {
      const missingNames = missing.map((k) => c.names?.[k] ?? k);
      throw new CredentialsError(`${nameOf("refreshToken")} needs ${missingNames.join(" and ")}.`, {
        status: "INVALID_ARGUMENT",
        hint: "Pass the OAuth client ID and secret the refresh token was issued to.",
      });
    }
    return {
      kind: "refresh_token",
      source: "options",
      clientId: c.clientId ?? "",
      clientSecret: c.clientSecret ?? "",
      refreshToken: c.refreshToken,
    };
  }
  if (c.credentialsJson) return parseCredentialsJson(c.credentialsJson, "options", nameOf("credentialsJson"));
  if (c.credentialsFile) {
    const path = expandHome(c.credentialsFile, env);
    const unusable = read === defaultReadFile ? notACredentialsFile(path) : undefined;
    if (unusable) {
      throw new CredentialsError(
        `${nameOf("credentialsFile")} names ${shownPath(path)}, which ${unusable}.`,
        {
          status: "FAILED_PRECONDITION",
          hint: `Point ${nameOf("credentialsFile")} at a credentials JSON file you can read.`,
        },
      );
    }
    const text = readNamed(read, path, nameOf("credentialsFile"));
    if (text === undefined) {
      throw new CredentialsError(
        `${nameOf("credentialsFile")} names ${shownPath(path)}, which does not exist.`,
        {
          status: "NOT_FOUND",
          hint: `Point ${nameOf("credentialsFile")} at an existing credentials file (an absolute path), or create one: ${LOGIN_COMMAND}.`,
        },
      );
    }
    const parsed = parseCredentialsJson(
      text,
      "options",
      `The file ${shownPath(path)} named by ${nameOf("credentialsFile")}`,
    );
    return fromFile(parsed, path, nameOf("credentialsFile"), read);
  }
  return undefined;
}

function findCredential(input: ResolveCredentialsInput): ResolvedCredential {
  const { env } = input;
  const read = input.readFile ?? defaultReadFile;
  const explicit = input.credentials ? fromOptions(input.credentials, read, env) : undefined;
  if (explicit) return explicit;
  if (env.GOOGLE_OAUTH_ACCESS_TOKEN) {
    return {
      kind: "access_token",
      source: "GOOGLE_OAUTH_ACCESS_TOKEN",
      accessToken: headerToken(env.GOOGLE_OAUTH_ACCESS_TOKEN, "GOOGLE_OAUTH_ACCESS_TOKEN"),
    };
  }
  if (env.GOOGLE_CREDENTIALS) {
    return parseCredentialsJson(env.GOOGLE_CREDENTIALS, "GOOGLE_CREDENTIALS", "GOOGLE_CREDENTIALS");
  }
  if (env.GOOGLE_APPLICATION_CREDENTIALS) {
    const text = readNamed(read, env.GOOGLE_APPLICATION_CREDENTIALS, "GOOGLE_APPLICATION_CREDENTIALS");
    if (text === undefined) {
      // Falling through to ADC would silently use someone else's identity; fail instead, like gcloud.
      throw new CredentialsError(
        `GOOGLE_APPLICATION_CREDENTIALS names ${shownPath(env.GOOGLE_APPLICATION_CREDENTIALS)}, which does not exist.`,
        {
          status: "NOT_FOUND",
          hint: "Fix or unset GOOGLE_APPLICATION_CREDENTIALS (an absolute path: `~` is not expanded in environment variables).",
        },
      );
    }
    const parsed = parseCredentialsJson(
      text,
      "GOOGLE_APPLICATION_CREDENTIALS",
      "The file named by GOOGLE_APPLICATION_CREDENTIALS",
    );
    return fromFile(parsed, env.GOOGLE_APPLICATION_CREDENTIALS, "GOOGLE_APPLICATION_CREDENTIALS", read);
  }
  const adc = readNamed(read, gcloudAdcPath(env), "gcloud's application default credentials path");
  if (adc !== undefined) {
    const parsed = parseCredentialsJson(adc, "gcloud-adc", "gcloud's application_default_credentials.json");
    return fromFile(parsed, gcloudAdcPath(env), "gcloud's application default credentials path", read);
  }
  throw new CredentialsNotFoundError("No Google credentials found.", {
    status: "UNAUTHENTICATED",
    hint: LOGIN_HINT,
  });
}

/** A service account's email as a message may show it; anything else is not echoed. */
const SERVICE_ACCOUNT = /^[^@\s/:]{1,100}@[^@\s/:]{1,200}$/;

/** Wraps `found` in an impersonation of the service account named by the option or GOOGLE_IMPERSONATE_SERVICE_ACCOUNT. */
function withImpersonation(found: ResolvedCredential, input: ResolveCredentialsInput): ResolvedCredential {
  const fromOption = input.credentials?.impersonateServiceAccount?.trim();
  const fromEnv = input.env.GOOGLE_IMPERSONATE_SERVICE_ACCOUNT?.trim();
  const serviceAccount = fromOption || fromEnv;
  if (!serviceAccount) return found;
  const origin = fromOption
    ? (input.credentials?.names?.impersonateServiceAccount ?? "credentials.impersonateServiceAccount")
    : "GOOGLE_IMPERSONATE_SERVICE_ACCOUNT";
  if (!SERVICE_ACCOUNT.test(serviceAccount)) {
    throw new CredentialsError(`${origin} is not a service account email.`, {
      status: "INVALID_ARGUMENT",
      hint: `Set ${origin} to the email of the service account to impersonate, e.g. deployer@my-project.iam.gserviceaccount.com.`,
    });
  }
  const { quotaProject, ...via } = found;
  return {
    kind: "impersonated_service_account",
    source: found.source,
    serviceAccount,
    delegates: [],
    origin,
    via,
    ...(quotaProject ? { quotaProject } : {}),
  };
}

/** Resolves the credential and the quota project (option > GOOGLE_CLOUD_QUOTA_PROJECT > file). */
export function resolveCredentials(input: ResolveCredentialsInput): ResolvedCredential {
  const found = withImpersonation(findCredential(input), input);
  const quotaProject = input.quotaProject || input.env.GOOGLE_CLOUD_QUOTA_PROJECT || found.quotaProject;
  const out: ResolvedCredential = { ...found };
  delete out.quotaProject;
  if (quotaProject) out.quotaProject = quotaProject.trim();
  return out;
}

/** What `describeCredentials()` reports: the kind, where it came from and whom it acts as; never a secret. */
export function describe(c: ResolvedCredential): {
  source: CredentialSource;
  kind: CredentialKind;
  principal?: string;
  sourceKind?: CredentialKind;
  workloadIdentityProvider?: string;
  quotaProject?: string;
  warnings?: string[];
} {
  const quota = c.quotaProject ? { quotaProject: c.quotaProject } : {};
  const warnings = c.fileWarnings?.length ? { warnings: [...c.fileWarnings] } : {};
  const base = { source: c.source, kind: c.kind, ...quota, ...warnings };
  if (c.kind === "service_account") return { ...base, principal: c.clientEmail };
  if (c.kind === "impersonated_service_account")
    return { ...base, principal: c.serviceAccount, sourceKind: c.via.kind, ...federation(c.via) };
  if (c.kind === "external_account")
    return {
      ...base,
      ...federation(c),
      ...(c.impersonation ? { principal: c.impersonation.serviceAccount } : {}),
    };
  return base;
}

function federation(c: ResolvedCredential): { workloadIdentityProvider?: string } {
  if (c.kind !== "external_account") return {};
  return { workloadIdentityProvider: c.audience.replace(/^\/\/iam\.googleapis\.com\//, "") };
}

/** The values that must never appear in output (subject and access tokens are added as they are seen). */
export function secretsOf(c: ResolvedCredential): string[] {
  switch (c.kind) {
    case "access_token":
      return [c.accessToken];
    case "authorized_user":
    case "refresh_token":
      return [c.refreshToken, c.clientSecret];
    case "service_account":
      return [c.privateKey];
    case "impersonated_service_account":
      return secretsOf(c.via);
    case "external_account": {
      const headers = "headers" in c.credentialSource ? Object.values(c.credentialSource.headers) : [];
      const bearer = headers.map((h) => h.replace(/^Bearer\s+/i, ""));
      return [...headers, ...bearer, ...(c.clientSecret ? [c.clientSecret] : [])];
    }
  }
}
