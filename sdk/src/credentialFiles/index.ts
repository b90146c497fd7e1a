/**
 * Credentials JSON of every supported kind, dispatched on `type`. google-auth-library's `fromJSON` is not
 * used: it cannot carry our endpoints or transporter, and it hands an unknown `type` to the service
 * account client (docs/conventions.md). Errors name the source and the field, never a value.
 */
import { z } from "zod/v3";
import type { ResolvedCredential } from "../credentialTypes";
import { CredentialsError } from "../errors";
import type { CredentialSource } from "../types";
import { parseAuthorizedUser } from "./authorizedUser";
import { parseExternalAccount } from "./externalAccount";
import { parseImpersonated } from "./impersonatedServiceAccount";
import { parseServiceAccountKey } from "./serviceAccountKey";
import { shownType } from "./shared";

export const SUPPORTED_TYPES = [
  "authorized_user",
  "impersonated_service_account",
  "external_account",
  "service_account",
] as const;

const KINDS_HINT =
  "Use user credentials (`gcp-billing-link login` or `gcloud auth application-default login`), an impersonated_service_account or external_account (workload identity federation) file, or, least recommended, a service_account key.";

/** Parses credentials JSON already read from `where`. */
export function parseCredentialsObject(
  json: unknown,
  source: CredentialSource,
  where: string,
): ResolvedCredential {
  const typed = z.object({ type: z.string() }).safeParse(json);
  const type = typed.success ? typed.data.type : undefined;
  switch (type) {
    case "authorized_user":
      return parseAuthorizedUser(json, source, where);
    case "service_account":
      return parseServiceAccountKey(json, source, where);
    case "external_account":
      return parseExternalAccount(json, source, where);
    case "impersonated_service_account":
      return parseImpersonated(json, source, where, (inner, innerWhere) =>
        parseCredentialsObject(inner, source, innerWhere),
      );
    case undefined:
      throw new CredentialsError(`${where} is missing or has an invalid type field.`, {
        status: "INVALID_ARGUMENT",
        hint: `A credentials file has a "type": one of ${SUPPORTED_TYPES.join(", ")}.`,
      });
    default:
      throw new CredentialsError(
        `${where} has type ${shownType(type)}; supported types are ${SUPPORTED_TYPES.join(", ")}.`,
        { status: "INVALID_ARGUMENT", hint: KINDS_HINT },
      );
  }
}

/** Parses credentials JSON text; `where` names the source in errors (never the contents). */
export function parseCredentialsJson(
  text: string,
  source: CredentialSource,
  where: string,
): ResolvedCredential {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CredentialsError(`${where} is not valid JSON.`, {
      status: "INVALID_ARGUMENT",
      hint: "Provide a credentials JSON file, e.g. the one `gcp-billing-link login` writes.",
    });
  }
  return parseCredentialsObject(json, source, where);
}
