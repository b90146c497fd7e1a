/** The grant for each credential kind (static tokens need none: tokenProvider.ts serves them as they are). */
import type { ResolvedCredential } from "../credentialTypes";
import type { EndpointChoice } from "../endpointPolicy";
import { externalAccountGrant } from "./externalAccount";
import type { Grant, SourceFor } from "./grant";
import { impersonationGrant } from "./impersonation";
import type { ScopeSet } from "./scopes";
import { serviceAccountKeyGrant } from "./serviceAccountKey";
import { userRefreshGrant } from "./userRefresh";

export type { Grant, GrantedToken, SourceFor } from "./grant";

export function grantFor(
  cred: Exclude<ResolvedCredential, { kind: "access_token" }>,
  choice: EndpointChoice,
  scopes: ScopeSet,
  sourceFor: SourceFor,
): Grant {
  switch (cred.kind) {
    case "authorized_user":
    case "refresh_token":
      return userRefreshGrant(cred, choice);
    case "service_account":
      return serviceAccountKeyGrant(cred, choice, scopes);
    case "impersonated_service_account":
      return impersonationGrant(cred, choice, scopes, sourceFor);
    case "external_account":
      return externalAccountGrant(cred, choice, scopes);
  }
}
