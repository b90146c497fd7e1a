import { createHash } from "node:crypto";
import type { EmulatorContext } from "./context";

/** What the fault knobs decided for one request, before any real handling. */
export type FaultDecision =
  | { kind: "none" }
  | { kind: "drop" }
  | { kind: "fail"; status: 429 | 500 | 503; retryAfterSeconds: number }
  /** Hold the request this long, then handle it as usual (whether or not the client still waits). */
  | { kind: "slow"; delayMs: number }
  /** Never answer; the request ends only when the client gives up or the emulator stops. */
  | { kind: "hang" };

/** Default Retry-After for injected 429s, in seconds. */
const DEFAULT_RETRY_AFTER_SECONDS = 1;

/**
 * Deterministic faults (`failNext`, first match wins and is consumed) take precedence over random
 * ones (`dropConnectionRate`, `failureRate`, `throttleRate`) so tests can rely on them even with noise
 * switched on. `path` is the request's path without its query: with `faultSeed`, the random draw depends on
 * it (see `randomDraw`).
 */
export function decideFault(ctx: EmulatorContext, methodName: string, path: string): FaultDecision {
  const queue = ctx.knobs.failNext;
  const index = queue.findIndex((f) => f.method === undefined || f.method === methodName);
  if (index >= 0) {
    const [fault] = queue.splice(index, 1);
    if (fault.status === "reset") return { kind: "drop" };
    if (fault.status === "hang") return { kind: "hang" };
    if (fault.status === "slow") return { kind: "slow", delayMs: fault.delayMs ?? 0 };
    return {
      kind: "fail",
      status: fault.status,
      retryAfterSeconds: fault.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS,
    };
  }
  const { dropConnectionRate, failureRate, throttleRate } = ctx.knobs;
  if (dropConnectionRate + failureRate + throttleRate <= 0) return { kind: "none" };
  // One draw, split into bands, so each rate is its share of all requests (20 % failures and 10 %
  // throttling mean exactly that, not 10 % of the 80 % that did not fail).
  const u = randomDraw(ctx, methodName, path);
  if (u < dropConnectionRate) return { kind: "drop" };
  if (u < dropConnectionRate + failureRate)
    return { kind: "fail", status: ctx.knobs.failureStatus, retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS };
  if (u < dropConnectionRate + failureRate + throttleRate)
    return { kind: "fail", status: 429, retryAfterSeconds: ctx.knobs.throttleRetryAfterSeconds };
  return { kind: "none" };
}

/**
 * A number in [0,1). Without `faultSeed`, `Math.random()`. With it, a hash of the seed, the method, the path
 * and how many requests that method and path have had: the n-th request to a path gets the same draw in
 * every run, however the other requests interleave, so a scenario with random faults is reproducible.
 */
function randomDraw(ctx: EmulatorContext, methodName: string, path: string): number {
  const seed = ctx.knobs.faultSeed;
  if (seed === null) return Math.random();
  const key = `${methodName} ${path}`;
  const n = ctx.faultDraws.get(key) ?? 0;
  ctx.faultDraws.set(key, n + 1);
  const digest = createHash("sha256").update(`${seed}\u0000${key}\u0000${n}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
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
