/** The shape of one credential kind's grant: what a TokenSession runs when its token is due. */
import type { ResolvedCredential } from "../credentialTypes";
import type { HintContext } from "../hints";
import type { AccessTokenSource } from "../requestSpec";
import type { TokenCall, TokenRoute } from "../tokenTransporter";
import type { ScopeSet } from "./scopes";

export interface GrantedToken {
  accessToken: string;
  /** Epoch ms as the library computed it (with Date.now()); undefined or null when unknown. */
  expiryDateMs?: number | null;
  /** The scopes the token carries, when known. */
  scopes?: readonly string[];
}

export interface Grant {
  /** What errors say about the credential. */
  readonly ctx: HintContext;
  /** The credential's own secrets, scrubbed from every server text of the grant. */
  readonly secrets: readonly string[];
  /** Every URL the library may request for this grant, and where it really goes. */
  readonly routes: ReadonlyMap<string, TokenRoute>;
  /** Federation: the last subject token's `sub`. */
  readonly federatedSubject?: string;
  /** Performs the grant; runs inside withTokenCall(call). */
  run(call: TokenCall): Promise<GrantedToken>;
}

/** The process-wide token source of another credential (the one that impersonates). */
export type SourceFor = (cred: ResolvedCredential, scopes: ScopeSet) => AccessTokenSource;
