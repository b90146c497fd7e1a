/**
 * What the sdk learns from an external account's subject token without trusting it: where it came from
 * (for messages), and its `exp` and `sub` claims when it is a JWT (an expired token gets a precise hint;
 * `sub` is what a federated identity is called, which doctor shows). Nothing is verified here: the STS
 * checks the token, and the sdk sends it whatever these say.
 */
import { existsSync } from "node:fs";
import { z } from "zod/v3";
import type { ExternalAccountCredential } from "../credentialTypes";
import { midSentence } from "../endpointPolicy";
import { CredentialsError } from "../errors";

export function describeSubjectSource(cred: ExternalAccountCredential): string {
  const cs = cred.credentialSource;
  return "file" in cs
    ? `the file ${cs.file} named by credential_source.file in ${midSentence(cred.where)}`
    : `credential_source.url in ${midSentence(cred.where)}`;
}

const Claims = z.object({ exp: z.number().optional(), sub: z.string().max(300).optional() });

/** The `exp` (ms) and `sub` of a JWT subject token; nothing for other token types. */
export function peekClaims(token: string): { expiresAtMs?: number; subject?: string } {
  const payload = token.split(".")[1];
  if (!payload) return {};
  try {
    const claims = Claims.safeParse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
    if (!claims.success) return {};
    return {
      ...(claims.data.exp !== undefined ? { expiresAtMs: claims.data.exp * 1000 } : {}),
      ...(claims.data.sub !== undefined ? { subject: claims.data.sub } : {}),
    };
  } catch {
    return {};
  }
}

/** The subject token could not be had from its source, said without the library's wording. */
export function unreadableSubjectToken(cred: ExternalAccountCredential): CredentialsError {
  const cs = cred.credentialSource;
  const field = cs.format.type === "json" ? ` (field ${cs.format.field})` : "";
  if ("file" in cs && !existsSync(cs.file)) {
    return new CredentialsError(
      `The OIDC token file ${cs.file} named by credential_source.file in ${midSentence(cred.where)} does not exist.`,
      {
        status: "NOT_FOUND",
        hint: "Write the identity provider's token to that file before running Pulumi (in GitHub Actions, google-github-actions/auth writes a url-sourced file instead; see docs/pipeline-identities.md).",
      },
    );
  }
  const source = describeSubjectSource(cred);
  return new CredentialsError(`${source[0].toUpperCase()}${source.slice(1)} gave no subject token${field}.`, {
    status: "INVALID_ARGUMENT",
    hint: "Check that the source holds the OIDC token in the format the file says (credential_source.format).",
  });
}
