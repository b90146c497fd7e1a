/**
 * Access tokens: one source per credential per process, refreshed single-flight before expiry.
 *
 * Sources live in a process-wide map keyed by a SHA-256 of the credential and the endpoints it uses, so
 * many CloudBillingClient instances (one per Pulumi resource operation) share a token without a secret
 * ever being a visible key. The refresh threshold is min(5 min, lifetime/4): google-auth-library's fixed
 * 5 min would refresh before every request when tokens live < 5 min (docs/oauth.md §4.3), and a
 * federated token lives only as long as the OIDC token it came from.
 *
 * Each credential kind is a Grant (tokenSources/): google-auth-library's own class performs it, inside
 * `withTokenCall`, so its HTTP goes through the caller's request pipeline (tokenTransporter.ts). One
 * TokenSession caches whatever a grant returns. google-auth-library is loaded only when a grant runs: a
 * static token never needs it.
 */
import { createHash } from "node:crypto";
import type { ResolvedCredential } from "./credentialTypes";
import type { EndpointChoice } from "./endpointPolicy";
import { CloudBillingError, CredentialsError } from "./errors";
import type { HintContext } from "./hints";
import type { AccessTokenSource, RequestExecutor, TokenRequest } from "./requestSpec";
import { grantFor, type Grant } from "./tokenSources";
import { FINAL_SCOPES, type ScopeSet } from "./tokenSources/scopes";
import { SharedFlight } from "./sharedFlight";
import { withTokenCall, type TokenCall } from "./tokenTransporter";

export { SharedFlight } from "./sharedFlight";

export const MAX_REFRESH_THRESHOLD_MS = 5 * 60_000;

/** Refresh this long before expiry. */
export function refreshThresholdMs(lifetimeMs: number): number {
  return Math.min(MAX_REFRESH_THRESHOLD_MS, Math.max(0, lifetimeMs) / 4);
}

class StaticTokenSource implements AccessTokenSource {
  readonly canRefresh = false;
  readonly grantedScopes = undefined;
  readonly #token: string;
  constructor(token: string) {
    this.#token = token;
  }
  async getToken(): Promise<string> {
    return this.#token;
  }
  async refreshAfterRejection(): Promise<string> {
    return this.#token;
  }
}

interface CachedToken {
  value: string;
  expiresAtMs: number;
  lifetimeMs: number;
  scopes: readonly string[] | undefined;
}

/** Caches what one Grant returns and runs it single-flight when the token is due. */
class TokenSession implements AccessTokenSource {
  readonly canRefresh = true;
  readonly #grant: Grant;
  readonly #refresh = new SharedFlight<string>();
  readonly #now: () => number;
  #token: CachedToken | undefined;

  constructor(grant: Grant, now: () => number) {
    this.#grant = grant;
    this.#now = now;
  }

  get grantedScopes(): readonly string[] | undefined {
    return this.#token?.scopes;
  }

  get federatedSubject(): string | undefined {
    return this.#grant.federatedSubject;
  }

  async getToken(request: TokenRequest): Promise<string> {
    const t = this.#token;
    if (t && this.#now() < t.expiresAtMs - refreshThresholdMs(t.lifetimeMs)) return t.value;
    return this.#refresh.join((signal) => this.#doRefresh(request.pipeline, signal), request.signal);
  }

  async refreshAfterRejection(rejected: string, request: TokenRequest): Promise<string> {
    if (this.#token?.value === rejected) this.#token = undefined;
    return this.getToken(request);
  }

  async #doRefresh(pipeline: RequestExecutor, signal: AbortSignal): Promise<string> {
    const startedAt = Date.now();
    const g = this.#grant;
    const call: TokenCall = {
      pipeline,
      signal,
      ctx: { ...g.ctx },
      secrets: [...g.secrets],
      routes: g.routes,
    };
    const granted = await withTokenCall(call, () => g.run(call)).catch((err: unknown) => {
      throw grantFailure(call, err);
    });
    if (!granted.accessToken) throw noToken(call.ctx);
    // The library computed expiry with Date.now(); turn it into a lifetime on our clock.
    const lifetimeMs = granted.expiryDateMs ? Math.max(0, granted.expiryDateMs - startedAt) : 3600_000;
    this.#token = {
      value: granted.accessToken,
      lifetimeMs,
      expiresAtMs: this.#now() + lifetimeMs,
      scopes: granted.scopes,
    };
    return granted.accessToken;
  }
}

/**
 * What a failed grant reports: the pipeline's typed, sanitized error when there was one, never the
 * library's. A token that cannot be had because the server refused the credential (4xx) is a
 * credentials failure whatever its status (generateAccessToken's 403 is not a billing permission).
 */
function grantFailure(call: TokenCall, err: unknown): CloudBillingError {
  const typed = call.failure ?? (err instanceof CloudBillingError ? err : undefined);
  if (!typed) return noToken(call.ctx);
  const refused = typed.httpStatus !== undefined && typed.httpStatus >= 400 && typed.httpStatus < 500;
  const transient = typed.httpStatus === 408 || typed.httpStatus === 429;
  if (typed instanceof CredentialsError || !refused || transient) return typed;
  return new CredentialsError(typed.message, typed.fields());
}

export function noToken(ctx: HintContext): CredentialsError {
  return new CredentialsError(`${ctx.method} returned no access token.`, {
    method: ctx.method,
    status: "UNAUTHENTICATED",
    hint: "Check that the token endpoint is Google's (or the emulator's), then log in again: `gcp-billing-link login`.",
  });
}

const sessions = new Map<string, AccessTokenSource>();

/** A stable key: the credential (its secrets included, hashed), the endpoints and the scopes. */
function sessionKey(cred: ResolvedCredential, choice: EndpointChoice, scopes: ScopeSet): string {
  const material = JSON.stringify(
    [cred, choice.endpoints, [...choice.overridden].sort(), scopes],
    (k, v: unknown) => (k === "source" ? undefined : v),
  );
  return createHash("sha256").update(material).digest("hex");
}

/**
 * The process-wide token source for a credential. `scopes` are those the sdk asks for where it chooses
 * (service accounts, federation): FINAL_SCOPES for the API, SOURCE_SCOPES for a credential that
 * impersonates. Throws (naming the setting) when a file's endpoint may not be used.
 */
export function tokenSourceFor(
  cred: ResolvedCredential,
  choice: EndpointChoice,
  now: () => number,
  scopes: ScopeSet = FINAL_SCOPES,
): AccessTokenSource {
  if (cred.kind === "access_token") return new StaticTokenSource(cred.accessToken);
  const key = sessionKey(cred, choice, scopes);
  let source = sessions.get(key);
  if (!source) {
    const grant = grantFor(cred, choice, scopes, (inner, innerScopes) =>
      tokenSourceFor(inner, choice, now, innerScopes),
    );
    source = new TokenSession(grant, now);
    sessions.set(key, source);
  }
  return source;
}

/** @internal Tests only: forget all cached tokens. */
export function clearTokenCacheForTests(): void {
  sessions.clear();
}
