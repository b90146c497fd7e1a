import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { annotate } from "../annotations";
import { bearerToken } from "../authenticate";
import type { EmulatorContext } from "../context";
import { decideFault, sleep } from "../faults";
import { OAuthError, oauthErrors } from "../oauthErrors";
import { serviceAccountByEmail } from "../identities/serviceAccounts";
import { JWT_BEARER_GRANT_TYPE, jwtBearerGrant, type JwtGrantResult } from "../identities/jwtBearerGrant";
import { verifierMatches } from "../pkce";
import { splitScopes } from "../scopes";
import type { GrantRecord, OAuthClientRecord } from "../store/state";
import {
  activeAccessToken,
  grantByRefreshToken,
  mintAccessToken,
  newAuthCodeValue,
  newRefreshTokenValue,
  pruneExpired,
  revokeAnyToken,
  revokeGrant,
} from "../tokens";
import { parseAuthorizationRequest, type AuthorizationRequest } from "./authorizationRequest";
import { authorizationErrorHtml, consentPageHtml } from "./consentPage";
import { dropConnection, hangUp, pathOf } from "./dropConnection";
import { queryOf } from "./billingPipeline";

/** Google OAuth 2.0 endpoints: consent page, token, tokeninfo, revoke (docs/oauth.md §2, §3, §7). */

/** Authorization codes live 10 minutes, like Google's. */
const AUTH_CODE_LIFETIME_MS = 10 * 60_000;
/** An unanswered consent page expires after 30 minutes. */
const CONSENT_LIFETIME_MS = 30 * 60_000;

/** Form (`application/x-www-form-urlencoded`, any charset) or JSON bodies, both of which Google's token endpoint reads. */
export function formOf(req: FastifyRequest): URLSearchParams {
  const raw = typeof req.body === "string" ? req.body : "";
  if (/^application\/json/i.test(req.headers["content-type"] ?? "")) {
    const params = new URLSearchParams();
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === "object" && parsed !== null) {
        for (const [k, v] of Object.entries(parsed)) if (typeof v === "string") params.set(k, v);
      }
    } catch {
      // An unparsable JSON body carries no parameters; the missing-parameter checks report it.
    }
    return params;
  }
  return new URLSearchParams(raw);
}

export function sendOAuthJson(
  reply: FastifyReply,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  void reply
    .code(status)
    .headers({
      ...headers,
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-cache, no-store, max-age=0, must-revalidate",
      pragma: "no-cache",
    })
    .send(JSON.stringify(body, null, 2));
}

export function sendOAuthError(
  reply: FastifyReply,
  err: OAuthError,
  headers: Record<string, string> = {},
): void {
  sendOAuthJson(reply, err.httpStatus, err.toJSON(), headers);
}

/** Latency and injected faults for OAuth endpoints; returns true when the request was already answered (or never will be). */
export async function applyFaults(
  ctx: EmulatorContext,
  method: string,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<boolean> {
  annotate(req, { method });
  await sleep(ctx.knobs.latencyMs);
  const fault = decideFault(ctx, method, pathOf(req));
  if (fault.kind === "none") return false;
  if (fault.kind === "slow") {
    await sleep(fault.delayMs);
    return false;
  }
  if (fault.kind === "drop" || fault.kind === "hang") {
    (fault.kind === "drop" ? dropConnection : hangUp)(ctx, req, reply);
    return true;
  }
  const err =
    fault.status === 429
      ? oauthErrors.rateLimited()
      : fault.status === 500
        ? oauthErrors.internal()
        : oauthErrors.unavailable();
  sendOAuthError(reply, err, fault.status === 429 ? { "retry-after": String(fault.retryAfterSeconds) } : {});
  return true;
}

/** RFC 6749 §2.3.1: HTTP Basic (form-urlencoded parts) or client_id/client_secret in the body. */
function authenticateClient(
  ctx: EmulatorContext,
  req: FastifyRequest,
  form: URLSearchParams,
): OAuthClientRecord {
  let clientId = form.get("client_id");
  let clientSecret = form.get("client_secret");
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (basic) {
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon >= 0) {
      const decode = (s: string): string => decodeURIComponent(s.replace(/\+/g, " "));
      clientId = decode(decoded.slice(0, colon));
      clientSecret = decode(decoded.slice(colon + 1));
    }
  }
  if (!clientId) throw oauthErrors.noClientId();
  const client = ctx.state.oauthClients[clientId];
  if (!client) throw oauthErrors.unknownClient();
  if (!clientSecret) throw oauthErrors.missingClientSecret();
  if (clientSecret !== client.clientSecret) throw oauthErrors.wrongClientSecret();
  return client;
}

interface TokenResponse {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  scope: string;
  token_type: "Bearer";
}

function accessTokenResponse(ctx: EmulatorContext, grant: GrantRecord, scopes: string[]): TokenResponse {
  const issued = mintAccessToken(ctx, {
    principal: grant.principal,
    scopes,
    clientId: grant.clientId,
    grantId: grant.grantId,
  });
  return {
    access_token: issued.token,
    expires_in: issued.expiresInSeconds,
    scope: scopes.join(" "),
    token_type: "Bearer",
  };
}

function refreshGrant(
  ctx: EmulatorContext,
  client: OAuthClientRecord,
  form: URLSearchParams,
): { response: TokenResponse; principal: string } {
  const refreshToken = form.get("refresh_token");
  if (!refreshToken) throw oauthErrors.missingParameter("refresh_token");
  const grant = grantByRefreshToken(ctx, refreshToken);
  if (!grant || grant.revoked) throw oauthErrors.refreshTokenDead();
  if (grant.clientId !== client.clientId) throw oauthErrors.refreshTokenOtherClient();
  // A refresh may narrow the scopes (RFC 6749 §6) but never widen them.
  const requested = form.get("scope");
  const scopes = requested ? splitScopes(requested) : grant.scopes;
  const extra = scopes.filter((s) => !grant.scopes.includes(s));
  if (extra.length > 0) throw oauthErrors.invalidScope(extra);
  // Google never rotates refresh tokens, so the response has none.
  return { response: accessTokenResponse(ctx, grant, scopes), principal: grant.principal };
}

function exchangeCode(
  ctx: EmulatorContext,
  client: OAuthClientRecord,
  form: URLSearchParams,
): { response: TokenResponse; principal: string } {
  const code = form.get("code");
  if (!code) throw oauthErrors.missingParameter("code");
  if (!code.startsWith("4/")) throw oauthErrors.malformedCode();
  const record = Object.prototype.hasOwnProperty.call(ctx.state.authCodes, code)
    ? ctx.state.authCodes[code]
    : undefined;
  if (!record || record.clientId !== client.clientId) throw oauthErrors.badCode();
  if (record.exchangedGrantId !== null) {
    // RFC 6749 §4.1.2: a replayed code should revoke what the first exchange issued.
    revokeGrant(ctx, record.exchangedGrantId);
    ctx.commit();
    throw oauthErrors.badCode();
  }
  if (record.expiresAtMs <= ctx.clock.nowMs()) throw oauthErrors.badCode();
  const redirectUri = form.get("redirect_uri");
  if (!redirectUri) throw oauthErrors.missingParameter("redirect_uri");
  if (redirectUri !== record.redirectUri) throw oauthErrors.redirectUriMismatch();
  if (record.codeChallenge !== null && record.codeChallengeMethod !== null) {
    const verifier = form.get("code_verifier");
    if (!verifier) throw oauthErrors.missingCodeVerifier();
    if (!verifierMatches(verifier, record.codeChallenge, record.codeChallengeMethod))
      throw oauthErrors.wrongCodeVerifier();
  }
  const grantId = `grant-${randomBytes(9).toString("base64url")}`;
  const grant: GrantRecord = {
    grantId,
    refreshToken: record.accessType === "offline" ? newRefreshTokenValue() : null,
    clientId: client.clientId,
    principal: record.principal,
    scopes: [...record.scopes],
    revoked: false,
  };
  ctx.state.grants[grantId] = grant;
  record.exchangedGrantId = grantId;
  const response = accessTokenResponse(ctx, grant, grant.scopes);
  return {
    response: grant.refreshToken ? { ...response, refresh_token: grant.refreshToken } : response,
    principal: grant.principal,
  };
}

interface PendingConsent {
  request: AuthorizationRequest;
  expiresAtMs: number;
}

function redirectWith(
  reply: FastifyReply,
  redirectUri: string,
  params: Array<[string, string | null]>,
): void {
  const url = new URL(redirectUri);
  for (const [k, v] of params) if (v !== null) url.searchParams.append(k, v);
  void reply
    .code(302)
    .header("location", url.toString())
    .header("content-type", "text/html; charset=UTF-8")
    .send("");
}

export function registerOAuthRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const pending = new Map<string, PendingConsent>();

  const sendPageError = (reply: FastifyReply, err: OAuthError): void => {
    void reply
      .code(err.httpStatus)
      .header("content-type", "text/html; charset=UTF-8")
      .send(authorizationErrorHtml(err.httpStatus, err.error, err.description));
  };

  const approve = (reply: FastifyReply, request: AuthorizationRequest, principal: string): void => {
    const code = newAuthCodeValue();
    ctx.state.authCodes[code] = {
      clientId: request.clientId,
      principal,
      scopes: request.scopes,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallengeMethod,
      accessType: request.accessType,
      expiresAtMs: ctx.clock.nowMs() + AUTH_CODE_LIFETIME_MS,
      exchangedGrantId: null,
    };
    ctx.commit();
    redirectWith(reply, request.redirectUri, [
      ["state", request.state],
      ["code", code],
      ["scope", request.scopes.join(" ")],
      ["authuser", "0"],
      ["prompt", "consent"],
    ]);
  };

  app.get("/o/oauth2/v2/auth", async (req, reply) => {
    if (await applyFaults(ctx, "oauth.authorize", req, reply)) return;
    let request: AuthorizationRequest;
    try {
      request = parseAuthorizationRequest(ctx, queryOf(req));
    } catch (err) {
      if (err instanceof OAuthError) return sendPageError(reply, err);
      throw err;
    }
    const principals = Object.keys(ctx.state.principals);
    const auto = ctx.knobs.autoApproveAs;
    if (auto !== null && principals.includes(auto)) {
      annotate(req, { principal: auto });
      return approve(reply, request, auto);
    }
    const now = ctx.clock.nowMs();
    for (const [id, p] of pending) if (p.expiresAtMs <= now) pending.delete(id);
    const consentId = randomBytes(18).toString("base64url");
    pending.set(consentId, { request, expiresAtMs: now + CONSENT_LIFETIME_MS });
    const hint =
      request.loginHint !== null && principals.includes(request.loginHint) ? request.loginHint : undefined;
    void reply
      .code(200)
      .headers({
        "content-type": "text/html; charset=UTF-8",
        // Chromium applies form-action to the redirect after the POST too, so the app's loopback origin
        // must be allowed or Allow/Deny never reach it.
        "content-security-policy": `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${new URL(request.redirectUri).origin}`,
        "x-frame-options": "DENY",
      })
      .send(
        consentPageHtml({
          consentId,
          clientId: request.clientId,
          redirectHost: new URL(request.redirectUri).host,
          scopes: request.scopes,
          principals,
          preselected: hint,
        }),
      );
  });

  app.post("/o/oauth2/v2/auth", async (req, reply) => {
    if (await applyFaults(ctx, "oauth.authorize", req, reply)) return;
    const form = formOf(req);
    const consentId = form.get("consent_id") ?? "";
    const entry = pending.get(consentId);
    if (!entry || entry.expiresAtMs <= ctx.clock.nowMs()) {
      return sendPageError(
        reply,
        new OAuthError(
          400,
          "invalid_request",
          "This sign-in request has expired or was already answered. Start again from the application.",
        ),
      );
    }
    const decision = form.get("decision");
    if (decision !== "allow" && decision !== "deny")
      return sendPageError(reply, new OAuthError(400, "invalid_request", "Choose Allow or Deny."));
    pending.delete(consentId);
    if (decision === "deny")
      return redirectWith(reply, entry.request.redirectUri, [
        ["error", "access_denied"],
        ["state", entry.request.state],
      ]);
    const principal = form.get("principal") ?? "";
    if (!Object.prototype.hasOwnProperty.call(ctx.state.principals, principal)) {
      return sendPageError(
        reply,
        new OAuthError(400, "invalid_request", "Unknown account. Choose one of the listed accounts."),
      );
    }
    annotate(req, { principal });
    approve(reply, entry.request, principal);
  });

  app.post("/token", async (req, reply) => {
    if (await applyFaults(ctx, "oauth.token", req, reply)) return;
    const form = formOf(req);
    const grantType = form.get("grant_type") ?? undefined;
    annotate(req, { grantType });
    try {
      let result: { response: TokenResponse | JwtGrantResult["response"]; principal: string };
      if (grantType === JWT_BEARER_GRANT_TYPE) {
        // A service account's assertion authenticates itself: there is no OAuth client (RFC 7523 §3.1).
        result = jwtBearerGrant(ctx, form, `${req.protocol}://${req.headers.host ?? ""}/token`);
      } else {
        const client = authenticateClient(ctx, req, form);
        if (!grantType) throw oauthErrors.missingParameter("grant_type");
        if (grantType === "refresh_token") result = refreshGrant(ctx, client, form);
        else if (grantType === "authorization_code") result = exchangeCode(ctx, client, form);
        else throw oauthErrors.unsupportedGrantType(grantType);
      }
      annotate(req, { principal: result.principal });
      pruneExpired(ctx);
      ctx.commit();
      sendOAuthJson(reply, 200, result.response);
    } catch (err) {
      if (err instanceof OAuthError) return sendOAuthError(reply, err);
      throw err;
    }
  });

  const tokenInfo = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (await applyFaults(ctx, "oauth.tokeninfo", req, reply)) return;
    const bearer = bearerToken(req.headers);
    const token = queryOf(req).get("access_token") ?? formOf(req).get("access_token") ?? bearer ?? null;
    const record = token ? activeAccessToken(ctx, token) : undefined;
    if (!record) return sendOAuthError(reply, oauthErrors.invalidToken());
    annotate(req, { principal: record.principal });
    const expiresIn = Math.max(0, Math.floor((record.expiresAtMs - ctx.clock.nowMs()) / 1000));
    const serviceAccount = serviceAccountByEmail(ctx, record.principal);
    sendOAuthJson(reply, 200, {
      azp: record.clientId,
      aud: record.clientId,
      sub: ctx.state.principals[record.principal]?.subject ?? serviceAccount?.uniqueId,
      scope: record.scopes.join(" "),
      // Google sends both as strings (docs/oauth.md §2.3).
      exp: String(Math.floor(record.expiresAtMs / 1000)),
      expires_in: String(expiresIn),
      // A federated identity has no email (docs/emulator.md).
      ...(record.federation ? {} : { email: record.principal, email_verified: "true" }),
      access_type: record.accessType,
    });
  };
  app.get("/tokeninfo", tokenInfo);
  app.post("/tokeninfo", tokenInfo);

  const revoke = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (await applyFaults(ctx, "oauth.revoke", req, reply)) return;
    const token = queryOf(req).get("token") ?? formOf(req).get("token");
    if (!token) return sendOAuthError(reply, oauthErrors.missingParameter("token"));
    if (!revokeAnyToken(ctx, token)) return sendOAuthError(reply, oauthErrors.revokeUnknownToken());
    ctx.commit();
    sendOAuthJson(reply, 200, {});
  };
  app.post("/revoke", revoke);
  app.get("/revoke", revoke);
}
