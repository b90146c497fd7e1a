import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import {
  CancelledError,
  DeadlineExceededError,
  PermissionDeniedError,
  UnavailableError,
} from "../../sdk/src/errors";
import {
  backoffMs,
  decideRetry,
  DEFAULT_RETRY_POLICY,
  isRetryable,
  parseDurationMs,
  parseRetryAfter,
  runWithRetry,
  withDefaults,
  type AttemptOutcome,
  type AttemptResult,
} from "../../sdk/src/retry";
import { OperationBudget } from "../../sdk/src/operationBudget";
import { RATE_WINDOW_MS, Semaphore, SlidingWindowLimiter } from "../../sdk/src/throttle";
import { refreshThresholdMs } from "../../sdk/src/tokenProvider";

const P = DEFAULT_RETRY_POLICY;
const status = (
  httpStatus: number,
  extra: Partial<Extract<AttemptOutcome, { kind: "status" }>> = {},
): AttemptOutcome => ({ kind: "status", httpStatus, ...extra });

describe("default policy", () => {
  it("pins the whole default policy", () => {
    assert.deepEqual(
      {
        ...P,
        retryableStatuses: [...P.retryableStatuses],
        retryableNetworkCodes: [...P.retryableNetworkCodes],
      },
      {
        deadlineMs: 60_000,
        throttleBudgetMs: 600_000,
        attemptTimeoutMs: 30_000,
        maxAttempts: 8,
        initialDelayMs: 500,
        maxDelayMs: 16_000,
        multiplier: 2,
        retryableStatuses: [408, 429, 500, 502, 503, 504],
        retryableNetworkCodes: [
          "ECONNRESET",
          "ECONNREFUSED",
          "ECONNABORTED",
          "ETIMEDOUT",
          "EPIPE",
          "EAI_AGAIN",
          "UND_ERR_SOCKET",
          "ATTEMPT_TIMEOUT",
        ],
      },
    );
  });
  it("withDefaults keeps an explicit 0", () => {
    assert.equal(withDefaults({ initialDelayMs: 0 }).initialDelayMs, 0);
    assert.equal(withDefaults({ deadlineMs: undefined }).deadlineMs, 60_000);
  });
});

describe("isRetryable", () => {
  for (const s of [408, 429, 500, 502, 503, 504])
    it(`retries ${s}`, () => assert.ok(isRetryable(status(s), P)));
  for (const s of [400, 401, 403, 404, 409, 412, 501])
    it(`does not retry ${s}`, () => assert.ok(!isRetryable(status(s), P)));
  it("does not retry a 429 with a zero quota", () =>
    assert.ok(!isRetryable(status(429, { zeroQuota: true }), P)));
  it("retries connection resets, not unknown network errors", () => {
    assert.ok(isRetryable({ kind: "network", code: "ECONNRESET" }, P));
    assert.ok(!isRetryable({ kind: "network", code: "ENOTFOUND" }, P));
  });
});

describe("backoffMs (full jitter)", () => {
  it("is random(0, min(max, initial·2^(n-1)))", () => {
    assert.equal(
      backoffMs(1, P, () => 0.999999),
      499,
    );
    assert.equal(
      backoffMs(2, P, () => 0.5),
      500,
    );
    assert.equal(
      backoffMs(3, P, () => 1),
      2000,
    );
    assert.equal(
      backoffMs(20, P, () => 1),
      16_000,
    );
    assert.equal(
      backoffMs(5, P, () => 0),
      0,
    );
  });
});

describe("Retry-After and RetryInfo", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it("parses delta-seconds", () => {
    assert.equal(parseRetryAfter("3", now), 3000);
    assert.equal(parseRetryAfter(" 0 ", now), 0);
    assert.equal(parseRetryAfter("1.5", now), 1500);
  });
  it("parses an HTTP-date", () => {
    assert.equal(parseRetryAfter("Wed, 01 Jan 2025 00:00:07 GMT", now), 7000);
    assert.equal(parseRetryAfter("Tue, 31 Dec 2024 00:00:00 GMT", now), 0);
  });
  it("ignores junk", () => {
    assert.equal(parseRetryAfter(null, now), undefined);
    assert.equal(parseRetryAfter("soon", now), undefined);
  });
  it("parses proto Durations", () => {
    assert.equal(parseDurationMs("2s"), 2000);
    assert.equal(parseDurationMs("0.25s"), 250);
    assert.equal(parseDurationMs(5), undefined);
  });
});

describe("decideRetry", () => {
  const base = { attempt: 1, elapsedMs: 0, deadlineMs: 60_000, policy: P, random: () => 0.5 };
  it("a server delay is a floor", () => {
    assert.deepEqual(decideRetry({ ...base, outcome: status(429, { serverDelayMs: 3000 }) }), {
      retry: true,
      delayMs: 3000,
    });
    assert.deepEqual(decideRetry({ ...base, outcome: status(429, { serverDelayMs: 10 }) }), {
      retry: true,
      delayMs: 250,
    });
  });
  it("stops when the wait would pass the deadline", () => {
    assert.deepEqual(
      decideRetry({ ...base, elapsedMs: 59_000, outcome: status(503, { serverDelayMs: 5000 }) }),
      { retry: false, why: "deadline" },
    );
  });
  it("stops after maxAttempts", () => {
    assert.deepEqual(decideRetry({ ...base, attempt: 8, outcome: status(503) }), {
      retry: false,
      why: "attempts-exhausted",
    });
  });
  it("never retries 403", () => {
    assert.deepEqual(decideRetry({ ...base, outcome: status(403) }), { retry: false, why: "not-retryable" });
  });
  it("a 429 with Retry-After may wait past the deadline, within the throttling budget", () => {
    const late = { ...base, elapsedMs: 50_000, outcome: status(429, { serverDelayMs: 58_000 }) };
    assert.deepEqual(decideRetry(late), { retry: false, why: "deadline" }, "no budget: the deadline rules");
    assert.deepEqual(decideRetry({ ...late, throttleRemainingMs: 60_000 }), {
      retry: true,
      delayMs: 58_000,
      throttled: true,
    });
    assert.deepEqual(decideRetry({ ...late, throttleRemainingMs: 50_000 }), {
      retry: false,
      why: "deadline",
    });
  });
  it("a 429 without a delay, or a 503 with one, stays within the deadline", () => {
    const budget = { elapsedMs: 59_900, throttleRemainingMs: 600_000 };
    assert.deepEqual(decideRetry({ ...base, ...budget, outcome: status(429) }), {
      retry: false,
      why: "deadline",
    });
    assert.deepEqual(decideRetry({ ...base, ...budget, outcome: status(503, { serverDelayMs: 5000 }) }), {
      retry: false,
      why: "deadline",
    });
  });
});

/** A fake clock: sleeping advances time instantly and records the waits. */
function fakeClock() {
  let t = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    random: () => 1,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

const unavailable = new UnavailableError("503", { httpStatus: 503 });
const fail = (outcome: AttemptOutcome, error = unavailable): AttemptResult<string> => ({
  ok: false,
  outcome,
  error,
});

describe("runWithRetry", () => {
  it("retries transient failures, honouring Retry-After, then succeeds", async () => {
    const clock = fakeClock();
    const outcomes = [
      fail(status(503)),
      fail(status(429, { serverDelayMs: 4000 })),
      { ok: true as const, value: "done" },
    ];
    let calls = 0;
    const value = await runWithRetry(async () => outcomes[calls++], { policy: P, deps: clock });
    assert.equal(value, "done");
    assert.equal(calls, 3);
    assert.deepEqual(clock.sleeps, [500, 4000]);
  });

  it("does not retry a 403, and reports one attempt", async () => {
    const clock = fakeClock();
    let calls = 0;
    const denied = new PermissionDeniedError("no", { httpStatus: 403 });
    await assert.rejects(
      runWithRetry(async () => (calls++, fail(status(403), denied)), { policy: P, deps: clock }),
      (e: unknown) => e instanceof PermissionDeniedError && e.attempts === 1,
    );
    assert.equal(calls, 1);
    assert.deepEqual(clock.sleeps, []);
  });

  it("gives up at maxAttempts with the last error", async () => {
    const clock = fakeClock();
    let calls = 0;
    await assert.rejects(
      runWithRetry(async () => (calls++, fail(status(503))), {
        policy: withDefaults({ maxAttempts: 3 }),
        deps: clock,
      }),
      (e: unknown) => e instanceof UnavailableError && e.attempts === 3,
    );
    assert.equal(calls, 3);
  });

  it("stops at the deadline with DeadlineExceededError wrapping the last error", async () => {
    const clock = fakeClock();
    await assert.rejects(
      runWithRetry(async () => fail(status(503, { serverDelayMs: 10_000 })), {
        policy: P,
        deps: clock,
        deadlineMs: 25_000,
      }),
      (e: unknown) =>
        e instanceof DeadlineExceededError &&
        e.attempts === 3 &&
        e.cause === unavailable &&
        e.httpStatus === 503,
    );
    assert.deepEqual(clock.sleeps, [10_000, 10_000]);
  });

  it("honours the caller's AbortSignal", async () => {
    const clock = fakeClock();
    const ac = new AbortController();
    await assert.rejects(
      runWithRetry(async () => (ac.abort(), fail(status(503))), {
        policy: P,
        deps: clock,
        signal: ac.signal,
      }),
      CancelledError,
    );
  });

  it("gives each attempt a signal derived from the caller's", async () => {
    const clock = fakeClock();
    const ac = new AbortController();
    let seen: AbortSignal | undefined;
    await runWithRetry(
      async (_n, signal) => {
        seen = signal;
        return { ok: true, value: 1 };
      },
      { policy: P, deps: clock, signal: ac.signal },
    );
    assert.ok(seen && !seen.aborted);
    ac.abort();
    assert.ok(seen.aborted, "aborting the caller's signal aborts the attempt");
  });
});

describe("SlidingWindowLimiter", () => {
  const W = RATE_WINDOW_MS;
  const limiter = (requestsPerMinute: number, minRequestsPerMinute = 1) =>
    new SlidingWindowLimiter({ requestsPerMinute, minRequestsPerMinute });

  it("admits up to the quota at once: a run under it never waits", () => {
    const l = limiter(300);
    for (let i = 0; i < 300; i++) assert.equal(l.reserve(i * 10), 0, `call ${i + 1}`);
  });
  it("past the quota, paces at exactly the quota: call k + quota goes a window after call k", () => {
    const l = limiter(3);
    assert.deepEqual([l.reserve(0), l.reserve(100), l.reserve(200)], [0, 0, 0]);
    assert.deepEqual(
      [l.reserve(300), l.reserve(300), l.reserve(300), l.reserve(300)],
      [W - 300, W + 100 - 300, W + 200 - 300, 2 * W - 300],
    );
  });
  it("never admits more than the quota into any window, whatever the arrival pattern", () => {
    const l = limiter(7);
    const sent: number[] = [];
    let now = 0;
    for (let i = 0; i < 200; i++) {
      now += (i * 7919) % 23 === 0 ? 5000 : (i * 31) % 97; // bursts and pauses
      sent.push(now + l.reserve(now));
    }
    for (const start of sent) {
      const inWindow = sent.filter((t) => t >= start && t < start + W).length;
      assert.ok(inWindow <= 7, `${inWindow} calls in the window from ${start}`);
    }
    assert.deepEqual(
      sent,
      [...sent].sort((a, b) => a - b),
      "first come, first served",
    );
  });
  it("forgets sends older than a window", () => {
    const l = limiter(2);
    l.reserve(0);
    l.reserve(0);
    assert.equal(l.reserve(W), 0);
    assert.equal(l.reserve(W), 0);
    assert.equal(l.reserve(W), W);
  });
  it("a 429 holds every call until its Retry-After, and halves the allowance once per episode", () => {
    const l = limiter(300, 12);
    l.reserve(0);
    l.onThrottled(1000, 30_000);
    assert.equal(l.allowance, 150);
    l.onThrottled(1200, 30_000); // a call sent before the first 429 came back: the same episode
    l.onThrottled(5000, 1000);
    assert.equal(l.allowance, 150);
    assert.equal(l.heldMs(6000), 25_200, "the longest hold wins");
    assert.equal(l.reserve(6000), 25_200);
    l.onThrottled(40_000, 1000); // a new episode after the hold ended
    assert.equal(l.allowance, 75);
  });
  it("recovers 5 % of the configured rate per success, never past it, and never falls below the floor", () => {
    const l = limiter(300, 12);
    for (let t = 0; t < 10; t++) l.onThrottled(t * 2000);
    assert.equal(l.allowance, 12, "floored");
    l.onSuccess();
    assert.equal(l.allowance, 27);
    for (let i = 0; i < 100; i++) l.onSuccess();
    assert.equal(l.allowance, 300);
  });
  it("unlimited never waits, until a 429: then half of what it sent in the last window", () => {
    const l = limiter(Infinity, 12);
    for (let i = 0; i < 100; i++) assert.equal(l.reserve(0), 0);
    l.onThrottled(10, 2000);
    assert.equal(l.allowance, 50);
    assert.equal(l.reserve(10), 2000, "held by the Retry-After, the sends before it forgotten");
    for (let i = 0; i < 200; i++) l.onSuccess();
    assert.equal(l.allowance, Infinity, "fully recovered once the 429s stop");
  });
});

describe("OperationBudget", () => {
  it("waits for the quota do not count against the deadline, up to the throttling budget", () => {
    let now = 0;
    const b = new OperationBudget(60_000, 100_000, () => now);
    now = 10_000;
    assert.equal(b.elapsedMs(), 10_000);
    assert.equal(b.chargeThrottle(70_000), true);
    now = 80_000;
    assert.equal(b.elapsedMs(), 10_000, "the throttled wait is not charged to the deadline");
    assert.equal(b.throttleRemainingMs(), 30_000);
    assert.equal(b.chargeThrottle(40_000), false, "past the budget: nothing charged");
    assert.equal(b.throttleRemainingMs(), 30_000);
    b.end();
  });
  it("its signal fires at the deadline, moved out by the charged waits, or at the caller's abort", async () => {
    const b = new OperationBudget(30, 1000, () => Date.now());
    b.chargeThrottle(40);
    await new Promise((r) => setTimeout(r, 45));
    assert.equal(b.signal.aborted, false, "30 ms + 40 ms charged");
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(b.signal.aborted, true);
    const caller = new AbortController();
    const c = new OperationBudget(60_000, 0, () => Date.now(), caller.signal);
    caller.abort();
    assert.equal(c.signal.aborted, true);
    c.end();
  });
});

describe("Semaphore", () => {
  it("caps concurrency", async () => {
    const s = new Semaphore(2);
    let peak = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        const release = await s.acquire();
        peak = Math.max(peak, s.active);
        await new Promise((r) => setImmediate(r));
        release?.();
        release?.(); // double release is harmless
      }),
    );
    assert.equal(peak, 2);
    assert.equal(s.active, 0);
  });

  it("a waiter whose signal aborts leaves the queue and never takes a slot", async () => {
    const s = new Semaphore(1);
    const first = await s.acquire();
    const controller = new AbortController();
    const abandoned = s.acquire(controller.signal);
    const next = s.acquire();
    controller.abort();
    assert.equal(await abandoned, undefined);
    first?.();
    const release = await next; // the slot went to the live waiter, not the abandoned one
    assert.equal(s.active, 1);
    release?.();
    assert.equal(s.active, 0);
    assert.equal(await s.acquire(AbortSignal.abort()), undefined, "an already-aborted signal gets no slot");
    assert.equal(s.active, 0);
  });
});

describe("refreshThresholdMs", () => {
  it("is min(5 min, lifetime/4)", () => {
    assert.equal(refreshThresholdMs(3599_000), 300_000);
    assert.equal(refreshThresholdMs(60_000), 15_000);
    assert.equal(refreshThresholdMs(0), 0);
  });
});
