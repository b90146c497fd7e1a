/**
 * Client-side flow control, shared process-wide so hundreds of links in one Pulumi stack do not
 * stampede the quota (Cloud Billing allows ~300 calls/min per quota project, docs/cloud-billing-api.md §8):
 * - a concurrency cap per API root;
 * - a token-bucket rate limit per (API root, quota project) that halves its rate on 429 and creeps
 *   back up on success (additive increase, multiplicative decrease).
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
  requestsPerSecond: number;
  burst: number;
  /** Never slow below this, so a burst of 429s cannot stall the process. */
  minRequestsPerSecond: number;
}

export const DEFAULT_RATE_LIMIT: Readonly<RateLimiterConfig> = Object.freeze({
  requestsPerSecond: 5,
  burst: 20,
  minRequestsPerSecond: 0.2,
});

export class AdaptiveRateLimiter {
  #rate: number;
  #tokens: number;
  #last: number;
  readonly #config: RateLimiterConfig;

  constructor(config: RateLimiterConfig, nowMs: number) {
    this.#config = config;
    this.#rate = config.requestsPerSecond;
    this.#tokens = config.burst;
    this.#last = nowMs;
  }

  get ratePerSecond(): number {
    return this.#rate;
  }

  /** Takes one slot; returns how long the caller must wait before sending (0 = now). */
  reserve(nowMs: number): number {
    if (!Number.isFinite(this.#rate)) return 0;
    this.#refill(nowMs);
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens / this.#rate) * 1000);
  }

  /** Google said 429: halve the rate and empty the bucket. */
  onThrottled(nowMs: number): void {
    this.#refill(nowMs);
    const current = Number.isFinite(this.#rate) ? this.#rate : this.#config.burst;
    this.#rate = Math.max(this.#config.minRequestsPerSecond, current / 2);
    this.#tokens = Math.min(this.#tokens, 0);
  }

  /** A success: grow back towards the configured rate by 5% of it. */
  onSuccess(): void {
    if (!Number.isFinite(this.#config.requestsPerSecond)) {
      // Unlimited by configuration: recover fully once 429s stop.
      this.#rate = this.#rate * 1.1 >= 1000 ? Infinity : this.#rate * 1.1;
      return;
    }
    this.#rate = Math.min(this.#config.requestsPerSecond, this.#rate + this.#config.requestsPerSecond * 0.05);
  }

  #refill(nowMs: number): void {
    const elapsed = Math.max(0, nowMs - this.#last) / 1000;
    this.#last = nowMs;
    // An unlimited rate refills the bucket at once; elapsed·Infinity would be NaN when no time passed,
    // and a NaN bucket never makes anyone wait again.
    this.#tokens = Number.isFinite(this.#rate)
      ? Math.min(this.#config.burst, this.#tokens + elapsed * this.#rate)
      : this.#config.burst;
  }
}

const semaphores = new Map<string, Semaphore>();
const limiters = new Map<string, AdaptiveRateLimiter>();

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
  nowMs: number,
): AdaptiveRateLimiter {
  const key = `${apiRoot}\u0000${quotaProject ?? ""}\u0000${config.requestsPerSecond}\u0000${config.burst}`;
  let l = limiters.get(key);
  if (!l) {
    l = new AdaptiveRateLimiter(config, nowMs);
    limiters.set(key, l);
  }
  return l;
}

/** @internal Tests only: forget all process-wide limiters and semaphores. */
export function resetThrottlesForTests(): void {
  semaphores.clear();
  limiters.clear();
}
