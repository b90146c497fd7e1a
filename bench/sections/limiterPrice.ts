/**
 * Issue 15 §3, the default limiter's price: `preview --refresh` of N links with default settings (no
 * `gcp-billing:requestsPerMinute`) against an emulator that enforces 300 calls/min for the quota project,
 * versus the same with the client-side limit off, alternating, with the engine floor's `preview --refresh`
 * alongside for the quota minimum. Every timed run starts in a fresh quota window (the emulator's clock is
 * moved on a minute first): a drift check that runs every few minutes, not back to back.
 */
import { startEmulator, type RunningEmulator } from "../../emulator/src";
import { createBenchStack, type BenchStack, type RunResult } from "../lib/benchStack";
import { benchSeed, declaredLinks } from "../lib/benchSeed";
import { quotaCalls, quotaMinimumMs, throttled } from "../lib/requestCounts";
import { pairedRatio, round, summarize, type Summary } from "../lib/stats";
import type { BenchOptions, Progress } from "../lib/options";
import { LATENCY_MS } from "./engineOverhead";

export const QUOTA_PER_MINUTE = 300;
const OFF = 1_000_000;
const REFRESH = ["preview", "--refresh", "--expect-no-changes"];

export interface LimiterResult {
  n: number;
  defaultMs: Summary;
  unlimitedMs: Summary;
  floorMs: Summary;
  /** Paired default/unlimited. */
  ratio: Summary;
  /** Quota-charged calls of one run. */
  calls: number;
  quotaMinimumMs: number;
  /** Median default time over the quota minimum. */
  defaultOverMinimum: number;
  throttledResponses: { default: number[]; unlimited: number[] };
  failures: { default: number; unlimited: number };
  load1: number[];
}

export async function limiterPrice(opts: BenchOptions, progress: Progress): Promise<LimiterResult[]> {
  const out: LimiterResult[] = [];
  for (const n of opts.sizes.limiter) out.push(await oneSize(n, opts, progress));
  return out;
}

async function oneSize(n: number, opts: BenchOptions, progress: Progress): Promise<LimiterResult> {
  const emulator = await startEmulator({
    port: 0,
    seed: benchSeed(n, { linked: true }),
    knobs: { latencyMs: LATENCY_MS, rateLimitPerMinute: QUOTA_PER_MINUTE },
  });
  const stacks: BenchStack[] = [];
  try {
    const limited = await createBenchStack({ kind: "ours", emulator, packageDir: opts.packageDir });
    const unlimited = await createBenchStack({
      kind: "ours",
      emulator,
      packageDir: opts.packageDir,
      requestsPerMinute: OFF,
    });
    const floor = await createBenchStack({ kind: "floor" });
    stacks.push(limited, unlimited, floor);
    const links = declaredLinks(n);
    for (const stack of stacks) {
      await stack.setLinks(links);
      emulator.advanceClock(61_000);
      await stack.run(["up", "--yes", "--skip-preview"]); // adopts the seeded links: no drift to find
    }
    const samples = { default: [] as number[], unlimited: [] as number[], floor: [] as number[] };
    const seen = { default: [] as number[], unlimited: [] as number[] };
    const failures = { default: 0, unlimited: 0 };
    const load: number[] = [];
    let calls = 0;
    const variants = [
      ["default", limited],
      ["unlimited", unlimited],
      ["floor", floor],
    ] as const;
    for (let rep = 0; rep < opts.reps; rep++) {
      const order = rep % 2 === 0 ? variants : [...variants].reverse();
      for (const [variant, stack] of order) {
        const result = await timedRun(emulator, stack);
        samples[variant].push(result.wallMs);
        load.push(round(result.load1));
        if (variant === "floor") continue;
        const log = emulator.requestLog();
        seen[variant].push(throttled(log).length);
        if (result.code !== 0) failures[variant]++;
        if (variant === "default") calls = quotaCalls(log);
      }
      progress(`limiter N=${n}: round ${rep + 1}/${opts.reps}`);
    }
    const floorMs = summarize(samples.floor);
    const minimum = quotaMinimumMs(floorMs.median, calls, QUOTA_PER_MINUTE);
    const defaultMs = summarize(samples.default);
    return {
      n,
      defaultMs,
      unlimitedMs: summarize(samples.unlimited),
      floorMs,
      ratio: pairedRatio(samples.default, samples.unlimited),
      calls,
      quotaMinimumMs: round(minimum, 0),
      defaultOverMinimum: round(defaultMs.median / minimum, 3),
      throttledResponses: seen,
      failures,
      load1: load,
    };
  } finally {
    for (const stack of stacks) await stack.cleanup();
    await emulator.stop();
  }
}

/** One drift check in a fresh quota window, its requests alone in the log. */
async function timedRun(emulator: RunningEmulator, stack: BenchStack): Promise<RunResult> {
  emulator.advanceClock(61_000);
  emulator.clearLog();
  return stack.run(REFRESH, { allowFailure: true });
}
