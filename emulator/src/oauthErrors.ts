/**
 * RFC 6749 §5.2 error responses, worded as Google words them (docs/oauth.md §2.2–2.4).
 * The OAuth routes build every error through these, so the wording lives in one table.
 */
export class OAuthError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
    this.name = "OAuthError";
  }

  toJSON(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

export const oauthErrors = {
  missingParameter: (name: string) =>
    new OAuthError(400, "invalid_request", `Missing required parameter: ${name}`),
  noClientId: () => new OAuthError(400, "invalid_request", "Could not determine client ID from request."),
  missingClientSecret: () => new OAuthError(400, "invalid_request", "client_secret is missing."),
  unknownClient: () => new OAuthError(401, "invalid_client", "The OAuth client was not found."),
  wrongClientSecret: () => new OAuthError(401, "invalid_client", "Unauthorized"),
  unsupportedGrantType: (grantType: string) =>
    new OAuthError(400, "unsupported_grant_type", `Invalid grant_type: ${grantType}`),
  refreshTokenDead: () => new OAuthError(400, "invalid_grant", "Token has been expired or revoked."),
  refreshTokenOtherClient: () => new OAuthError(401, "unauthorized_client", "Unauthorized"),
  badCode: () => new OAuthError(400, "invalid_grant", "Bad Request"),
  malformedCode: () => new OAuthError(400, "invalid_grant", "Malformed auth code."),
  redirectUriMismatch: () => new OAuthError(400, "redirect_uri_mismatch", "Bad Request"),
  missingCodeVerifier: () => new OAuthError(400, "invalid_grant", "Missing code verifier."),
  wrongCodeVerifier: () => new OAuthError(400, "invalid_grant", "Invalid code verifier."),
  invalidScope: (scopes: string[]) =>
    new OAuthError(
      400,
      "invalid_scope",
      `Some requested scopes were invalid. {invalid=[${scopes.join(", ")}]}`,
    ),
  invalidToken: () => new OAuthError(400, "invalid_token", "Invalid Value"),
  revokeUnknownToken: () => new OAuthError(400, "invalid_token", "Token expired or revoked"),
  internal: () => new OAuthError(500, "internal_failure", "Backend Error"),
  unavailable: () => new OAuthError(503, "temporarily_unavailable", "The service is currently unavailable."),
  rateLimited: () => new OAuthError(429, "rate_limit_exceeded", "Rate Limit Exceeded"),

  // JWT-bearer grant (RFC 7523) at the token endpoint; wording from public reports (docs/emulator.md).
  jwtAccountNotFound: () => new OAuthError(400, "invalid_grant", "Invalid grant: account not found"),
  jwtBadSignature: () => new OAuthError(400, "invalid_grant", "Invalid JWT Signature."),
  jwtBadAudience: () => new OAuthError(400, "invalid_grant", "Invalid JWT: Failed audience check."),
  jwtBadTimeframe: () =>
    new OAuthError(
      400,
      "invalid_grant",
      "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.",
    ),
  jwtMissingScope: () => new OAuthError(400, "invalid_scope", "Empty or missing scope not allowed."),
  serviceAccountDisabled: () => new OAuthError(400, "invalid_grant", "Robot is disabled."),

  // Security Token Service token exchange (RFC 8693): https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token
  stsUnsupportedGrantType: (grantType: string) =>
    new OAuthError(400, "unsupported_grant_type", `Invalid grant_type: ${grantType}`),
  stsInvalidTarget: () =>
    new OAuthError(
      400,
      "invalid_target",
      'The target service indicated by the "audience" parameters is invalid. This might either be because the pool or provider is disabled or deleted or because it doesn\'t exist.',
    ),
  stsUnsupportedRequestedTokenType: (type: string) =>
    new OAuthError(400, "invalid_request", `Invalid requested_token_type: ${type}`),
  stsUnsupportedSubjectTokenType: (type: string) =>
    new OAuthError(400, "invalid_request", `Invalid subject_token_type: ${type}`),
  stsMalformedToken: () => new OAuthError(400, "invalid_grant", "Unable to parse the ID Token."),
  stsIssuerMismatch: (issuer: string, expected: string) =>
    new OAuthError(
      400,
      "invalid_grant",
      `The issuer in ID Token ${issuer} does not match the expected ones: ${expected}`,
    ),
  stsBadSignature: () => new OAuthError(400, "invalid_grant", "Invalid ID Token signature."),
  stsTokenStale: (issuedAtSeconds: number) =>
    new OAuthError(400, "invalid_grant", `ID Token issued at ${issuedAtSeconds} is stale to sign-in.`),
  stsAudienceMismatch: (audience: string) =>
    new OAuthError(
      400,
      "invalid_grant",
      `The audience in ID Token [${audience}] does not match the expected audience.`,
    ),
  stsNoSubject: () =>
    new OAuthError(400, "invalid_request", "The mapped attribute google.subject must be set."),
  stsConditionRejected: () =>
    new OAuthError(
      400,
      "unauthorized_client",
      "The given credential is rejected by the attribute condition.",
    ),
};
