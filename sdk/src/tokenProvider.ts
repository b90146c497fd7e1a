/**
 * Access tokens: one per credential per process, refreshed single-flight before expiry.
 *
 * Sessions live in a process-wide map keyed by a SHA-256 of (token URL, client, secret, refresh token),
 * so many CloudBillingClient instances (one per Pulumi resource operation) share a token without the
 * secret ever being a visible key. The refresh threshold is min(5 min, lifetime/4): google-auth-library's
 * fixed 5 min would refresh before every request when tokens live < 5 min (docs/oauth.md §4.3).
 * The grant itself is google-auth-library's UserRefreshClient, built with our endpoints; its HTTP request
 * goes through the caller's request pipeline (tokenTransporter.ts). google-auth-library is loaded only
 * when a refresh-token credential is used: a static token never needs it.
 */
import { createHash } from "node:crypto";
import type { UserRefreshClient } from "google-auth-library";
import type { ResolvedCredential } from "./credentials";
import { CloudBillingError, CredentialsError } from "./errors";
import type { HintContext } from "./hints";
import type { AccessTokenSource, RequestExecutor, TokenRequest } from "./requestSpec";
import { PipelineTransporter, withTokenCall } from "./tokenTransporter";

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

interface Flight<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiters: number;
}

/**
 * One operation shared by every caller that needs it at the same time. Each caller stops waiting when
 * its own signal aborts; the operation itself is aborted once every caller has stopped waiting.
 */
export class SharedFlight<T> {
  #flight: Flight<T> | undefined;

  join(start: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<T> {
    const flight = (this.#flight ??= this.#start(start));
    flight.waiters++;
    return new Promise<T>((resolve, reject) => {
      const leave = (): void => {
        signal.removeEventListener("abort", onAbort);
        if (--flight.waiters === 0 && !settled) this.#abort(flight);
      };
      const onAbort = (): void => {
        leave();
        reject(new Error("aborted"));
      };
      let settled = false;
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      flight.promise.then(
        (value) => ((settled = true), leave(), resolve(value)),
        (err: unknown) => ((settled = true), leave(), reject(err)),
      );
    });
  }

  #start(start: (signal: AbortSignal) => Promise<T>): Flight<T> {
    const controller = new AbortController();
    const flight: Flight<T> = { controller, waiters: 0, promise: Promise.resolve() as Promise<T> };
    flight.promise = start(controller.signal).finally(() => {
      if (this.#flight === flight) this.#flight = undefined;
    });
    flight.promise.catch(() => undefined); // every waiter handles it; no unhandled rejection if none is left
    return flight;
  }

  #abort(flight: Flight<T>): void {
    // Later callers start afresh instead of joining an operation that is being cancelled.
    if (this.#flight === flight) this.#flight = undefined;
    flight.controller.abort();
  }
}

type RefreshCredential = Extract<ResolvedCredential, { refreshToken: string }>;

/** Loaded on first use, not at import: only refresh-token credentials need google-auth-library. */
function loadGoogleAuth(): typeof import("google-auth-library") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("google-auth-library") as typeof import("google-auth-library");
}

class RefreshTokenSession implements AccessTokenSource {
  readonly canRefresh = true;
  readonly #client: UserRefreshClient;
  readonly #refresh = new SharedFlight<string>();
  readonly #now: () => number;
  readonly #ctx: HintContext;
  readonly #secrets: readonly string[];
  #token: CachedToken | undefined;

  constructor(cred: RefreshCredential, tokenUrl: string, now: () => number) {
    const { UserRefreshClient: Client } = loadGoogleAuth();
    this.#client = new Client({
      clientId: cred.clientId,
      clientSecret: cred.clientSecret,
      refreshToken: cred.refreshToken,
      endpoints: { oauth2TokenUrl: tokenUrl },
      transporter: new PipelineTransporter(),
      useAuthRequestParameters: false,
    });
    this.#now = now;
    this.#secrets = [cred.refreshToken, cred.clientSecret];
    this.#ctx = { method: "oauth.token", credentialKind: cred.kind, credentialSource: cred.source };
  }

  get grantedScopes(): readonly string[] | undefined {
    return this.#token?.scopes;
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
    const call = { pipeline, signal, ctx: this.#ctx, secrets: this.#secrets };
    let credentials: { access_token?: string | null; expiry_date?: number | null; scope?: string };
    try {
      ({ credentials } = await withTokenCall(call, () => this.#client.refreshAccessToken()));
    } catch (err) {
      // Errors from the pipeline are typed and sanitized already; the library's own are not shown.
      throw err instanceof CloudBillingError ? err : noToken(this.#ctx);
    }
    if (!credentials.access_token) throw noToken(this.#ctx);
    // The library computed expiry_date with Date.now(); turn it into a lifetime on our clock.
    const lifetimeMs = credentials.expiry_date ? Math.max(0, credentials.expiry_date - startedAt) : 3600_000;
    // The token response names the granted scopes (RFC 6749 §5.1), so no tokeninfo call is needed.
    const scopes = credentials.scope?.split(" ").filter((scope) => scope !== "");
    this.#token = {
      value: credentials.access_token,
      lifetimeMs,
      expiresAtMs: this.#now() + lifetimeMs,
      scopes,
    };
    return credentials.access_token;
  }
}

function noToken(ctx: HintContext): CredentialsError {
  return new CredentialsError(`${ctx.method} returned no access token.`, {
    method: ctx.method,
    status: "UNAUTHENTICATED",
    hint: "Check that the token endpoint is Google's (or the emulator's), then log in again: `gcp-billing-link login`.",
  });
}

const sessions = new Map<string, RefreshTokenSession>();

function sessionKey(cred: RefreshCredential, tokenUrl: string): string {
  return createHash("sha256")
    .update([tokenUrl, cred.clientId, cred.clientSecret, cred.refreshToken].join("\u0000"))
    .digest("hex");
}

/** The process-wide token source for a credential. */
export function tokenSourceFor(
  cred: ResolvedCredential,
  tokenUrl: string,
  now: () => number,
): AccessTokenSource {
  if (cred.kind === "access_token") return new StaticTokenSource(cred.accessToken);
  const key = sessionKey(cred, tokenUrl);
  let session = sessions.get(key);
  if (!session) {
    session = new RefreshTokenSession(cred, tokenUrl, now);
    sessions.set(key, session);
  }
  return session;
}

/** @internal Tests only: forget all cached tokens. */
export function clearTokenCacheForTests(): void {
  sessions.clear();
}
