/**
 * Access tokens: one per credential per process, refreshed single-flight before expiry.
 *
 * Sessions live in a process-wide map keyed by a SHA-256 of (token URL, client, secret, refresh token),
 * so many CloudBillingClient instances (one per Pulumi resource operation) share a token without the
 * secret ever being a visible key. The refresh threshold is min(5 min, lifetime/4): google-auth-library's
 * fixed 5 min would refresh before every request when tokens live < 5 min (oauth-and-credentials.md §4.3).
 * The token POST itself goes through google-auth-library's UserRefreshClient, built with our endpoints.
 */
import { createHash } from "node:crypto";
import { UserRefreshClient } from "google-auth-library";
import { z } from "zod";
import type { ResolvedCredential } from "./credentials";
import { errorFromNetwork, errorFromResponse } from "./errorFactory";
import { parseErrorBody } from "./errorParser";
import type { CloudBillingError } from "./errors";
import type { HintContext } from "./hints";
import { makeSanitizer } from "./sanitize";
import { redactGaxiosError, withoutAuthLogging } from "./transport";

export const MAX_REFRESH_THRESHOLD_MS = 5 * 60_000;

/** Refresh this long before expiry. */
export function refreshThresholdMs(lifetimeMs: number): number {
  return Math.min(MAX_REFRESH_THRESHOLD_MS, Math.max(0, lifetimeMs) / 4);
}

export interface AccessTokenSource {
  readonly canRefresh: boolean;
  /** The scopes the token endpoint granted with the current token; undefined when unknown (static tokens). */
  readonly grantedScopes: readonly string[] | undefined;
  getToken(): Promise<string>;
  /** Called after a 401 with the token that was rejected: drop it if still current and get a new one. */
  refreshAfterRejection(rejected: string): Promise<string>;
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

const GaxiosLikeError = z.object({
  code: z.unknown().optional(),
  response: z.object({ status: z.number(), data: z.unknown().optional() }).optional(),
});

class RefreshTokenSession implements AccessTokenSource {
  readonly canRefresh = true;
  #client: UserRefreshClient;
  #token: CachedToken | undefined;
  #inflight: Promise<string> | undefined;
  readonly #now: () => number;
  readonly #hintContext: HintContext;
  readonly #secrets: string[];

  constructor(
    cred: Extract<ResolvedCredential, { refreshToken: string }>,
    tokenUrl: string,
    now: () => number,
  ) {
    this.#client = withoutAuthLogging(
      new UserRefreshClient({
        clientId: cred.clientId,
        clientSecret: cred.clientSecret,
        refreshToken: cred.refreshToken,
        endpoints: { oauth2TokenUrl: tokenUrl },
        transporterOptions: { errorRedactor: redactGaxiosError, timeout: 30_000 },
      }),
    );
    this.#now = now;
    this.#secrets = [cred.refreshToken, cred.clientSecret];
    this.#hintContext = { method: "oauth.token", credentialKind: cred.kind, credentialSource: cred.source };
  }

  get grantedScopes(): readonly string[] | undefined {
    return this.#token?.scopes;
  }

  async getToken(): Promise<string> {
    const t = this.#token;
    if (t && this.#now() < t.expiresAtMs - refreshThresholdMs(t.lifetimeMs)) return t.value;
    return this.#refresh();
  }

  async refreshAfterRejection(rejected: string): Promise<string> {
    if (this.#token?.value === rejected) this.#token = undefined;
    return this.getToken();
  }

  #refresh(): Promise<string> {
    // Single-flight: every caller that finds the token stale shares one POST.
    this.#inflight ??= this.#doRefresh().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #doRefresh(): Promise<string> {
    const startedAt = Date.now();
    let credentials: { access_token?: string | null; expiry_date?: number | null; scope?: string };
    try {
      credentials = (await this.#client.refreshAccessToken()).credentials;
    } catch (e) {
      throw this.#mapError(e);
    }
    const value = credentials.access_token;
    if (!value) {
      throw this.#mapError(undefined);
    }
    // The library computed expiry_date with Date.now(); turn it into a lifetime on our clock.
    const lifetimeMs = credentials.expiry_date ? Math.max(0, credentials.expiry_date - startedAt) : 3600_000;
    // The token response names the granted scopes (RFC 6749 §5.1), so no tokeninfo call is needed.
    const scopes = credentials.scope?.split(" ").filter((scope) => scope !== "");
    this.#token = { value, lifetimeMs, expiresAtMs: this.#now() + lifetimeMs, scopes };
    return value;
  }

  /** Rebuilds a token-endpoint failure from its status and body only; the GaxiosError is dropped. */
  #mapError(e: unknown): CloudBillingError {
    const sanitize = makeSanitizer(this.#secrets);
    const g = GaxiosLikeError.safeParse(e);
    const response = g.success ? g.data.response : undefined;
    if (response) {
      const bodyText =
        typeof response.data === "string" ? response.data : JSON.stringify(response.data ?? "");
      return errorFromResponse(
        parseErrorBody({ httpStatus: response.status, bodyText, sanitize }),
        this.#hintContext,
      );
    }
    const code = g.success && typeof g.data.code === "string" ? g.data.code : "TOKEN_REFRESH_FAILED";
    return errorFromNetwork(code, this.#hintContext);
  }
}

const sessions = new Map<string, RefreshTokenSession>();

function sessionKey(cred: Extract<ResolvedCredential, { refreshToken: string }>, tokenUrl: string): string {
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
