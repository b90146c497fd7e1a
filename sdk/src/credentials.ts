/**
 * Finds the credential to use, in the documented order (docs/credentials.md), first match wins:
 *   explicit options → GOOGLE_OAUTH_ACCESS_TOKEN → GOOGLE_CREDENTIALS (JSON contents) →
 *   GOOGLE_APPLICATION_CREDENTIALS (file) → gcloud's ADC file ($CLOUDSDK_CONFIG or ~/.config/gcloud).
 * The metadata server is never asked: this sdk is for user credentials on workstations and CI.
 *
 * We read `authorized_user` JSON ourselves rather than through google-auth-library's `fromJSON`, which
 * cannot carry custom endpoints and overwrites the quota project (docs/oauth.md §4.1).
 * Error messages name the missing field or the source, never a value.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { CredentialsError, CredentialsNotFoundError } from "./errors";
import type { CredentialKind, CredentialOptionName, CredentialSource, CredentialsOptions } from "./types";

export type ResolvedCredential =
  | { kind: "access_token"; source: CredentialSource; accessToken: string; quotaProject?: string }
  | {
      kind: "authorized_user" | "refresh_token";
      source: CredentialSource;
      clientId: string;
      clientSecret: string;
      refreshToken: string;
      quotaProject?: string;
    };

export interface ResolveCredentialsInput {
  credentials?: CredentialsOptions;
  quotaProject?: string;
  env: NodeJS.ProcessEnv;
  /** Injectable for tests; defaults to reading UTF-8 from disk. Returns undefined if the file is absent. */
  readFile?: (path: string) => string | undefined;
}

const AuthorizedUser = z.object({
  type: z.literal("authorized_user"),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  refresh_token: z.string().min(1),
  quota_project_id: z.string().optional(),
});

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
      hint: `Point ${name} at an authorized_user JSON file you can read.`,
    });
  }
}

/** gcloud's config directory: $CLOUDSDK_CONFIG, else %APPDATA%\gcloud on Windows, else ~/.config/gcloud. */
export function gcloudAdcPath(env: NodeJS.ProcessEnv): string {
  if (env.CLOUDSDK_CONFIG) return join(env.CLOUDSDK_CONFIG, "application_default_credentials.json");
  if (process.platform === "win32" && env.APPDATA)
    return join(env.APPDATA, "gcloud", "application_default_credentials.json");
  return join(env.HOME || homedir(), ".config", "gcloud", "application_default_credentials.json");
}

/** Parses `authorized_user` JSON; `where` names the source in errors (never the contents). */
export function parseAuthorizedUserJson(
  text: string,
  source: CredentialSource,
  where: string,
): Extract<ResolvedCredential, { refreshToken: string }> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CredentialsError(`${where} is not valid JSON.`, {
      status: "INVALID_ARGUMENT",
      hint: "Provide an authorized_user JSON file, e.g. the one `gcp-billing-link login` writes.",
    });
  }
  const typeField = z.object({ type: z.string() }).safeParse(json);
  if (typeField.success && typeField.data.type !== "authorized_user") {
    // Show the type only if it is a plain identifier; it is not a secret but may be anything.
    const shown = /^[a-z_]{1,40}$/.test(typeField.data.type)
      ? `"${typeField.data.type}"`
      : "an unsupported type";
    throw new CredentialsError(
      `${where} has type ${shown}; only "authorized_user" credentials are supported.`,
      {
        status: "INVALID_ARGUMENT",
        hint: "Use user credentials (`gcp-billing-link login` or `gcloud auth application-default login`) or a static access token.",
      },
    );
  }
  const parsed = AuthorizedUser.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? "type")))].join(", ");
    throw new CredentialsError(`${where} is missing or has an invalid ${fields} field.`, {
      status: "INVALID_ARGUMENT",
      hint: 'An authorized_user file needs "type", "client_id", "client_secret" and "refresh_token".',
    });
  }
  const d = parsed.data;
  return {
    kind: "authorized_user",
    source,
    clientId: d.client_id,
    clientSecret: d.client_secret,
    refreshToken: d.refresh_token,
    ...(d.quota_project_id ? { quotaProject: d.quota_project_id } : {}),
  };
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
  if (c.accessToken) return { kind: "access_token", source: "options", accessToken: c.accessToken };
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
  if (c.credentialsJson)
    return parseAuthorizedUserJson(c.credentialsJson, "options", nameOf("credentialsJson"));
  if (c.credentialsFile) {
    const path = expandHome(c.credentialsFile, env);
    const text = readNamed(read, path, nameOf("credentialsFile"));
    if (text === undefined) {
      throw new CredentialsError(
        `${nameOf("credentialsFile")} names ${shownPath(path)}, which does not exist.`,
        {
          status: "NOT_FOUND",
          hint: `Point ${nameOf("credentialsFile")} at an existing authorized_user file (an absolute path), or create one: ${LOGIN_COMMAND}.`,
        },
      );
    }
    return parseAuthorizedUserJson(
      text,
      "options",
      `The file ${shownPath(path)} named by ${nameOf("credentialsFile")}`,
    );
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
      accessToken: env.GOOGLE_OAUTH_ACCESS_TOKEN.trim(),
    };
  }
  if (env.GOOGLE_CREDENTIALS) {
    return parseAuthorizedUserJson(env.GOOGLE_CREDENTIALS, "GOOGLE_CREDENTIALS", "GOOGLE_CREDENTIALS");
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
    return parseAuthorizedUserJson(
      text,
      "GOOGLE_APPLICATION_CREDENTIALS",
      "The file named by GOOGLE_APPLICATION_CREDENTIALS",
    );
  }
  const adc = readNamed(read, gcloudAdcPath(env), "gcloud's application default credentials path");
  if (adc !== undefined)
    return parseAuthorizedUserJson(adc, "gcloud-adc", "gcloud's application_default_credentials.json");
  throw new CredentialsNotFoundError("No Google credentials found.", {
    status: "UNAUTHENTICATED",
    hint: LOGIN_HINT,
  });
}

/** Resolves the credential and the quota project (option > GOOGLE_CLOUD_QUOTA_PROJECT > file). */
export function resolveCredentials(input: ResolveCredentialsInput): ResolvedCredential {
  const found = findCredential(input);
  const quotaProject = input.quotaProject || input.env.GOOGLE_CLOUD_QUOTA_PROJECT || found.quotaProject;
  const out: ResolvedCredential = { ...found };
  delete out.quotaProject;
  if (quotaProject) out.quotaProject = quotaProject.trim();
  return out;
}

export function describe(c: ResolvedCredential): {
  source: CredentialSource;
  kind: CredentialKind;
  quotaProject?: string;
} {
  return { source: c.source, kind: c.kind, ...(c.quotaProject ? { quotaProject: c.quotaProject } : {}) };
}

/** The values that must never appear in output. */
export function secretsOf(c: ResolvedCredential): string[] {
  return c.kind === "access_token" ? [c.accessToken] : [c.refreshToken, c.clientSecret];
}
