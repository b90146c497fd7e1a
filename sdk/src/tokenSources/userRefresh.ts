/** `authorized_user` files and bare refresh tokens: google-auth-library's UserRefreshClient. */
import type { UserRefreshClient } from "google-auth-library";
import type { UserCredential } from "../credentialTypes";
import type { EndpointChoice } from "../endpointPolicy";
import type { Grant, GrantedToken } from "./grant";
import { libraryOptions, loadGoogleAuth } from "./googleAuth";

export function userRefreshGrant(cred: UserCredential, choice: EndpointChoice): Grant {
  const tokenUrl = choice.endpoints.tokenUrl;
  let client: UserRefreshClient | undefined;
  return {
    ctx: { method: "oauth.token", credentialKind: cred.kind, credentialSource: cred.source },
    secrets: [cred.refreshToken, cred.clientSecret],
    routes: new Map([[tokenUrl, { url: tokenUrl, method: "oauth.token" }]]),
    async run(): Promise<GrantedToken> {
      client ??= new (loadGoogleAuth().UserRefreshClient)({
        clientId: cred.clientId,
        clientSecret: cred.clientSecret,
        refreshToken: cred.refreshToken,
        endpoints: { oauth2TokenUrl: tokenUrl },
        ...libraryOptions(),
      });
      const { credentials } = await client.refreshAccessToken();
      // The token response names the granted scopes (RFC 6749 §5.1), so no tokeninfo call is needed.
      const scopes = credentials.scope?.split(" ").filter((scope) => scope !== "");
      return { accessToken: credentials.access_token ?? "", expiryDateMs: credentials.expiry_date, scopes };
    },
  };
}
