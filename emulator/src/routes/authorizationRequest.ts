import type { EmulatorContext } from "../context";
import { OAuthError, oauthErrors } from "../oauthErrors";
import { isValidPkceValue } from "../pkce";
import { isAllowedRedirect, isOutOfBand } from "../redirectUris";
import { isKnownScope, splitScopes } from "../scopes";

/** A validated request to the authorization endpoint. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: "S256" | "plain" | null;
  accessType: "online" | "offline";
  loginHint: string | null;
}

/**
 * Validates authorization parameters in the order Google reports them: client, redirect URI,
 * then the rest. Client and redirect problems can never be redirected (the redirect target is
 * untrusted), so every error here is shown on the page.
 */
export function parseAuthorizationRequest(ctx: EmulatorContext, q: URLSearchParams): AuthorizationRequest {
  const clientId = q.get("client_id");
  if (!clientId) throw oauthErrors.missingParameter("client_id");
  const client = ctx.state.oauthClients[clientId];
  if (!client) throw oauthErrors.unknownClient();
  const redirectUri = q.get("redirect_uri");
  if (!redirectUri) throw oauthErrors.missingParameter("redirect_uri");
  if (isOutOfBand(redirectUri)) {
    throw new OAuthError(
      400,
      "invalid_request",
      "The out-of-band (OOB) flow has been blocked in order to keep users secure. Follow the Out-of-Band (OOB) flow migration guide to migrate your app to an alternative method.",
    );
  }
  if (!isAllowedRedirect(client, redirectUri)) {
    throw new OAuthError(
      400,
      "redirect_uri_mismatch",
      `The redirect URI in the request, ${redirectUri}, does not match the ones authorized for the OAuth client.`,
    );
  }
  const responseType = q.get("response_type");
  if (!responseType) throw oauthErrors.missingParameter("response_type");
  if (responseType !== "code")
    throw new OAuthError(400, "unsupported_response_type", `Invalid response_type: ${responseType}`);
  const scopeParam = q.get("scope");
  if (!scopeParam || splitScopes(scopeParam).length === 0) throw oauthErrors.missingParameter("scope");
  const scopes = splitScopes(scopeParam);
  const unknown = scopes.filter((s) => !isKnownScope(s));
  if (unknown.length > 0) throw oauthErrors.invalidScope(unknown);

  const codeChallenge = q.get("code_challenge");
  const methodParam = q.get("code_challenge_method");
  if (methodParam !== null && codeChallenge === null) throw oauthErrors.missingParameter("code_challenge");
  if (methodParam !== null && methodParam !== "S256" && methodParam !== "plain")
    throw new OAuthError(400, "invalid_request", `Invalid code_challenge_method: ${methodParam}`);
  if (codeChallenge !== null && !isValidPkceValue(codeChallenge))
    throw new OAuthError(400, "invalid_request", "Invalid code_challenge.");

  const accessType = q.get("access_type") ?? "online";
  if (accessType !== "online" && accessType !== "offline")
    throw new OAuthError(400, "invalid_request", `Invalid access_type: ${accessType}`);

  return {
    clientId,
    redirectUri,
    scopes,
    state: q.get("state"),
    codeChallenge,
    // RFC 7636 §4.3: a challenge without a method is "plain".
    codeChallengeMethod: codeChallenge === null ? null : methodParam === "S256" ? "S256" : "plain",
    accessType,
    loginHint: q.get("login_hint"),
  };
}
