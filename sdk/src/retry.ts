/**
 * Retry policy as pure functions (docs/conventions.md "Retries and timeouts"), plus the one loop that applies it.
 * gaxios retries nothing on AuthClient requests, ignores Retry-After and RetryInfo, and keeps its retry
 * state in the shared config (docs/oauth.md §5.1), so the sdk sends with gaxios retries off
 * and decides here instead. Attempt counts live in local variables only.
 */
import { CancelledError, CloudBillingError, DeadlineExceededError } from "./errors";

export interface RetryPolicy {
  /** Overall budget for one logical operation, including waits, except the waits for the rate quota. */
  deadlineMs: number;
  /**
   * Budget for the waits for the rate quota in one operation (the client-side limiter's queue, a 429's
   * Retry-After), on top of `deadlineMs` (operationBudget.ts).
   */
  throttleBudgetMs: number;
  /** Budget for one HTTP attempt (gaxios has no default timeout). */
  attemptTimeoutMs: number;
  /** Upper bound on attempts, including the first. */
  maxAttempts: number;
  /** Full-jitter backoff: the n-th retry waits random(0, min(maxDelayMs, initialDelayMs·multiplier^(n-1))). */
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  /** Statuses that may succeed when repeated; never 400/401/403/404. */
  retryableStatuses: readonly number[];
  /** Node/undici error codes for requests that got no response. */
  retryableNetworkCodes: readonly string[];
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  deadlineMs: 60_000,
  throttleBudgetMs: 600_000,
  attemptTimeoutMs: 30_000,
  maxAttempts: 8,
  initialDelayMs: 500,
  maxDelayMs: 16_000,
  multiplier: 2,
  retryableStatuses: Object.freeze([408, 429, 500, 502, 503, 504]),
  retryableNetworkCodes: Object.freeze([
    "ECONNRESET",
    "ECONNREFUSED",
    "ECONNABORTED",
    "ETIMEDOUT",
    "EPIPE",
    "EAI_AGAIN",
    "UND_ERR_SOCKET",
    "ATTEMPT_TIMEOUT",
  ]),
});

/** Merges caller overrides; an explicit 0 is kept (gaxios replaced falsy values by defaults). */
export function withDefaults(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const out: RetryPolicy = { ...DEFAULT_RETRY_POLICY };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) Object.assign(out, { [key]: value });
  }
  return out;
}

/** What one attempt produced, reduced to what the policy needs. */
export type AttemptOutcome =
  | {
      kind: "status";
      httpStatus: number;
      /** From `Retry-After` or `google.rpc.RetryInfo`, already converted to ms. */
      serverDelayMs?: number;
      /** A 429 whose ErrorInfo says `quota_limit_value: "0"`: a missing grant, not throttling. */
      zeroQuota?: boolean;
    }
  | { kind: "network"; code: string }
  /** A failure that already had its retries (a token refresh that gave up): never repeated. */
  | { kind: "final" };

export function isRetryable(outcome: AttemptOutcome, policy: RetryPolicy): boolean {
  if (outcome.kind === "final") return false;
  if (outcome.kind === "network") return policy.retryableNetworkCodes.includes(outcome.code);
  if (outcome.httpStatus === 429 && outcome.zeroQuota === true) return false;
  return policy.retryableStatuses.includes(outcome.httpStatus);
}

/** Full-jitter exponential backoff for the `retry`-th retry (1-based). */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * Math.pow(policy.multiplier, Math.max(0, retry - 1)),
  );
  return Math.floor(random() * ceiling);
}

/**
 * `Retry-After` is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3). Returns ms from `nowMs`,
 * or undefined when absent or unparsable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** `google.rpc.RetryInfo.retryDelay` is a proto Duration in JSON form: "1.5s". */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

export type RetryDecision =
  /** `throttled`: the wait is the server's Retry-After for a 429, charged to the throttling budget. */
  | { retry: true; delayMs: number; throttled?: true }
  | { retry: false; why: "not-retryable" | "attempts-exhausted" | "deadline" };

/**
 * Whether to retry after attempt number `attempt` (1-based) failed with `outcome`. A server-requested
 * delay is a floor: the wait is max(server delay, jittered backoff). If the wait would end past the
 * deadline we stop now rather than sleep and fail. A 429 that says how long to wait is throttling, not
 * failure: with `throttleRemainingMs` given, its wait is bounded by that budget instead of the deadline.
 */
export function decideRetry(args: {
  outcome: AttemptOutcome;
  attempt: number;
  elapsedMs: number;
  deadlineMs: number;
  policy: RetryPolicy;
  random: () => number;
  throttleRemainingMs?: number;
}): RetryDecision {
  const { outcome, attempt, elapsedMs, deadlineMs, policy, random } = args;
  if (!isRetryable(outcome, policy)) return { retry: false, why: "not-retryable" };
  if (attempt >= policy.maxAttempts) return { retry: false, why: "attempts-exhausted" };
  const jittered = backoffMs(attempt, policy, random);
  const server = outcome.kind === "status" ? outcome.serverDelayMs : undefined;
  const delayMs = server === undefined ? jittered : Math.max(server, jittered);
  const throttled = outcome.kind === "status" && outcome.httpStatus === 429 && server !== undefined;
  if (throttled && args.throttleRemainingMs !== undefined) {
    return delayMs <= args.throttleRemainingMs
      ? { retry: true, delayMs, throttled: true }
      : { retry: false, why: "deadline" };
  }
  if (elapsedMs + delayMs >= deadlineMs) return { retry: false, why: "deadline" };
  return { retry: true, delayMs };
}

/** How an operation's time is charged (operationBudget.ts); without one, all of it counts to the deadline. */
export interface RetryBudget {
  elapsedMs(): number;
  throttleRemainingMs(): number;
  chargeThrottle(ms: number): boolean;
}

export type AttemptResult<T> =
  { ok: true; value: T } | { ok: false; outcome: AttemptOutcome; error: CloudBillingError };

export interface RetryRunDeps {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
}

/**
 * Runs `attempt` until it succeeds, the policy says stop, the deadline passes or `signal` aborts.
 * `attempt` receives a signal that fires at the earlier of the caller's abort, the attempt timeout
 * and the overall deadline; it is built fresh from the caller's signal each time.
 */
export async function runWithRetry<T>(
  attempt: (n: number, signal: AbortSignal, remainingMs: number) => Promise<AttemptResult<T>>,
  opts: {
    policy: RetryPolicy;
    deps: RetryRunDeps;
    deadlineMs?: number;
    signal?: AbortSignal;
    method?: string;
    resource?: string;
    budget?: RetryBudget;
  },
): Promise<T> {
  const { policy, deps, budget } = opts;
  const deadlineMs = opts.deadlineMs ?? policy.deadlineMs;
  const start = deps.now();
  const elapsed = () => (budget ? budget.elapsedMs() : deps.now() - start);
  let lastError: CloudBillingError | undefined;
  for (let n = 1; ; n++) {
    throwIfAborted(opts.signal, opts.method, opts.resource, n - 1);
    const remaining = deadlineMs - elapsed();
    if (remaining <= 0) throw deadlineError(opts.method, opts.resource, n - 1, lastError);
    const timeout = AbortSignal.timeout(Math.max(1, Math.min(policy.attemptTimeoutMs, remaining)));
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    const result = await attempt(n, signal, remaining);
    if (result.ok) return result.value;
    throwIfAborted(opts.signal, opts.method, opts.resource, n);
    lastError = result.error;
    const decision = decideRetry({
      outcome: result.outcome,
      attempt: n,
      elapsedMs: elapsed(),
      deadlineMs,
      policy,
      random: deps.random,
      ...(budget ? { throttleRemainingMs: budget.throttleRemainingMs() } : {}),
    });
    if (!decision.retry) {
      if (decision.why === "deadline" && isRetryable(result.outcome, policy)) {
        throw deadlineError(opts.method, opts.resource, n, lastError);
      }
      throw result.error.withAttempts(n);
    }
    if (decision.throttled) budget?.chargeThrottle(decision.delayMs);
    await deps.sleep(decision.delayMs, opts.signal);
  }
}

function throwIfAborted(
  signal: AbortSignal | undefined,
  method?: string,
  resource?: string,
  attempts?: number,
): void {
  if (signal?.aborted) {
    throw new CancelledError(`${method ?? "request"} was cancelled by the caller.`, {
      status: "CANCELLED",
      method,
      resource,
      attempts,
    });
  }
}

function deadlineError(
  method: string | undefined,
  resource: string | undefined,
  attempts: number,
  last: CloudBillingError | undefined,
): DeadlineExceededError {
  const lastPart = last ? ` Last error: ${last.message}` : "";
  return new DeadlineExceededError(
    `${method ?? "request"} did not succeed before its deadline after ${attempts} attempt(s).${lastPart}`,
    {
      status: "DEADLINE_EXCEEDED",
      method,
      resource,
      attempts,
      httpStatus: last?.httpStatus,
      reason: last?.reason,
      hint:
        last?.hint ??
        "The service kept failing or throttling; retry later, lower parallelism, or raise `retry.deadlineMs`.",
    },
    last,
  );
}

/** Real clock: sleeps are abortable and do not keep the process alive. */
export const systemClock = {
  now: (): number => Date.now(),
  random: (): number => Math.random(),
  sleep: (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done(): void {
        signal?.removeEventListener("abort", done);
        clearTimeout(timer);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    }),
};
