/**
 * `service_account` key files, as the console or `gcloud iam service-accounts keys create` writes them
 * (https://cloud.google.com/iam/docs/keys-create-delete). The least recommended kind: a long-lived private
 * key that anyone holding the file can use. Prefer workload identity federation or impersonation.
 */
import { z } from "zod/v3";
import type { ServiceAccountKeyCredential } from "../credentialTypes";
import type { CredentialSource } from "../types";
import { checkUniverse, invalidFields } from "./shared";

const ServiceAccountKey = z.object({
  type: z.literal("service_account"),
  client_email: z.string().regex(/^[^@\s]+@[^@\s]+$/),
  private_key: z.string().includes("PRIVATE KEY-----"),
  private_key_id: z.string().min(1).optional(),
  token_uri: z.string().optional(),
  quota_project_id: z.string().optional(),
  universe_domain: z.string().optional(),
});

export function parseServiceAccountKey(
  json: unknown,
  source: CredentialSource,
  where: string,
): ServiceAccountKeyCredential {
  const parsed = ServiceAccountKey.safeParse(json);
  if (!parsed.success) {
    throw invalidFields(
      where,
      parsed.error,
      'A service_account key file needs "client_email" and "private_key" (a PEM private key), as Google issues it.',
    );
  }
  const d = parsed.data;
  checkUniverse(where, d.universe_domain);
  return {
    kind: "service_account",
    source,
    clientEmail: d.client_email,
    privateKey: d.private_key,
    ...(d.private_key_id ? { privateKeyId: d.private_key_id } : {}),
    ...(d.token_uri ? { tokenUri: { url: d.token_uri, field: "token_uri", where } } : {}),
    ...(d.quota_project_id ? { quotaProject: d.quota_project_id } : {}),
  };
}
