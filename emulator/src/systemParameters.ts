import { FieldSelection } from "./fieldSelection";
import type { MessageShape } from "./responseMessages";
import { invalidSystemParameter } from "./rpcErrors";

/**
 * Google's system parameters (https://cloud.google.com/apis/docs/system-parameters) as the Cloud Billing
 * routes take them: every method accepts them besides its own query parameters. Each choice, and its
 * source, is in docs/emulator.md.
 */

/** An access token in the URL instead of the Authorization header; authenticate.ts reads these. */
export const CREDENTIAL_PARAMETERS = ["access_token", "oauth_token"] as const;

/** With their `$` spellings, which exist only to avoid clashing with a method's own parameters. */
const ALT = ["alt", "$alt"];
const FIELDS = ["fields", "$fields"];
const PRETTY_PRINT = ["prettyPrint", "$prettyPrint"];
const ERROR_FORMAT = ["$.xgafv"];

export const SYSTEM_PARAMETERS: ReadonlySet<string> = new Set([
  ...CREDENTIAL_PARAMETERS,
  ...ALT,
  ...FIELDS,
  ...PRETTY_PRINT,
  ...ERROR_FORMAT,
  // Accepted without effect: quota is per consumer project here, API keys and JSONP are not modelled,
  // and the upload parameters only matter to media methods.
  ...["quotaUser", "$quotaUser", "key", "$key", "callback", "$callback", "userIp"],
  ...["upload_protocol", "uploadType"],
]);

/** `alt` values: what the emulator serves, and what Google serves that the emulator does not. */
const JSON_ALT = new Set(["json", "json;enum-encoding=int"]);
const GOOGLE_ONLY_ALT = new Set(["media", "proto", "sse"]);
const ERROR_FORMATS = new Set(["1", "2"]);

/** The one value of a parameter spelled either way, or undefined; more than one is refused. */
function single(query: URLSearchParams, names: readonly string[]): string | undefined {
  const values = names.flatMap((name) => query.getAll(name));
  if (values.length > 1)
    throw invalidSystemParameter(names[0], `System parameter "${names[0]}" may be given only once.`);
  return values[0];
}

/** Google pretty-prints unless `prettyPrint=false`; read before authentication, so it never throws. */
export function wantsPretty(query: URLSearchParams): boolean {
  return PRETTY_PRINT.every((name) => query.get(name) !== "false");
}

/** What the system parameters ask of the response, once they have passed their syntax checks. */
export interface ResponseOptions {
  /** The partial response `fields` asked for; undefined means the whole response. */
  fields: FieldSelection | undefined;
}

/**
 * Checks `alt`, `$.xgafv`, `fields` and repeated `prettyPrint` (the syntax step of the check order) and
 * returns what they ask of a response shaped like `response`. Throws 400 INVALID_ARGUMENT otherwise.
 */
export function readResponseOptions(query: URLSearchParams, response: MessageShape): ResponseOptions {
  const alt = single(query, ALT);
  if (alt !== undefined && !JSON_ALT.has(alt)) {
    throw invalidSystemParameter(
      "alt",
      GOOGLE_ONLY_ALT.has(alt)
        ? `The emulator answers in JSON only; alt=${alt} is not supported.`
        : `Invalid value "${alt}" for system parameter "alt"; the emulator serves only alt=json.`,
    );
  }
  const errorFormat = single(query, ERROR_FORMAT);
  if (errorFormat !== undefined && !ERROR_FORMATS.has(errorFormat))
    throw invalidSystemParameter(
      "$.xgafv",
      `Invalid value "${errorFormat}" for system parameter "$.xgafv"; expected 1 or 2.`,
    );
  single(query, PRETTY_PRINT); // wantsPretty already read its value; here only a repeat is refused
  const fields = single(query, FIELDS);
  return { fields: fields ? FieldSelection.parse(fields, response) : undefined };
}
