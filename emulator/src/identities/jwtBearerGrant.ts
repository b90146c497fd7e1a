import type { EmulatorContext } from "../context";
import { oauthErrors } from "../oauthErrors";
import { splitScopes } from "../scopes";
import type { ServiceAccountRecord } from "../store/state";
import { mintAccessToken } from "../tokens";
import { decodeJwt, numericDateMs, publicKeyFromPem, verifiesRs256, type DecodedJwt } from "./jwt";

/**
 * The JWT-bearer grant (RFC 7523 §2.1) at the token endpoint, as Google runs it for service account keys
 * (https://developers.google.com/identity/protocols/oauth2/service-account#httprest): the assertion is
 * RS256-signed with the account's key, `iss` is the account, `aud` the token endpoint, `scope` the scopes,
 * and it may live at most an hour.
 */

export const JWT_BEARER_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** The audience Google requires, whichever of its hosts the assertion is posted to. */
export const GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token";
const MAX_LIFETIME_MS = 3600_000;
/** Clock skew tolerated on iat/exp (inferred; docs/emulator.md). */
const SKEW_MS = 300_000;

export interface JwtGrantResult {
  response: { access_token: string; expires_in: number; token_type: "Bearer" };
  principal: string;
}

function serviceAccountOf(ctx: EmulatorContext, jwt: DecodedJwt): ServiceAccountRecord {
  const iss = jwt.payload.iss;
  if (typeof iss !== "string" || !Object.hasOwn(ctx.state.serviceAccounts, iss))
    throw oauthErrors.jwtAccountNotFound();
  return ctx.state.serviceAccounts[iss];
}

function checkSignature(account: ServiceAccountRecord, jwt: DecodedJwt): void {
  const kid = jwt.header.kid;
  const keys = account.keys.filter((k) => kid === undefined || k.keyId === kid);
  const publicKeys = keys.map((k) => publicKeyFromPem(k.publicKeyPem)).filter((k) => k !== undefined);
  if (!verifiesRs256(jwt, publicKeys)) throw oauthErrors.jwtBadSignature();
}

function checkClaims(ctx: EmulatorContext, jwt: DecodedJwt, ownTokenUrl: string): string[] {
  const { aud, scope } = jwt.payload;
  if (aud !== GOOGLE_TOKEN_AUDIENCE && aud !== ownTokenUrl) throw oauthErrors.jwtBadAudience();
  const iat = numericDateMs(jwt.payload.iat);
  const exp = numericDateMs(jwt.payload.exp);
  const now = ctx.clock.nowMs();
  if (iat === undefined || exp === undefined || exp - iat > MAX_LIFETIME_MS || exp <= iat)
    throw oauthErrors.jwtBadTimeframe();
  if (iat > now + SKEW_MS || exp < now - SKEW_MS) throw oauthErrors.jwtBadTimeframe();
  if (typeof scope !== "string" || splitScopes(scope).length === 0) throw oauthErrors.jwtMissingScope();
  return splitScopes(scope);
}

/** Verifies the assertion and mints the service account's access token; the caller commits. */
export function jwtBearerGrant(
  ctx: EmulatorContext,
  form: URLSearchParams,
  ownTokenUrl: string,
): JwtGrantResult {
  const assertion = form.get("assertion");
  if (!assertion) throw oauthErrors.missingParameter("assertion");
  const jwt = decodeJwt(assertion);
  if (!jwt) throw oauthErrors.jwtBadSignature();
  const account = serviceAccountOf(ctx, jwt);
  checkSignature(account, jwt);
  const scopes = checkClaims(ctx, jwt, ownTokenUrl);
  if (account.disabled) throw oauthErrors.serviceAccountDisabled();
  const issued = mintAccessToken(ctx, {
    principal: account.email,
    scopes,
    clientId: account.uniqueId,
    grantId: null,
    projectNumber: ctx.state.projects[account.projectId]?.projectNumber,
  });
  return {
    response: { access_token: issued.token, expires_in: issued.expiresInSeconds, token_type: "Bearer" },
    principal: account.email,
  };
}
