import type { EmulatorContext } from "./context";

/** What the fault knobs decided for one request, before any real handling. */
export type FaultDecision =
  { kind: "none" } | { kind: "drop" } | { kind: "fail"; status: 429 | 500 | 503; retryAfterSeconds: number };

/** Default Retry-After for injected 429s, in seconds. */
const DEFAULT_RETRY_AFTER_SECONDS = 1;

/**
 * Deterministic faults (`failNext`, first match wins and is consumed) take precedence over random
 * ones (`dropConnectionRate`, `failureRate`) so tests can rely on them even with noise switched on.
 */
export function decideFault(ctx: EmulatorContext, methodName: string): FaultDecision {
  const queue = ctx.knobs.failNext;
  const index = queue.findIndex((f) => f.method === undefined || f.method === methodName);
  if (index >= 0) {
    const [fault] = queue.splice(index, 1);
    if (fault.status === "reset") return { kind: "drop" };
    return {
      kind: "fail",
      status: fault.status,
      retryAfterSeconds: fault.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS,
    };
  }
  if (ctx.knobs.dropConnectionRate > 0 && Math.random() < ctx.knobs.dropConnectionRate)
    return { kind: "drop" };
  if (ctx.knobs.failureRate > 0 && Math.random() < ctx.knobs.failureRate) {
    return { kind: "fail", status: ctx.knobs.failureStatus, retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS };
  }
  return { kind: "none" };
}

/**
 * Fixed one-minute windows per consumer project on the emulator clock (Google documents a
 * per-minute, per-project quota, docs/cloud-billing-api.md §8). Returns the seconds to wait, or 0 when
 * allowed.
 */
export function rateLimitRetryAfterSeconds(ctx: EmulatorContext, consumerProjectNumber: string): number {
  const limit = ctx.knobs.rateLimitPerMinute;
  if (limit <= 0) return 0;
  const now = ctx.clock.nowMs();
  let window = ctx.rateWindows.get(consumerProjectNumber);
  if (!window || now - window.windowStartMs >= 60_000) {
    window = { windowStartMs: now, count: 0 };
    ctx.rateWindows.set(consumerProjectNumber, window);
  }
  if (window.count >= limit) return Math.max(1, Math.ceil((window.windowStartMs + 60_000 - now) / 1000));
  window.count += 1;
  return 0;
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
