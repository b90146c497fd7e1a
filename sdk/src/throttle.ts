/**
 * Client-side flow control, shared process-wide so hundreds of links in one Pulumi stack do not
 * stampede the quota (Cloud Billing allows 300 calls/min per quota project by default,
 * docs/cloud-billing-api.md §8):
 * - a concurrency cap per API root;
 * - a sliding-window rate limit per (API root, quota project): at most `requestsPerMinute` calls in any
 *   window of a minute. A run that stays under the quota never waits (a token bucket paced it from the
 *   21st call on), and one that goes past it is paced at exactly the quota. Any fixed one-minute window,
 *   which is how Google and the emulator count, lies inside some sliding window, so the limiter never
 *   admits more than the quota into one; against a refilling bucket of the same size it is also safe.
 * - 429s, which mean that something this process cannot see (another pipeline on the same quota project)
 *   spends the quota too: the limiter holds every call until the server's Retry-After has passed, and
 *   halves its allowance once per such episode; each success wins back 5 % of the configured rate.
 * The limiter's arithmetic is pure given a `now` so it is unit-tested without waiting.
 */

export class Semaphore {
  #limit: number;
  #active = 0;
  readonly #waiters: (() => void)[] = [];

  constructor(limit: number) {
    this.#limit = Math.max(1, Math.floor(limit));
  }

  setLimit(limit: number): void {
    this.#limit = Math.max(1, Math.floor(limit));
    this.#drain();
  }

  get active(): number {
    return this.#active;
  }

  /**
   * Resolves with a release function once a slot is free, or with `undefined` if `signal` aborts while
   * waiting (the waiter is then removed, so an abandoned call never takes a slot later).
   */
  async acquire(signal?: AbortSignal): Promise<(() => void) | undefined> {
    if (signal?.aborted) return undefined;
    if (this.#active >= this.#limit) {
      const granted = await new Promise<boolean>((resolve) => {
        const waiter = () => {
          signal?.removeEventListener("abort", onAbort);
          resolve(true);
        };
        const onAbort = () => {
          const i = this.#waiters.indexOf(waiter);
          if (i >= 0) this.#waiters.splice(i, 1);
          resolve(false);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        this.#waiters.push(waiter);
      });
      if (!granted) return undefined;
    } else this.#active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      this.#drain();
    };
  }

  #drain(): void {
    while (this.#active < this.#limit && this.#waiters.length > 0) {
      this.#active++;
      this.#waiters.shift()?.();
    }
  }
}

export interface RateLimiterConfig {
  /** Calls allowed in any window of `RATE_WINDOW_MS`; Infinity = no client-side limit. */
  requestsPerMinute: number;
  /** Never allow fewer than this per window after 429s, so a burst of 429s cannot stall the process. */
  minRequestsPerMinute: number;
}

export const DEFAULT_RATE_LIMIT: Readonly<RateLimiterConfig> = Object.freeze({
  requestsPerMinute: 300,
  minRequestsPerMinute: 12,
});

/**
 * A minute, plus a margin for the time a request takes to reach the server: the server counts arrivals,
 * the limiter counts sends, and a send admitted exactly a minute after another may arrive sooner after it.
 */
export const RATE_WINDOW_MS = 60_500;

export class SlidingWindowLimiter {
  readonly #config: RateLimiterConfig;
  #allowance: number;
  /** Send times of the calls admitted in the last window, ascending; later ones are reservations. */
  readonly #admitted: number[] = [];
  /** No call is admitted before this (a 429's Retry-After). */
  #heldUntil = 0;
  #lastDecreaseMs = -Infinity;

  constructor(config: RateLimiterConfig) {
    this.#config = config;
    this.#allowance = config.requestsPerMinute;
  }

  /** Calls currently allowed per window (the configured rate, lower after 429s). */
  get allowance(): number {
    return this.#allowance;
  }

  /**
   * Takes the earliest free slot; returns how long the caller must wait before sending (0 = now). Slots are
   * handed out in order, so callers are served first come, first served.
   */
  reserve(nowMs: number): number {
    this.#forget(nowMs);
    let at = Math.max(nowMs, this.#heldUntil);
    const n = this.#admitted.length;
    if (Number.isFinite(this.#allowance)) {
      const limit = Math.max(1, Math.floor(this.#allowance));
      if (n >= limit) at = Math.max(at, this.#admitted[n - limit] + RATE_WINDOW_MS);
    }
    at = Math.max(at, this.#admitted[n - 1] ?? at);
    // Recorded even when unlimited: a first 429 then knows how much was too much.
    this.#admitted.push(at);
    return at - nowMs;
  }

  /** How much longer a call whose slot has come must still wait, because a 429 arrived meanwhile. */
  heldMs(nowMs: number): number {
    return Math.max(0, this.#heldUntil - nowMs);
  }

  /**
   * Google said 429: hold every call until `retryAfterMs` has passed, and halve the allowance, once per
   * episode (the 429s of calls sent before the first one was answered tell nothing new). From unlimited,
   * the allowance becomes half of what was sent in the last window.
   */
  onThrottled(nowMs: number, retryAfterMs?: number): void {
    this.#forget(nowMs);
    const newEpisode = nowMs >= this.#heldUntil && nowMs - this.#lastDecreaseMs >= 1000;
    if (newEpisode) {
      this.#lastDecreaseMs = nowMs;
      const current = Number.isFinite(this.#allowance) ? this.#allowance : this.#sentBefore(nowMs);
      this.#allowance = Math.max(this.#config.minRequestsPerMinute, current / 2);
    }
    if (retryAfterMs === undefined) return;
    this.#heldUntil = Math.max(this.#heldUntil, nowMs + retryAfterMs);
    // The server said when it admits calls again, which accounts for what was sent so far: counting those
    // sends again would keep this process waiting up to a minute longer than the server asks.
    this.#admitted.splice(0, this.#admitted.filter((t) => t <= nowMs).length);
  }

  /** A success: grow back towards the configured rate by 5 % of it (10 % at a time when unlimited). */
  onSuccess(): void {
    if (this.#allowance === this.#config.requestsPerMinute) return;
    if (!Number.isFinite(this.#config.requestsPerMinute)) {
      this.#allowance = this.#allowance * 1.1 >= 100_000 ? Infinity : this.#allowance * 1.1;
      return;
    }
    this.#allowance = Math.min(
      this.#config.requestsPerMinute,
      this.#allowance + this.#config.requestsPerMinute * 0.05,
    );
  }

  /** Calls sent (not merely reserved) in the window before `nowMs`, at least the minimum. */
  #sentBefore(nowMs: number): number {
    const sent = this.#admitted.filter((t) => t <= nowMs).length;
    return Math.max(this.#config.minRequestsPerMinute, sent);
  }

  /** Sends older than a window can no longer delay anyone. */
  #forget(nowMs: number): void {
    let stale = 0;
    while (stale < this.#admitted.length && this.#admitted[stale] <= nowMs - RATE_WINDOW_MS) stale++;
    if (stale > 0) this.#admitted.splice(0, stale);
  }
}

const semaphores = new Map<string, Semaphore>();
const limiters = new Map<string, SlidingWindowLimiter>();

export const DEFAULT_MAX_CONCURRENT_REQUESTS = 16;

/** Process-wide semaphore for an API root. An explicit limit (re)sets the cap; later values win. */
export function semaphoreFor(apiRoot: string, limit: number | undefined): Semaphore {
  let s = semaphores.get(apiRoot);
  if (!s) {
    s = new Semaphore(limit ?? DEFAULT_MAX_CONCURRENT_REQUESTS);
    semaphores.set(apiRoot, s);
  } else if (limit !== undefined) {
    s.setLimit(limit);
  }
  return s;
}

/** Process-wide limiter for an API root and quota project (rate quota is charged per consumer project). */
export function rateLimiterFor(
  apiRoot: string,
  quotaProject: string | undefined,
  config: RateLimiterConfig,
): SlidingWindowLimiter {
  const key = `${apiRoot}\u0000${quotaProject ?? ""}\u0000${config.requestsPerMinute}`;
  let l = limiters.get(key);
  if (!l) {
    l = new SlidingWindowLimiter(config);
    limiters.set(key, l);
  }
  return l;
}

/** @internal Tests only: forget all process-wide limiters and semaphores. */
export function resetThrottlesForTests(): void {
  semaphores.clear();
  limiters.clear();
}
