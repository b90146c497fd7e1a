/**
 * Finds the credential to use, in the documented order (docs/credentials.md), first match wins:
 *   explicit options → GOOGLE_OAUTH_ACCESS_TOKEN → GOOGLE_CREDENTIALS (JSON contents) →
 *   GOOGLE_APPLICATION_CREDENTIALS (file) → gcloud's ADC file ($CLOUDSDK_CONFIG or ~/.config/gcloud).
 * The metadata server is never asked: this sdk is for user credentials on workstations and CI.
 *
 * We read `authorized_user` JSON ourselves rather than through google-auth-library's `fromJSON`, which
 * cannot carry custom endpoints and overwrites the quota project (oauth-and-credentials.md §4.1).
 * Error messages name the missing field or the source, never a value.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { CredentialsError } from "./errors";
import type { CredentialKind, CredentialSource, CredentialsOptions } from "./types";

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

const LOGIN_HINT =
  "Run `gcp-billing-link login` (or `gcloud auth application-default login`), or set GOOGLE_OAUTH_ACCESS_TOKEN, GOOGLE_CREDENTIALS or GOOGLE_APPLICATION_CREDENTIALS.";

function defaultReadFile(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    if (e instanceof Error && "code" in e && e.code === "ENOENT") return undefined;
    throw new CredentialsError(`Could not read the credentials file (${errorCode(e)}).`, {
      status: "FAILED_PRECONDITION",
      hint: "Check the file's path and permissions.",
    });
  }
}

function errorCode(e: unknown): string {
  return e instanceof Error && "code" in e && typeof e.code === "string" ? e.code : "read error";
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

function fromOptions(
  c: CredentialsOptions,
  read: (p: string) => string | undefined,
): ResolvedCredential | undefined {
  if (c.accessToken) return { kind: "access_token", source: "options", accessToken: c.accessToken };
  if (c.refreshToken) {
    const missing = (["clientId", "clientSecret"] as const).filter((k) => !c[k]);
    if (missing.length > 0) {
      throw new CredentialsError(`credentials.refreshToken needs ${missing.join(" and ")}.`, {
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
    return parseAuthorizedUserJson(c.credentialsJson, "options", "credentials.credentialsJson");
  if (c.credentialsFile) {
    const text = read(c.credentialsFile);
    if (text === undefined) {
      throw new CredentialsError("The file named by credentials.credentialsFile does not exist.", {
        status: "NOT_FOUND",
        hint: LOGIN_HINT,
      });
    }
    return parseAuthorizedUserJson(text, "options", "The file named by credentials.credentialsFile");
  }
  return undefined;
}

function findCredential(input: ResolveCredentialsInput): ResolvedCredential {
  const { env } = input;
  const read = input.readFile ?? defaultReadFile;
  const explicit = input.credentials ? fromOptions(input.credentials, read) : undefined;
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
    const text = read(env.GOOGLE_APPLICATION_CREDENTIALS);
    if (text === undefined) {
      // Falling through to ADC would silently use someone else's identity; fail instead, like gcloud.
      throw new CredentialsError("The file named by GOOGLE_APPLICATION_CREDENTIALS does not exist.", {
        status: "NOT_FOUND",
        hint: "Fix or unset GOOGLE_APPLICATION_CREDENTIALS.",
      });
    }
    return parseAuthorizedUserJson(
      text,
      "GOOGLE_APPLICATION_CREDENTIALS",
      "The file named by GOOGLE_APPLICATION_CREDENTIALS",
    );
  }
  const adc = read(gcloudAdcPath(env));
  if (adc !== undefined)
    return parseAuthorizedUserJson(adc, "gcloud-adc", "gcloud's application_default_credentials.json");
  throw new CredentialsError("No Google credentials found.", { status: "UNAUTHENTICATED", hint: LOGIN_HINT });
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
