/** `authorized_user` files: what `gcp-billing-link login` and `gcloud auth application-default login` write. */
import { z } from "zod/v3";
import type { UserCredential } from "../credentialTypes";
import type { CredentialSource } from "../types";
import { checkUniverse, invalidFields } from "./shared";

const AuthorizedUser = z.object({
  type: z.literal("authorized_user"),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  refresh_token: z.string().min(1),
  quota_project_id: z.string().optional(),
  universe_domain: z.string().optional(),
});

export function parseAuthorizedUser(json: unknown, source: CredentialSource, where: string): UserCredential {
  const parsed = AuthorizedUser.safeParse(json);
  if (!parsed.success) {
    throw invalidFields(
      where,
      parsed.error,
      'An authorized_user file needs "type", "client_id", "client_secret" and "refresh_token".',
    );
  }
  const d = parsed.data;
  checkUniverse(where, d.universe_domain);
  return {
    kind: "authorized_user",
    source,
    clientId: d.client_id,
    clientSecret: d.client_secret,
    refreshToken: d.refresh_token,
    ...(d.quota_project_id ? { quotaProject: d.quota_project_id } : {}),
  };
}
