/**
 * Defence in depth for everything the drift check prints or writes. The sdk already builds its errors
 * from an allowlist, but engine output, program errors and Pulumi's own messages are text we do not
 * control: any secret the run knows of (secret stack config, credential environment variables, and the
 * token fields inside credential JSON) is replaced before the text reaches a report, a log or a terminal.
 */
import { oneLine } from "../output";

export type Redactor = (text: string) => string;

const MIN_SECRET_CHARS = 6; // shorter values would replace ordinary words
const CREDENTIAL_ENV = ["GOOGLE_OAUTH_ACCESS_TOKEN", "GOOGLE_CREDENTIALS", "GCP_BILLING_LINK_CLIENT_SECRET"];
const JSON_SECRET_FIELDS = ["refresh_token", "client_secret", "access_token", "private_key"];

/** Secret values found in config values marked secret and in the credential environment variables. */
export function knownSecrets(
  config: Readonly<Record<string, { value: string; secret?: boolean }>>,
  env: NodeJS.ProcessEnv,
): string[] {
  const values = Object.values(config)
    .filter((c) => c.secret)
    .map((c) => c.value);
  for (const name of CREDENTIAL_ENV) {
    const v = env[name];
    if (v) values.push(v);
  }
  return [...values, ...values.flatMap(jsonSecretFields)];
}

function jsonSecretFields(value: string): string[] {
  if (!value.trim().startsWith("{")) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== "object" || parsed === null) return [];
    return JSON_SECRET_FIELDS.map((f) => (parsed as Record<string, unknown>)[f]).filter(
      (v): v is string => typeof v === "string",
    );
  } catch {
    return [];
  }
}

export function makeRedactor(secrets: readonly string[]): Redactor {
  // Longest first, so a JSON document is replaced whole before the token inside it.
  const list = [...new Set(secrets.map((s) => s.trim()))]
    .filter((s) => s.length >= MIN_SECRET_CHARS)
    .sort((a, b) => b.length - a.length);
  return (text) => list.reduce((out, secret) => out.split(secret).join("[redacted]"), text);
}

/** Server or engine text as one safe line: no control characters, capped, secrets replaced. */
export function safeLine(text: string, redact: Redactor, maxChars = 600): string {
  return oneLine(redact(text), maxChars);
}
