/**
 * `external_account` files for workload identity federation with an OIDC provider: what
 * `gcloud iam workload-identity-pools create-cred-config` and google-github-actions/auth write
 * (https://google.aip.dev/auth/4117). The subject token comes from a file or a URL; AWS, executable and
 * certificate sources are refused by name.
 */
import { z } from "zod/v3";
import type { ExternalAccountCredential, SubjectTokenSource } from "../credentialTypes";
import type { CredentialSource } from "../types";
import { serviceAccountOfUrl } from "./impersonatedServiceAccount";
import { checkUniverse, invalidFields, unsupported } from "./shared";

const Format = z
  .object({
    type: z.enum(["text", "json"]).default("text"),
    subject_token_field_name: z.string().min(1).optional(),
  })
  .refine((f) => f.type === "text" || f.subject_token_field_name !== undefined, {
    path: ["subject_token_field_name"],
  });

const CredentialSourceSchema = z
  .object({
    file: z.string().min(1).optional(),
    url: z.string().url().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    format: Format.optional(),
  })
  .passthrough();

const ExternalAccount = z.object({
  type: z.literal("external_account"),
  audience: z.string().min(1),
  subject_token_type: z.string().min(1),
  token_url: z.string().optional(),
  credential_source: CredentialSourceSchema,
  service_account_impersonation_url: z.string().optional(),
  service_account_impersonation: z
    .object({ token_lifetime_seconds: z.number().int().min(600).max(43200).optional() })
    .optional(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
  workforce_pool_user_project: z.string().optional(),
  quota_project_id: z.string().optional(),
  universe_domain: z.string().optional(),
});

const REFUSED_SOURCES: ReadonlyArray<[string, string]> = [
  ["environment_id", "an AWS credential source (environment_id)"],
  ["executable", "an executable credential source"],
  ["certificate", "an X.509 certificate credential source"],
];

function subjectTokenSource(cs: z.infer<typeof CredentialSourceSchema>, where: string): SubjectTokenSource {
  for (const [key, what] of REFUSED_SOURCES) {
    if (key in cs)
      throw unsupported(where, `uses ${what}`, "Use an OIDC provider whose token is in a file or at a URL.");
  }
  const f = cs.format ?? { type: "text" as const };
  const format =
    f.type === "json"
      ? { type: "json" as const, field: f.subject_token_field_name ?? "" }
      : { type: "text" as const };
  if (cs.file && !cs.url) return { file: cs.file, format };
  if (cs.url && !cs.file) return { url: cs.url, headers: cs.headers ?? {}, format };
  throw unsupported(
    where,
    "has a credential_source with neither or both of file and url",
    "Name exactly one.",
  );
}

function impersonationOf(
  d: z.infer<typeof ExternalAccount>,
  where: string,
): ExternalAccountCredential["impersonation"] {
  const url = d.service_account_impersonation_url;
  if (url === undefined) return undefined;
  const serviceAccount = serviceAccountOfUrl(url);
  if (!serviceAccount)
    throw unsupported(
      where,
      "has a service_account_impersonation_url that is not an IAM Credentials generateAccessToken URL",
      "Use https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/EMAIL:generateAccessToken.",
    );
  const lifetimeSeconds = d.service_account_impersonation?.token_lifetime_seconds;
  return {
    serviceAccount,
    url: { url, field: "service_account_impersonation_url", where },
    ...(lifetimeSeconds !== undefined ? { lifetimeSeconds } : {}),
  };
}

export function parseExternalAccount(
  json: unknown,
  source: CredentialSource,
  where: string,
): ExternalAccountCredential {
  const parsed = ExternalAccount.safeParse(json);
  if (!parsed.success)
    throw invalidFields(
      where,
      parsed.error,
      'An external_account file needs "audience", "subject_token_type" and "credential_source" (file or url).',
    );
  const d = parsed.data;
  checkUniverse(where, d.universe_domain);
  const impersonation = impersonationOf(d, where);
  return {
    kind: "external_account",
    source,
    audience: d.audience,
    subjectTokenType: d.subject_token_type,
    credentialSource: subjectTokenSource(d.credential_source, where),
    where,
    ...(d.token_url ? { tokenUrl: { url: d.token_url, field: "token_url", where } } : {}),
    ...(impersonation ? { impersonation } : {}),
    ...(d.client_id ? { clientId: d.client_id } : {}),
    ...(d.client_secret ? { clientSecret: d.client_secret } : {}),
    ...(d.workforce_pool_user_project ? { workforcePoolUserProject: d.workforce_pool_user_project } : {}),
    ...(d.quota_project_id ? { quotaProject: d.quota_project_id } : {}),
  };
}
