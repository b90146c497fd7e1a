/**
 * The life of one logical request, as named steps, for API calls and OAuth calls alike:
 *
 *   authorize (bearer token) → throttle (rate limit, concurrency cap) → send (one HTTP attempt)
 *   → replay once after a 401 with a fresh token → interpret (parse, or turn the failure into a typed,
 *   sanitized error, feeding 429s back to the limiter) → retry (retry.ts decides, honouring Retry-After)
 *
 * Token grants come through here too (tokenTransporter.ts): google-auth-library performs the grant
 * (a refresh, a JWT-bearer assertion, an STS exchange, generateAccessToken), but its HTTP requests are
 * this pipeline's, so one policy retries them, one redactor cleans them, they are cancelled with the call
 * that needed them and they are reported to the same observer.
 */
import { errorFromNetwork, errorFromResponse } from "./errorFactory";
import { isZeroQuota, parseErrorBody } from "./errorParser";
import { CloudBillingError } from "./errors";
import type { HintContext } from "./hints";
import { parseRetryAfter, runWithRetry, type AttemptResult, type RetryPolicy } from "./retry";
import { OperationBudget } from "./operationBudget";
import { makeSanitizer } from "./sanitize";
import type { Authorization, RequestExecutor, RequestSpec } from "./requestSpec";
import type { Semaphore } from "./throttle";
import type { HttpResult, Transport } from "./transport";
import type { CallOptions, Clock, RequestObserver } from "./types";

export interface PipelineDeps {
  transport: Transport;
  policy: RetryPolicy;
  clock: Clock;
  semaphore: Semaphore;
  userAgent: string;
  apiClientHeader: string;
  observer?: RequestObserver;
  authorization(): Authorization;
}

/** State of one logical operation across its attempts. */
interface Operation {
  replayed: boolean;
  /**
   * Fires at the operation's deadline or the caller's abort. A token refresh is bound to it, not to one
   * attempt: a retry after an attempt timeout joins the refresh still in flight.
   */
  signal: AbortSignal;
  /** Where waits for the rate quota are charged (not to the deadline). */
  budget: OperationBudget;
}

export class RequestPipeline implements RequestExecutor {
  constructor(private readonly deps: PipelineDeps) {}

  /** Runs `spec` to a parsed value, or throws the sdk's typed error. */
  async execute<T>(spec: RequestSpec<T>, opts: CallOptions = {}): Promise<T> {
    const { policy, clock } = this.deps;
    const deadlineMs = opts.deadlineMs ?? policy.deadlineMs;
    const budget = new OperationBudget(deadlineMs, policy.throttleBudgetMs, () => clock.now(), opts.signal);
    const operation: Operation = { replayed: false, signal: budget.signal, budget };
    try {
      // Each attempt times its own HTTP exchange (send), so runWithRetry's per-attempt signal is not used.
      return await runWithRetry((n) => this.attempt(spec, operation, n), {
        policy,
        deps: clock,
        deadlineMs,
        signal: opts.signal,
        method: spec.ctx.method,
        resource: spec.ctx.resource,
        budget,
      });
    } finally {
      budget.end();
    }
  }

  private async attempt<T>(spec: RequestSpec<T>, operation: Operation, n: number): Promise<AttemptResult<T>> {
    const auth = spec.auth === "bearer" ? this.deps.authorization() : undefined;
    let token = auth ? await this.authorize(auth, spec, operation) : undefined;
    if (typeof token === "object") return token;
    let result = await this.send(spec, auth, token, n, operation);
    if (
      auth &&
      token !== undefined &&
      isStatus(result, 401) &&
      auth.tokens.canRefresh &&
      !operation.replayed
    ) {
      // Exactly one refresh-and-replay per logical operation, however many retries follow.
      operation.replayed = true;
      token = await this.authorize(auth, spec, operation, token);
      if (typeof token === "object") return token;
      result = await this.send(spec, auth, token, n, operation);
    }
    return this.interpret(spec, auth, token, result);
  }

  /**
   * The access token, or the failed attempt when none could be had. Waiting for a token is not an HTTP
   * attempt of this call: the grant has its own attempts and retries, so the wait is bounded by the
   * operation (its deadline and the caller's abort), and a grant that gave up is the final answer.
   */
  private async authorize<T>(
    auth: Authorization,
    spec: RequestSpec<T>,
    operation: Operation,
    rejected?: string,
  ): Promise<string | AttemptResult<T>> {
    const request = { signal: operation.signal, pipeline: this };
    try {
      return rejected === undefined
        ? await auth.tokens.getToken(request)
        : await auth.tokens.refreshAfterRejection(rejected, request);
    } catch (err) {
      // The operation ended while waiting: the retry loop reports its deadline or the cancellation.
      if (operation.signal.aborted) return timedOut({ ...spec.ctx, method: "oauth.token" });
      const error = err instanceof CloudBillingError ? err : tokenFailure(spec.ctx);
      return { ok: false, outcome: { kind: "final" }, error };
    }
  }

  /**
   * Waits for the rate limit and a concurrency slot (bounded by the operation), then makes one HTTP
   * attempt, timed from when it is sent: queueing is not the service being slow. The rate limit's wait is
   * charged to the throttling budget, not the deadline (operationBudget.ts).
   */
  private async send<T>(
    spec: RequestSpec<T>,
    auth: Authorization | undefined,
    token: string | undefined,
    attempt: number,
    operation: Operation,
  ): Promise<HttpResult> {
    const operationSignal = operation.signal;
    const headers = this.headers(spec, auth, token);
    if (spec.quota && auth) {
      const { clock } = this.deps;
      // A 429 that arrives while this call waits for its slot holds it further (throttle.ts).
      for (
        let waitMs = auth.limiter.reserve(clock.now());
        waitMs > 0;
        waitMs = auth.limiter.heldMs(clock.now())
      ) {
        operation.budget.chargeThrottle(waitMs); // when it does not fit, the deadline ends the wait
        await clock.sleep(waitMs, operationSignal);
        if (operationSignal.aborted) return { kind: "network", code: "ATTEMPT_TIMEOUT" };
      }
    }
    const release = await this.deps.semaphore.acquire(operationSignal);
    // Aborted while queued for a slot: the same outcome as an attempt that timed out on the wire.
    if (!release) return { kind: "network", code: "ATTEMPT_TIMEOUT" };
    const signal = AbortSignal.any([operationSignal, AbortSignal.timeout(this.deps.policy.attemptTimeoutMs)]);
    const startedAt = this.deps.clock.now();
    try {
      const result = await this.deps.transport.send({
        method: spec.httpMethod,
        url: spec.url,
        headers,
        body: spec.body,
        signal,
      });
      this.observe(spec, result, attempt, startedAt);
      return result;
    } finally {
      release();
    }
  }

  private headers<T>(
    spec: RequestSpec<T>,
    auth: Authorization | undefined,
    token: string | undefined,
  ): Record<string, string> {
    const headers: Record<string, string> = {
      accept: "application/json",
      "user-agent": this.deps.userAgent,
      "x-goog-api-client": this.deps.apiClientHeader,
      ...spec.headers,
    };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (spec.quota && auth?.quotaProject) headers["x-goog-user-project"] = auth.quotaProject;
    return headers;
  }

  private observe<T>(spec: RequestSpec<T>, result: HttpResult, attempt: number, startedAt: number): void {
    this.deps.observer?.({
      method: spec.ctx.method,
      attempt,
      durationMs: this.deps.clock.now() - startedAt,
      ...(result.kind === "response" ? { httpStatus: result.status } : { networkCode: result.code }),
    });
  }

  /** A value, or a typed and sanitized error plus what the retry policy needs to know about it. */
  private interpret<T>(
    spec: RequestSpec<T>,
    auth: Authorization | undefined,
    token: string | undefined,
    result: HttpResult,
  ): AttemptResult<T> {
    const ctx = this.context(spec, auth);
    if (result.kind === "network") {
      return {
        ok: false,
        outcome: { kind: "network", code: result.code },
        error: errorFromNetwork(result.code, ctx),
      };
    }
    if (result.status >= 200 && result.status < 300) return this.success(spec, auth, result.bodyText, ctx);
    const sanitize = makeSanitizer([...(spec.secrets ?? []), ...(auth?.secrets ?? []), token]);
    const parsed = parseErrorBody({
      httpStatus: result.status,
      bodyText: result.bodyText,
      wwwAuthenticate: result.header("www-authenticate"),
      sanitize,
    });
    const now = this.deps.clock.now();
    const serverDelayMs = parseRetryAfter(result.header("retry-after"), now) ?? parsed.retryDelayMs;
    if (result.status === 429 && spec.quota && !isZeroQuota(parsed))
      auth?.limiter.onThrottled(now, serverDelayMs);
    return {
      ok: false,
      outcome: {
        kind: "status",
        httpStatus: result.status,
        zeroQuota: isZeroQuota(parsed),
        ...(serverDelayMs !== undefined ? { serverDelayMs } : {}),
      },
      error: errorFromResponse(parsed, ctx),
    };
  }

  private success<T>(
    spec: RequestSpec<T>,
    auth: Authorization | undefined,
    bodyText: string,
    ctx: HintContext,
  ): AttemptResult<T> {
    const value = spec.parse(spec.responseType === "text" ? bodyText : parseJsonOrUndefined(bodyText));
    if (value !== undefined) {
      if (spec.quota) auth?.limiter.onSuccess();
      return { ok: true, value };
    }
    // A 2xx we cannot read is not transient; say so instead of retrying or returning junk.
    return {
      ok: false,
      outcome: { kind: "status", httpStatus: 502 },
      error: new CloudBillingError(`${ctx.method} returned a response the sdk could not parse.`, {
        httpStatus: 200,
        status: "UNKNOWN",
        method: ctx.method,
        resource: ctx.resource,
        hint: "Check that the API root points at Cloud Billing API v1.",
      }),
    };
  }

  private context<T>(spec: RequestSpec<T>, auth: Authorization | undefined): HintContext {
    if (!auth) return spec.ctx;
    const quota = spec.quota && auth.quotaProject ? { quotaProject: auth.quotaProject } : {};
    return { ...spec.ctx, ...auth.credential, ...quota };
  }
}

function timedOut<T>(ctx: HintContext): AttemptResult<T> {
  return {
    ok: false,
    outcome: { kind: "network", code: "ETIMEDOUT" },
    error: errorFromNetwork("ETIMEDOUT", ctx),
  };
}

/** A token source failed without a typed error (a bug or an unexpected library error): never its text. */
function tokenFailure(ctx: HintContext): CloudBillingError {
  return new CloudBillingError("oauth.token failed: the access token could not be obtained.", {
    method: "oauth.token",
    status: "UNAUTHENTICATED",
    resource: ctx.resource,
    hint: "Check the credentials, or log in again: `gcp-billing-link login`.",
  });
}

function isStatus(r: HttpResult, status: number): boolean {
  return r.kind === "response" && r.status === status;
}

function parseJsonOrUndefined(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A URL with its query parameters (undefined ones left out). */
export function buildUrl(base: string, query: Record<string, string | undefined> = {}): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}
