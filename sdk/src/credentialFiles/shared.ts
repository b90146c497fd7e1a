/** What the credential file parsers share: JSON reading and field errors that name fields, never values. */
import type { z } from "zod/v3";
import { CredentialsError } from "../errors";

/** The fields zod found missing or invalid, by name only. */
export function fieldsOf(error: z.ZodError): string {
  return [...new Set(error.issues.map((i) => i.path.map(String).join(".") || "type"))].join(", ");
}

export function invalidFields(where: string, error: z.ZodError, hint: string): CredentialsError {
  return new CredentialsError(`${where} is missing or has an invalid ${fieldsOf(error)} field.`, {
    status: "INVALID_ARGUMENT",
    hint,
  });
}

/** A file's `type`, shown only when it is a plain identifier: it is not a secret but may be anything. */
export function shownType(type: string): string {
  return /^[a-z_]{1,40}$/.test(type) ? `"${type}"` : "an unsupported type";
}

export function unsupported(where: string, what: string, hint: string): CredentialsError {
  return new CredentialsError(`${where} ${what}, which gcp-billing-link does not support.`, {
    status: "INVALID_ARGUMENT",
    hint,
  });
}

/** Google's only universe so far; a file for another one would send tokens to endpoints we do not check. */
export function checkUniverse(where: string, universe: string | undefined): void {
  if (universe !== undefined && universe !== "googleapis.com")
    throw unsupported(
      where,
      `is for universe domain ${/^[a-z0-9.-]{1,100}$/.test(universe) ? `"${universe}"` : "(not shown)"}`,
      "Use a credential for googleapis.com.",
    );
}
