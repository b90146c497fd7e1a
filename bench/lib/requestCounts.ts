/** What the emulator's request log says about one benchmark run. */
import type { RunningEmulator } from "../../emulator/src";
import { ALICE } from "./benchSeed";

type Log = ReturnType<RunningEmulator["requestLog"]>;

/** Calls the provider (alice) made, by method; the admin's out-of-band changes are not counted. */
export function callsByMethod(log: Log): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of log) {
    if (entry.principal !== undefined && entry.principal !== ALICE) continue;
    counts[entry.method] = (counts[entry.method] ?? 0) + 1;
  }
  return counts;
}

/** Calls charged to the rate quota: every Cloud Billing call that got an answer, not OAuth's. */
export function quotaCalls(log: Log): number {
  return log.filter((e) => !e.method.startsWith("oauth.") && e.status !== 429).length;
}

export function throttled(log: Log): Log {
  return log.filter((e) => e.status === 429);
}

/**
 * The least time a run of `calls` quota-charged calls can take under the emulator's quota model (fixed
 * one-minute windows of `perMinute` calls): the engine floor for the same work, plus a full window for every
 * `perMinute` calls past the first window's. See BENCHMARKS.md, "Quota minimum".
 */
export function quotaMinimumMs(floorMs: number, calls: number, perMinute: number): number {
  return floorMs + Math.floor(Math.max(0, calls - 1) / perMinute) * 60_000;
}
