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

/** Both spellings Google documents; the `$` form avoids clashing with a method's own parameters. */
const FIELDS = ["fields", "$fields"];

export const SYSTEM_PARAMETERS: ReadonlySet<string> = new Set([
  ...CREDENTIAL_PARAMETERS,
  ...FIELDS,
  // Accepted without effect, for now.
  ...["alt", "prettyPrint", "key", "quotaUser", "$.xgafv", "callback", "userIp"],
  ...["upload_protocol", "uploadType"],
]);

/** The one value of a parameter spelled either way, or undefined; more than one is refused. */
function single(query: URLSearchParams, names: readonly string[]): string | undefined {
  const values = names.flatMap((name) => query.getAll(name));
  if (values.length > 1)
    throw invalidSystemParameter(names[0], `System parameter "${names[0]}" may be given only once.`);
  return values[0];
}

/** Google pretty-prints unless `prettyPrint=false`; read before authentication, so it never throws. */
export function wantsPretty(query: URLSearchParams): boolean {
  return query.get("prettyPrint") !== "false";
}

/** What the system parameters ask of the response, once they have passed their syntax checks. */
export interface ResponseOptions {
  /** The partial response `fields` asked for; undefined means the whole response. */
  fields: FieldSelection | undefined;
}

/**
 * Checks `fields` (the syntax step of the check order) and returns what it asks of a response shaped like
 * `response`. Throws 400 INVALID_ARGUMENT otherwise.
 */
export function readResponseOptions(query: URLSearchParams, response: MessageShape): ResponseOptions {
  const fields = single(query, FIELDS);
  return { fields: fields ? FieldSelection.parse(fields, response) : undefined };
}
