/**
 * A credential as resolved (credentials.ts), one variant per kind. Every value that is a secret lives in
 * one of these and leaves only through secretsOf() (to the redactor) and the token sources.
 */
import type { FileUrl } from "./endpointPolicy";
import type { CredentialSource } from "./types";

interface Base {
  source: CredentialSource;
  quotaProject?: string;
  /** Things worth telling the user about the file it came from (e.g. readable by others); never secrets. */
  fileWarnings?: string[];
}

export type StaticTokenCredential = Base & { kind: "access_token"; accessToken: string };

export type UserCredential = Base & {
  kind: "authorized_user" | "refresh_token";
  clientId: string;
  clientSecret: string;
  refreshToken: string;
};

export type ServiceAccountKeyCredential = Base & {
  kind: "service_account";
  clientEmail: string;
  privateKey: string;
  privateKeyId?: string;
  /** The file's `token_uri` (endpointPolicy.ts decides whether it may be used). */
  tokenUri?: FileUrl;
};

export type ImpersonatedCredential = Base & {
  kind: "impersonated_service_account";
  serviceAccount: string;
  delegates: string[];
  /** The file's `service_account_impersonation_url`; absent when impersonating through the option. */
  impersonationUrl?: FileUrl;
  /** Names where the service account came from, for messages (a file, or `gcp-billing:impersonateServiceAccount`). */
  origin: string;
  /** The credential that impersonates. */
  via: ResolvedCredential;
};

/** Where an external account's subject token comes from (`credential_source`). */
export type SubjectTokenSource =
  | { file: string; format: SubjectTokenFormat }
  | { url: string; headers: Readonly<Record<string, string>>; format: SubjectTokenFormat };

export type SubjectTokenFormat = { type: "text" } | { type: "json"; field: string };

export type ExternalAccountCredential = Base & {
  kind: "external_account";
  audience: string;
  subjectTokenType: string;
  tokenUrl?: FileUrl;
  credentialSource: SubjectTokenSource;
  impersonation?: { serviceAccount: string; url: FileUrl; lifetimeSeconds?: number };
  clientId?: string;
  clientSecret?: string;
  workforcePoolUserProject?: string;
  /** Where the configuration came from, for messages. */
  where: string;
};

export type ResolvedCredential =
  | StaticTokenCredential
  | UserCredential
  | ServiceAccountKeyCredential
  | ImpersonatedCredential
  | ExternalAccountCredential;
