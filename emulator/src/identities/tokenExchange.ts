import type { EmulatorContext } from "../context";
import { oauthErrors } from "../oauthErrors";
import { isKnownScope, splitScopes } from "../scopes";
import type { OidcProviderRecord, WorkloadIdentityPoolRecord } from "../store/state";
import { mintAccessToken } from "../tokens";
import { conditionHolds, mapAttributes, type Attributes } from "./attributes";
import { decodeJwt, numericDateMs, publicKeyFromJwk, verifiesRs256, type DecodedJwt } from "./jwt";
import { federatedPrincipal } from "./members";

/**
 * The Security Token Service's token exchange (RFC 8693) for workload identity federation with an OIDC
 * provider (https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token): the subject token
 * is checked against the provider (issuer, signature, expiry, audience), mapped to attributes, admitted
 * by the attribute condition, and exchanged for a federated access token.
 */

const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
const OIDC_TOKEN_TYPES = [
  "urn:ietf:params:oauth:token-type:jwt",
  "urn:ietf:params:oauth:token-type:id_token",
];
const AUDIENCE =
  /^\/\/iam\.googleapis\.com\/(projects\/[0-9]+\/locations\/global\/workloadIdentityPools\/[^/]+)\/providers\/([^/]+)$/;

export interface TokenExchangeResult {
  response: { access_token: string; issued_token_type: string; token_type: "Bearer"; expires_in: number };
  principal: string;
}

/** Form parameters in snake_case, or the camelCase keys of a JSON body (google-github-actions/auth sends those). */
function param(form: URLSearchParams, name: string): string | undefined {
  const camel = name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  return form.get(name) ?? form.get(camel) ?? undefined;
}

function required(form: URLSearchParams, name: string): string {
  const value = param(form, name);
  if (!value) throw oauthErrors.missingParameter(name);
  return value;
}

interface Target {
  pool: WorkloadIdentityPoolRecord;
  provider: OidcProviderRecord;
  /** `projects/N/locations/global/workloadIdentityPools/P/providers/X` */
  providerName: string;
}

function targetOf(ctx: EmulatorContext, audience: string): Target {
  const m = AUDIENCE.exec(audience);
  const pool =
    m && Object.hasOwn(ctx.state.workloadIdentityPools, m[1])
      ? ctx.state.workloadIdentityPools[m[1]]
      : undefined;
  const provider = m && pool && Object.hasOwn(pool.providers, m[2]) ? pool.providers[m[2]] : undefined;
  if (!m || !pool || !provider || pool.disabled || provider.disabled) throw oauthErrors.stsInvalidTarget();
  return { pool, provider, providerName: `${m[1]}/providers/${m[2]}` };
}

function verifiedToken(ctx: EmulatorContext, subjectToken: string, target: Target): DecodedJwt {
  const jwt = decodeJwt(subjectToken);
  if (!jwt) throw oauthErrors.stsMalformedToken();
  const { provider } = target;
  if (jwt.payload.iss !== provider.issuerUri)
    throw oauthErrors.stsIssuerMismatch(String(jwt.payload.iss ?? ""), provider.issuerUri);
  const kid = jwt.header.kid;
  const keys = provider.jwks.keys
    .filter((k) => kid === undefined || k.kid === undefined || k.kid === kid)
    .map((k) => publicKeyFromJwk(k))
    .filter((k) => k !== undefined);
  if (!verifiesRs256(jwt, keys)) throw oauthErrors.stsBadSignature();
  const exp = numericDateMs(jwt.payload.exp);
  if (exp === undefined || exp <= ctx.clock.nowMs())
    throw oauthErrors.stsTokenStale(Math.floor((numericDateMs(jwt.payload.iat) ?? 0) / 1000));
  checkAudience(jwt, target);
  return jwt;
}

/** Without allowedAudiences, Google accepts the provider's own name, with or without `https:`. */
function checkAudience(jwt: DecodedJwt, target: Target): void {
  const allowed =
    target.provider.allowedAudiences.length > 0
      ? target.provider.allowedAudiences
      : [`https://iam.googleapis.com/${target.providerName}`, `//iam.googleapis.com/${target.providerName}`];
  const aud = jwt.payload.aud;
  const given = Array.isArray(aud)
    ? aud.filter((a): a is string => typeof a === "string")
    : [String(aud ?? "")];
  if (!given.some((a) => allowed.includes(a))) throw oauthErrors.stsAudienceMismatch(given.join(", "));
}

function admittedAttributes(
  jwt: DecodedJwt,
  provider: OidcProviderRecord,
): Attributes & { "google.subject": string } {
  const attributes = mapAttributes(provider.attributeMapping, jwt.payload);
  const subject = attributes["google.subject"];
  if (!subject) throw oauthErrors.stsNoSubject();
  if (provider.attributeCondition && !conditionHolds(provider.attributeCondition, jwt.payload, attributes))
    throw oauthErrors.stsConditionRejected();
  return { ...attributes, "google.subject": subject };
}

function requestedScopes(form: URLSearchParams): string[] {
  const scopes = splitScopes(required(form, "scope"));
  const unknown = scopes.filter((s) => !isKnownScope(s));
  if (unknown.length > 0) throw oauthErrors.invalidScope(unknown);
  return scopes;
}

/** Runs the exchange and mints the federated token; the caller commits. */
export function exchangeToken(ctx: EmulatorContext, form: URLSearchParams): TokenExchangeResult {
  const grantType = required(form, "grant_type");
  if (grantType !== TOKEN_EXCHANGE) throw oauthErrors.stsUnsupportedGrantType(grantType);
  const requested = required(form, "requested_token_type");
  if (requested !== ACCESS_TOKEN_TYPE) throw oauthErrors.stsUnsupportedRequestedTokenType(requested);
  const target = targetOf(ctx, required(form, "audience"));
  const subjectTokenType = required(form, "subject_token_type");
  if (!OIDC_TOKEN_TYPES.includes(subjectTokenType))
    throw oauthErrors.stsUnsupportedSubjectTokenType(subjectTokenType);
  const jwt = verifiedToken(ctx, required(form, "subject_token"), target);
  const attributes = admittedAttributes(jwt, target.provider);
  const scopes = requestedScopes(form);
  return mint(ctx, target, jwt, attributes, scopes);
}

function mint(
  ctx: EmulatorContext,
  target: Target,
  jwt: DecodedJwt,
  attributes: Attributes & { "google.subject": string },
  scopes: string[],
): TokenExchangeResult {
  // A federated token does not outlive its subject token (observed: dependabot/proxy#262).
  const remainingSeconds = Math.floor(((numericDateMs(jwt.payload.exp) ?? 0) - ctx.clock.nowMs()) / 1000);
  const principal = federatedPrincipal(target.pool.name, attributes["google.subject"]);
  const issued = mintAccessToken(ctx, {
    principal,
    scopes,
    clientId: "",
    grantId: null,
    lifetimeSeconds: Math.max(1, Math.min(ctx.state.settings.accessTokenLifetimeSeconds, remainingSeconds)),
    projectNumber: target.pool.name.split("/")[1],
    federation: { pool: target.pool.name, attributes },
  });
  return {
    response: {
      access_token: issued.token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: "Bearer",
      expires_in: issued.expiresInSeconds,
    },
    principal,
  };
}
