/**
 * The contract between the request pipeline and what it calls on: a request as data, and the token
 * sources that authorize it. Kept apart so that token sources (which send their grants through a
 * pipeline) and the pipeline (which asks them for tokens) depend on this file, not on each other.
 */
import type { HintContext } from "./hints";
import type { SlidingWindowLimiter } from "./throttle";
import type { HttpBody } from "./transport";
import type { CallOptions, Parse } from "./types";

export interface RequestSpec<T> {
  httpMethod: "GET" | "PUT" | "POST";
  /** Absolute URL, query included. */
  url: string;
  body?: HttpBody;
  headers?: Record<string, string>;
  parse: Parse<T>;
  ctx: HintContext;
  /** `bearer`: send the access token (and replay once after a 401). `none`: the token endpoint itself. */
  auth: "bearer" | "none";
  /** Cloud Billing API calls: the quota project header, the rate limit and 429 feedback apply. */
  quota: boolean;
  /** Values that must never reach a message, besides the credential's own. */
  secrets?: readonly string[];
  /** `text`: `parse` gets the raw body (a subject token served as plain text); default JSON. */
  responseType?: "json" | "text";
}

/** Runs a request to a parsed value, or throws the sdk's typed error (requestPipeline.ts). */
export interface RequestExecutor {
  execute<T>(spec: RequestSpec<T>, opts?: CallOptions): Promise<T>;
}

/** The call that needs a token: its signal bounds the wait, its pipeline carries a refresh. */
export interface TokenRequest {
  signal: AbortSignal;
  pipeline: RequestExecutor;
}

export interface AccessTokenSource {
  readonly canRefresh: boolean;
  /** The scopes the current token carries; undefined when unknown (static tokens). */
  readonly grantedScopes: readonly string[] | undefined;
  /** For workload identity federation: the subject token's `sub`, once one was exchanged. */
  readonly federatedSubject?: string;
  getToken(request: TokenRequest): Promise<string>;
  /** Called after a 401 with the token that was rejected: drop it if still current and get a new one. */
  refreshAfterRejection(rejected: string, request: TokenRequest): Promise<string>;
}

/** What the credential contributes to a call; resolved lazily by the client. */
export interface Authorization {
  tokens: AccessTokenSource;
  limiter: SlidingWindowLimiter;
  quotaProject?: string;
  secrets: readonly string[];
  /** Which credential is in use, for the hints of every failure. */
  credential: Pick<HintContext, "credentialKind" | "credentialSource">;
}
