/**
 * Impersonation: a source credential calls IAM Credentials generateAccessToken for a service account,
 * through google-auth-library's Impersonated. Used for `impersonated_service_account` files (gcloud's
 * `--impersonate-service-account` ADC) and for `impersonateServiceAccount` on top of any credential.
 */
import type { Impersonated } from "google-auth-library";
import type { ImpersonatedCredential, ResolvedCredential } from "../credentialTypes";
import { checkedFileUrl, type EndpointChoice } from "../endpointPolicy";
import type { HintContext } from "../hints";
import type { AccessTokenSource } from "../requestSpec";
import type { TokenCall } from "../tokenTransporter";
import type { Grant, GrantedToken, SourceFor } from "./grant";
import { libraryOptions, loadGoogleAuth } from "./googleAuth";
import { SOURCE_SCOPES, type ScopeSet } from "./scopes";
import { sourceClientFor, type SourceClient } from "./sourceClient";

/** The IAM Credentials root (no trailing slash) generateAccessToken is called on. */
export function iamCredentialsRoot(
  choice: EndpointChoice,
  fileUrl: ImpersonatedCredential["impersonationUrl"],
): string {
  if (choice.overridden.has("iamCredentialsUrl") || !fileUrl)
    return choice.endpoints.iamCredentialsUrl.replace(/\/$/, "");
  const url = checkedFileUrl(fileUrl, "iamcredentials");
  return url.slice(0, url.indexOf("/v1/"));
}

export function generateAccessTokenUrl(root: string, serviceAccount: string): string {
  return `${root}/v1/projects/-/serviceAccounts/${serviceAccount}:generateAccessToken`;
}

/** Who impersonates, when the credential names it (a service account); users and federated identities do not. */
function impersonatorOf(
  via: ResolvedCredential,
): Pick<HintContext, "impersonator" | "workloadIdentityProvider"> {
  if (via.kind === "service_account") return { impersonator: `serviceAccount:${via.clientEmail}` };
  if (via.kind === "impersonated_service_account")
    return { impersonator: `serviceAccount:${via.serviceAccount}` };
  if (via.kind === "external_account") {
    if (via.impersonation) return { impersonator: `serviceAccount:${via.impersonation.serviceAccount}` };
    return { workloadIdentityProvider: via.audience.replace(/^\/\/iam\.googleapis\.com\//, "") };
  }
  return {};
}

interface Clients {
  impersonated: Impersonated;
  source: SourceClient;
}

function buildClients(
  cred: ImpersonatedCredential,
  root: string,
  scopes: ScopeSet,
  source: AccessTokenSource,
): Clients {
  const sourceClient = sourceClientFor(source);
  const impersonated = new (loadGoogleAuth().Impersonated)({
    sourceClient: sourceClient.client,
    targetPrincipal: cred.serviceAccount,
    delegates: cred.delegates,
    targetScopes: [...scopes],
    endpoint: root,
    ...libraryOptions(),
  });
  return { impersonated, source: sourceClient };
}

/** One generateAccessToken; after a 401 (a source token revoked since it was cached), one fresh source token and one replay. */
async function generate(
  call: TokenCall,
  clients: Clients,
  source: AccessTokenSource,
  scopes: ScopeSet,
): Promise<GrantedToken> {
  const attempt = async (): Promise<GrantedToken> => {
    const { credentials } = await clients.impersonated.refreshAccessToken();
    return { accessToken: credentials.access_token ?? "", expiryDateMs: credentials.expiry_date, scopes };
  };
  try {
    return await attempt();
  } catch (err) {
    const rejected = clients.source.lastToken();
    if (call.failure?.httpStatus !== 401 || rejected === undefined) throw err;
    call.failure = undefined;
    await source.refreshAfterRejection(rejected, { signal: call.signal, pipeline: call.pipeline });
    return attempt();
  }
}

export function impersonationGrant(
  cred: ImpersonatedCredential,
  choice: EndpointChoice,
  scopes: ScopeSet,
  sourceFor: SourceFor,
): Grant {
  const root = iamCredentialsRoot(choice, cred.impersonationUrl);
  const url = generateAccessTokenUrl(root, cred.serviceAccount);
  const source = sourceFor(cred.via, SOURCE_SCOPES);
  let clients: Clients | undefined;
  return {
    ctx: {
      method: "iamcredentials.generateAccessToken",
      credentialKind: "impersonated_service_account",
      credentialSource: cred.source,
      serviceAccount: cred.serviceAccount,
      ...impersonatorOf(cred.via),
    },
    secrets: [],
    routes: new Map([[url, { url, method: "iamcredentials.generateAccessToken" }]]),
    run(call: TokenCall): Promise<GrantedToken> {
      clients ??= buildClients(cred, root, scopes, source);
      return generate(call, clients, source, scopes);
    },
  };
}
