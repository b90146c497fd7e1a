/**
 * `impersonated_service_account` files: what `gcloud auth application-default login
 * --impersonate-service-account SA` writes (source credentials plus the service account to impersonate).
 */
import { z } from "zod/v3";
import type { ImpersonatedCredential, ResolvedCredential } from "../credentialTypes";
import type { CredentialSource } from "../types";
import { midSentence } from "../endpointPolicy";
import { checkUniverse, invalidFields, unsupported } from "./shared";

const Impersonated = z.object({
  type: z.literal("impersonated_service_account"),
  service_account_impersonation_url: z.string().min(1),
  source_credentials: z.object({ type: z.string() }).passthrough(),
  delegates: z.array(z.string()).optional(),
  quota_project_id: z.string().optional(),
  universe_domain: z.string().optional(),
});

/** The service account named by a generateAccessToken URL, or undefined. */
export function serviceAccountOfUrl(url: string): string | undefined {
  const m = /\/serviceAccounts\/([^/:]+):generateAccessToken$/.exec(url);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
}

/** IAM names delegates `projects/-/serviceAccounts/EMAIL`; files may list bare emails. */
export function delegateName(delegate: string): string {
  return delegate.startsWith("projects/") ? delegate : `projects/-/serviceAccounts/${delegate}`;
}

export function parseImpersonated(
  json: unknown,
  source: CredentialSource,
  where: string,
  parseSource: (json: unknown, where: string) => ResolvedCredential,
): ImpersonatedCredential {
  const parsed = Impersonated.safeParse(json);
  if (!parsed.success) {
    throw invalidFields(
      where,
      parsed.error,
      'An impersonated_service_account file needs "service_account_impersonation_url" and "source_credentials", as gcloud writes it.',
    );
  }
  const d = parsed.data;
  checkUniverse(where, d.universe_domain);
  const serviceAccount = serviceAccountOfUrl(d.service_account_impersonation_url);
  if (!serviceAccount) {
    throw unsupported(
      where,
      "has a service_account_impersonation_url that is not an IAM Credentials generateAccessToken URL",
      "Use https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/EMAIL:generateAccessToken.",
    );
  }
  if (d.source_credentials.type === "impersonated_service_account")
    throw unsupported(where, "impersonates through another impersonation", "Use delegates instead.");
  return {
    kind: "impersonated_service_account",
    source,
    serviceAccount,
    delegates: (d.delegates ?? []).map(delegateName),
    impersonationUrl: {
      url: d.service_account_impersonation_url,
      field: "service_account_impersonation_url",
      where,
    },
    origin: where,
    via: parseSource(d.source_credentials, `source_credentials in ${midSentence(where)}`),
    ...(d.quota_project_id ? { quotaProject: d.quota_project_id } : {}),
  };
}
