/**
 * Where a credential's tokens may be sent. A credentials file names URLs (`token_url`, `token_uri`,
 * `service_account_impersonation_url`), and a file can come from anywhere: a CI step, a teammate, a
 * pasted secret. google-auth-library no longer checks them ("does not validate the credential
 * configuration … validate it before using it": its Impersonated and external account docs, and
 * https://cloud.google.com/docs/authentication/external/externally-sourced-credentials); golang/oauth2 and
 * google-auth-library-python used to accept only Google hosts. The sdk keeps that rule, with one escape:
 *
 *   1. an endpoint set explicitly (option or GCP_BILLING_LINK_* variable) wins over the file's URL;
 *   2. otherwise the file's URL is used only if it is a Google endpoint of the right service (https, the
 *      host patterns below); anything else is refused, naming the field and the setting that would allow it;
 *   3. a file that names no URL gets Google's default.
 */
import { CredentialsError } from "./errors";
import type { ResolvedEndpoints } from "./types";

export type GoogleService = "sts" | "iamcredentials" | "oauth2";

/** `where` inside a sentence: "The file named by X" becomes "the file named by X". */
export function midSentence(where: string): string {
  return where.replace(/^The /, "the ");
}

/** A URL read from a credentials file, with what names it in messages. */
export interface FileUrl {
  url: string;
  /** The JSON field, e.g. `token_url`. */
  field: string;
  /** Where the file came from, e.g. `the file named by GOOGLE_APPLICATION_CREDENTIALS`. */
  where: string;
}

// Host patterns of golang/oauth2's former validation (google/internal/externalaccount/basecredentials.go),
// plus Private Service Connect names (`sts-xyz.p.googleapis.com`), as google-auth-library-python had them.
const NAME = "[^.\\s/\\\\]+";
function servicePatterns(service: string): RegExp[] {
  return [
    new RegExp(`^${service}\\.googleapis\\.com$`, "i"),
    new RegExp(`^${NAME}\\.${service}\\.googleapis\\.com$`, "i"),
    new RegExp(`^${service}\\.${NAME}\\.googleapis\\.com$`, "i"),
    new RegExp(`^${NAME}-${service}\\.googleapis\\.com$`, "i"),
    new RegExp(`^${service}-${NAME}\\.p\\.googleapis\\.com$`, "i"),
  ];
}

const GOOGLE_HOSTS: Readonly<Record<GoogleService, readonly RegExp[]>> = {
  sts: servicePatterns("sts"),
  iamcredentials: servicePatterns("iamcredentials"),
  // Service account key files name oauth2.googleapis.com; older ones accounts.google.com or www.googleapis.com.
  oauth2: [...servicePatterns("oauth2"), /^accounts\.google\.com$/i, /^www\.googleapis\.com$/i],
};

/** The setting that points each service elsewhere, for messages. */
export const ENDPOINT_SETTING: Readonly<Record<GoogleService, string>> = {
  sts: "gcp-billing:stsTokenUrl (GCP_BILLING_LINK_STS_TOKEN_URL)",
  iamcredentials: "gcp-billing:iamCredentialsEndpoint (GCP_BILLING_LINK_IAM_CREDENTIALS_URL)",
  oauth2: "gcp-billing:oauthTokenUrl (GCP_BILLING_LINK_OAUTH_TOKEN_URL)",
};

export function isGoogleEndpoint(url: string, service: GoogleService): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === "https:" && GOOGLE_HOSTS[service].some((p) => p.test(parsed.hostname));
}

/** A host as a message may show it: the URL's origin, never its path or query. */
function shownHost(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "a value that is not a URL";
  }
}

/** The explicitly configured endpoints, and which of them were set rather than defaulted. */
export interface EndpointChoice {
  endpoints: ResolvedEndpoints;
  overridden: ReadonlySet<keyof ResolvedEndpoints>;
}

/** Applies the rule above; returns the URL to use, or throws naming the file's field. */
export function checkedFileUrl(fileUrl: FileUrl, service: GoogleService): string {
  if (isGoogleEndpoint(fileUrl.url, service)) return fileUrl.url;
  throw new CredentialsError(
    `${fileUrl.field} in ${midSentence(fileUrl.where)} points at ${shownHost(fileUrl.url)}, which is not a Google ${service} endpoint.`,
    {
      status: "INVALID_ARGUMENT",
      hint: `gcp-billing-link sends a credentials file's tokens only to Google, or to an endpoint you set yourself: set ${ENDPOINT_SETTING[service]} to use another one (it then wins over the file).`,
    },
  );
}
