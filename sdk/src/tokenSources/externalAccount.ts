/**
 * Workload identity federation (`external_account`): google-auth-library's IdentityPoolClient reads the
 * OIDC subject token (file or URL), exchanges it at the STS (RFC 8693) and, with
 * `service_account_impersonation_url`, impersonates a service account. Two adjustments, in a subclass:
 * its StsCredentials gets our transporter, which the library does not pass on (googleapis/google-cloud-node#8292),
 * and subject token failures become typed errors naming the setting.
 */
import type { IdentityPoolClientOptions } from "google-auth-library";
import type { ExternalAccountCredential } from "../credentialTypes";
import type { HintContext } from "../hints";
import { checkedFileUrl, type EndpointChoice } from "../endpointPolicy";
import { currentTokenCall, failGrant, type TokenRoute } from "../tokenTransporter";
import type { Grant, GrantedToken } from "./grant";
import { libraryOptions, loadGoogleAuth, type GoogleAuthModule } from "./googleAuth";
import { generateAccessTokenUrl, iamCredentialsRoot } from "./impersonation";
import type { ScopeSet } from "./scopes";
import { describeSubjectSource, peekClaims, unreadableSubjectToken } from "./subjectToken";

interface SubjectHooks {
  onToken(token: string): void;
  onFailure(): Error;
}

/** The library's client with our transporter on every request and our errors for the subject token. */
function pipelinePoolClient(lib: GoogleAuthModule, options: IdentityPoolClientOptions, hooks: SubjectHooks) {
  return new (class extends lib.IdentityPoolClient {
    constructor() {
      super(options);
      // The STS exchange would otherwise use a Gaxios of its own, outside the pipeline and its routes.
      Object.assign(this.stsCredential, { transporter: options.transporter });
    }
    override async retrieveSubjectToken(): Promise<string> {
      let token: string;
      try {
        token = await super.retrieveSubjectToken();
      } catch {
        throw hooks.onFailure();
      }
      hooks.onToken(token);
      return token;
    }
    exchange() {
      return this.refreshAccessTokenAsync();
    }
  })();
}

function endpointsFor(
  cred: ExternalAccountCredential,
  choice: EndpointChoice,
): { sts: string; impersonation?: string } {
  const sts =
    choice.overridden.has("stsTokenUrl") || !cred.tokenUrl
      ? choice.endpoints.stsTokenUrl
      : checkedFileUrl(cred.tokenUrl, "sts");
  if (!cred.impersonation) return { sts };
  const root = iamCredentialsRoot(choice, cred.impersonation.url);
  return { sts, impersonation: generateAccessTokenUrl(root, cred.impersonation.serviceAccount) };
}

function routesFor(
  cred: ExternalAccountCredential,
  urls: { sts: string; impersonation?: string },
): Map<string, TokenRoute> {
  const routes = new Map<string, TokenRoute>([[urls.sts, { url: urls.sts, method: "sts.token" }]]);
  if (urls.impersonation)
    routes.set(urls.impersonation, { url: urls.impersonation, method: "iamcredentials.generateAccessToken" });
  // The subject token's own source (GitHub's, Azure's …) is where the file says: it receives only the file's headers.
  const cs = cred.credentialSource;
  if ("url" in cs) routes.set(cs.url, { url: cs.url, method: "oidc.subjectToken" });
  return routes;
}

function clientOptions(
  cred: ExternalAccountCredential,
  urls: { sts: string; impersonation?: string },
  scopes: ScopeSet,
): IdentityPoolClientOptions {
  const cs = cred.credentialSource;
  const format =
    cs.format.type === "json"
      ? { type: "json" as const, subject_token_field_name: cs.format.field }
      : { type: "text" as const };
  const lifetime = cred.impersonation?.lifetimeSeconds;
  return {
    type: "external_account",
    audience: cred.audience,
    subject_token_type: cred.subjectTokenType,
    token_url: urls.sts,
    credential_source:
      "file" in cs ? { file: cs.file, format } : { url: cs.url, headers: { ...cs.headers }, format },
    ...(urls.impersonation ? { service_account_impersonation_url: urls.impersonation } : {}),
    ...(lifetime !== undefined
      ? { service_account_impersonation: { token_lifetime_seconds: lifetime } }
      : {}),
    ...(cred.clientId ? { client_id: cred.clientId, client_secret: cred.clientSecret } : {}),
    ...(cred.workforcePoolUserProject ? { workforce_pool_user_project: cred.workforcePoolUserProject } : {}),
    scopes: [...scopes],
    ...libraryOptions(),
  };
}

/** Typed failures and what the sdk learns from each subject token (expiry for hints, `sub` for doctor). */
function subjectHooks(cred: ExternalAccountCredential, onSubject: (sub: string) => void): SubjectHooks {
  return {
    onToken(token) {
      const call = currentTokenCall();
      const claims = peekClaims(token);
      call?.secrets.push(token);
      if (call && claims.expiresAtMs !== undefined)
        call.ctx.subjectTokenExpired = claims.expiresAtMs <= Date.now();
      if (claims.subject !== undefined) onSubject(claims.subject);
    },
    onFailure() {
      const call = currentTokenCall();
      if (!call) return new Error("gcp-billing-link: a subject token was read outside a grant");
      // A failed subject token request (url source) is already on the call, typed by the pipeline.
      return call.failure
        ? new Error("subject token request failed")
        : failGrant(call, unreadableSubjectToken(cred));
    },
  };
}

function grantContext(cred: ExternalAccountCredential): HintContext {
  return {
    method: "sts.token",
    credentialKind: "external_account",
    credentialSource: cred.source,
    workloadIdentityProvider: cred.audience.replace(/^\/\/iam\.googleapis\.com\//, ""),
    subjectTokenSource: describeSubjectSource(cred),
    ...(cred.impersonation ? { serviceAccount: cred.impersonation.serviceAccount } : {}),
  };
}

export function externalAccountGrant(
  cred: ExternalAccountCredential,
  choice: EndpointChoice,
  scopes: ScopeSet,
): Grant {
  const urls = endpointsFor(cred, choice);
  let subject: string | undefined;
  const hooks = subjectHooks(cred, (sub) => (subject = sub));
  let client: ReturnType<typeof pipelinePoolClient> | undefined;
  return {
    ctx: grantContext(cred),
    secrets: [
      ...("headers" in cred.credentialSource ? Object.values(cred.credentialSource.headers) : []),
      ...(cred.clientSecret ? [cred.clientSecret] : []),
    ],
    routes: routesFor(cred, urls),
    get federatedSubject() {
      return cred.impersonation ? undefined : subject;
    },
    async run(): Promise<GrantedToken> {
      client ??= pipelinePoolClient(loadGoogleAuth(), clientOptions(cred, urls, scopes), hooks);
      const granted = await client.exchange();
      return { accessToken: granted.access_token ?? "", expiryDateMs: granted.expiry_date, scopes };
    },
  };
}
