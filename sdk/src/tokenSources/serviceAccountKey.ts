/**
 * `service_account` keys: google-auth-library's JWT client signs the assertion and performs the
 * JWT-bearer grant (RFC 7523). Its token request goes to Google's token URL, which the library hard-codes
 * along with the assertion's `aud` (gtoken's GOOGLE_TOKEN_URL); the route sends it where
 * endpointPolicy.ts decides (an explicit tokenUrl, else the file's Google `token_uri`).
 */
import type { JWT } from "google-auth-library";
import type { ServiceAccountKeyCredential } from "../credentialTypes";
import { checkedFileUrl, type EndpointChoice } from "../endpointPolicy";
import type { Grant, GrantedToken } from "./grant";
import { libraryOptions, loadGoogleAuth } from "./googleAuth";
import type { ScopeSet } from "./scopes";

export const LIBRARY_TOKEN_URL = "https://oauth2.googleapis.com/token";

function tokenUrlFor(cred: ServiceAccountKeyCredential, choice: EndpointChoice): string {
  if (choice.overridden.has("tokenUrl") || !cred.tokenUri) return choice.endpoints.tokenUrl;
  return checkedFileUrl(cred.tokenUri, "oauth2");
}

export function serviceAccountKeyGrant(
  cred: ServiceAccountKeyCredential,
  choice: EndpointChoice,
  scopes: ScopeSet,
): Grant {
  const tokenUrl = tokenUrlFor(cred, choice);
  let client: JWT | undefined;
  return {
    ctx: {
      method: "oauth.token",
      credentialKind: "service_account",
      credentialSource: cred.source,
      serviceAccount: cred.clientEmail,
    },
    secrets: [cred.privateKey],
    routes: new Map([[LIBRARY_TOKEN_URL, { url: tokenUrl, method: "oauth.token" }]]),
    async run(): Promise<GrantedToken> {
      client ??= new (loadGoogleAuth().JWT)({
        email: cred.clientEmail,
        key: cred.privateKey,
        ...(cred.privateKeyId ? { keyId: cred.privateKeyId } : {}),
        scopes: [...scopes],
        ...libraryOptions(),
      });
      // The session decides when a token is due: make the library sign a fresh assertion every time.
      client.credentials = { refresh_token: "jwt-placeholder", expiry_date: 1 };
      const { credentials } = await client.refreshAccessToken();
      return { accessToken: credentials.access_token ?? "", expiryDateMs: credentials.expiry_date, scopes };
    },
  };
}
