// Malformed `gcp-billing:*` stack config and broken credentials files, and what the preview must say
// about each. tests/e2e/brokenCredentials.test.ts covers a missing file, a missing
// GOOGLE_APPLICATION_CREDENTIALS file, a misspelt type and a read-only token: these are the others.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ALICE_REFRESH_TOKEN, authorizedUserJson } from "../../support/billingStack";

/** `text` as a regular expression that matches it literally. */
export function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export interface BadConfigValue {
  key: string;
  value: string;
  /** What the preview must print: names the key. */
  says: RegExp;
}

const positive = (key: string, value: string): BadConfigValue => ({
  key: `gcp-billing:${key}`,
  value,
  says: new RegExp(`gcp-billing:${key} must be a positive number[^\\n]*, got "${escape(value)}"`),
});
const url = (key: string, value: string): BadConfigValue => ({
  key: `gcp-billing:${key}`,
  value,
  says: new RegExp(`gcp-billing:${key} must be an absolute http\\(s\\) URL, got "${escape(value)}"`),
});

export const BAD_CONFIG: BadConfigValue[] = [
  positive("requestsPerMinute", "abc"),
  positive("requestsPerMinute", "-1"),
  positive("requestsPerMinute", "0"),
  positive("requestTimeoutSeconds", "-5"),
  positive("requestTimeoutSeconds", "0.0001"),
  positive("operationTimeoutSeconds", "Infinity"),
  positive("operationTimeoutSeconds", "3000000"),
  url("apiEndpoint", "not a url"),
  url("apiEndpoint", "127.0.0.1:8085"),
  url("oauthTokenUrl", "ftp://127.0.0.1/token"),
  url("stsTokenUrl", "javascript:alert(1)"),
  url("iamCredentialsEndpoint", "file:///etc/passwd"),
  {
    key: "gcp-billing:quotaProject",
    value: "projects/demo-app-prod",
    says: /gcp-billing:quotaProject must be a project ID or number[^\n]*, got "projects\/demo-app-prod"/,
  },
  {
    key: "gcp-billing:quotaProject",
    value: "Demo App",
    says: /gcp-billing:quotaProject must be a project ID or number[^\n]*, got "Demo App"/,
  },
  {
    key: "gcp-billing:preflight",
    value: "yes",
    says: /gcp-billing:preflight must be "true" or "false", got "yes"/,
  },
];

/** Rows grouped so that no key appears twice in a group: one preview reports a whole group. */
export function batchesByKey(rows: readonly BadConfigValue[]): BadConfigValue[][] {
  const batches: BadConfigValue[][] = [];
  for (const row of rows) {
    const free = batches.find((b) => !b.some((r) => r.key === row.key));
    if (free) free.push(row);
    else batches.push([row]);
  }
  return batches;
}

/** The start of alice's refresh token that the truncated file keeps: it must not be echoed either. */
export const TRUNCATED_TOKEN = ALICE_REFRESH_TOKEN.slice(0, 12);

/** A secret typed into gcp-billing:accessToken or refreshToken: refused, and never echoed. */
export const TYPED_TOKEN = "typed-access-token-0123";

export interface BadCredentials {
  what: string;
  key: string;
  /** Secret config (inline JSON must be); a path is plain config. */
  secret?: boolean;
  /** Writes what the row needs under `dir` and returns the config value. */
  value(dir: string): string;
  /** What the preview must print, given the value. */
  says(value: string): RegExp;
}

function file(dir: string, name: string, text: string): string {
  const out = path.join(dir, name);
  fs.writeFileSync(out, text, { mode: 0o600 });
  return out;
}

const ALICE = JSON.parse(authorizedUserJson(ALICE_REFRESH_TOKEN)) as Record<string, string>;
const namedFile = (value: string): string => `The file ${escape(value)} named by gcp-billing:credentials`;

export const BAD_CREDENTIALS: BadCredentials[] = [
  {
    what: "a file of another type",
    key: "gcp-billing:credentials",
    value: (dir) => file(dir, "other-type.json", JSON.stringify({ ...ALICE, type: "gcloud_user" })),
    says: (v) => new RegExp(`${namedFile(v)} has type "gcloud_user"; supported types are authorized_user, `),
  },
  {
    what: "a type that is not a string",
    key: "gcp-billing:credentials",
    value: (dir) => file(dir, "numeric-type.json", JSON.stringify({ ...ALICE, type: 42 })),
    says: (v) => new RegExp(`${namedFile(v)} is missing or has an invalid type field`),
  },
  {
    what: "no type",
    key: "gcp-billing:credentials",
    value: (dir) => file(dir, "no-type.json", JSON.stringify({ ...ALICE, type: undefined })),
    says: (v) => new RegExp(`${namedFile(v)} is missing or has an invalid type field`),
  },
  {
    what: "truncated JSON, cut inside the refresh token",
    key: "gcp-billing:credentials",
    value: (dir) => {
      const json = authorizedUserJson(ALICE_REFRESH_TOKEN);
      return file(
        dir,
        "truncated.json",
        json.slice(0, json.indexOf(TRUNCATED_TOKEN) + TRUNCATED_TOKEN.length),
      );
    },
    says: (v) => new RegExp(`${namedFile(v)} is not valid JSON`),
  },
  {
    what: "an empty file",
    key: "gcp-billing:credentials",
    value: (dir) => file(dir, "empty.json", ""),
    says: (v) => new RegExp(`${namedFile(v)} is not valid JSON`),
  },
  {
    what: "a JSON array",
    key: "gcp-billing:credentials",
    value: (dir) => file(dir, "array.json", JSON.stringify([ALICE])),
    says: (v) => new RegExp(`${namedFile(v)} is missing or has an invalid type field`),
  },
  {
    what: "an authorized_user file without its refresh token",
    key: "gcp-billing:credentials",
    value: (dir) => file(dir, "no-token.json", JSON.stringify({ ...ALICE, refresh_token: "" })),
    says: (v) => new RegExp(`${namedFile(v)} is missing or has an invalid refresh_token field`),
  },
  {
    what: "a directory",
    key: "gcp-billing:credentials",
    value: (dir) => {
      const out = path.join(dir, "credentials.d");
      fs.mkdirSync(out);
      return out;
    },
    says: (v) => new RegExp(`gcp-billing:credentials names ${escape(v)}, which is a directory, not a file`),
  },
  {
    // Read, it would block the provider for good: the preview would hang instead of failing.
    what: "a named pipe with no writer",
    key: "gcp-billing:credentials",
    value: (dir) => {
      const out = path.join(dir, "credentials.pipe");
      execFileSync("mkfifo", [out]);
      return out;
    },
    says: (v) => new RegExp(`gcp-billing:credentials names ${escape(v)}, which is not a regular file`),
  },
  {
    what: "a device that never ends",
    key: "gcp-billing:credentials",
    value: () => "/dev/zero",
    says: () => /gcp-billing:credentials names \/dev\/zero, which is not a regular file/,
  },
  {
    what: "inline JSON, truncated",
    key: "gcp-billing:credentials",
    secret: true,
    value: () => authorizedUserJson(ALICE_REFRESH_TOKEN).slice(0, 40),
    says: () => /gcp-billing:credentials is not valid JSON/,
  },
  {
    what: "a static access token with a second line pasted along",
    key: "gcp-billing:accessToken",
    secret: true,
    value: () => `ya29.${TYPED_TOKEN}\nX-Other: 1`,
    says: () => /gcp-billing:accessToken is not an access token: it contains spaces, line breaks/,
  },
  {
    what: "a refresh token without the client it was issued to",
    key: "gcp-billing:refreshToken",
    secret: true,
    value: () => `1//${TYPED_TOKEN}`,
    says: () => /gcp-billing:refreshToken needs gcp-billing:clientId and gcp-billing:clientSecret/,
  },
  {
    what: "a service account to impersonate that is not an email",
    key: "gcp-billing:impersonateServiceAccount",
    value: () => "deployer at my-project",
    says: () => /gcp-billing:impersonateServiceAccount is not a service account email/,
  },
];

/** A working authorized_user file that others may read (0644, whatever the umask). */
export function looseCredentialsFile(dir: string, json: string): string {
  const out = path.join(dir, "loose.json");
  fs.writeFileSync(out, json);
  fs.chmodSync(out, 0o644);
  return out;
}
