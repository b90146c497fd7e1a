/**
 * Issue 15 §4, throttled throughput: `up` creating N links while the emulator enforces the quota for the
 * quota project — 300/min with default settings, and 600/min with `gcp-billing:requestsPerMinute` raised to
 * match — against the quota minimum (the engine floor's `up` of N plus the windows the quota forces). Every
 * run gets a fresh emulator (all projects unlinked) and a fresh stack; the three kinds of run alternate.
 */
import { startEmulator } from "../../emulator/src";
import { createBenchStack, type BenchStack } from "../lib/benchStack";
import { benchSeed, declaredLinks } from "../lib/benchSeed";
import { quotaCalls, quotaMinimumMs, throttled } from "../lib/requestCounts";
import { round, summarize, type Summary } from "../lib/stats";
import type { BenchOptions, Progress } from "../lib/options";
import { LATENCY_MS } from "./engineOverhead";

const UP = ["up", "--yes", "--skip-preview"];
const QUOTAS = [
  { perMinute: 300, requestsPerMinute: undefined },
  { perMinute: 600, requestsPerMinute: 600 },
] as const;

export interface ThrottledCase {
  quotaPerMinute: number;
  /** `gcp-billing:requestsPerMinute`, or "default". */
  clientSetting: number | "default";
  wallMs: Summary;
  /** Quota-charged calls of each run. */
  calls: number[];
  quotaMinimumMs: number;
  overMinimum: number;
  failures: number;
  /** 429s the emulator answered, per run (the sdk retries them; none may reach the user). */
  throttledResponses: number[];
  /** Runs whose output mentions a 429 / RESOURCE_EXHAUSTED to the user. */
  throttlingShownToUser: number;
  load1: number[];
}

export interface ThrottledResult {
  n: number;
  floorUpMs: Summary;
  cases: ThrottledCase[];
}

export async function throttledThroughput(opts: BenchOptions, progress: Progress): Promise<ThrottledResult> {
  const n = opts.sizes.throttled;
  const links = declaredLinks(n);
  const floorSamples: number[] = [];
  const runs = QUOTAS.map(() => ({
    wall: [] as number[],
    calls: [] as number[],
    seen: [] as number[],
    failures: 0,
    shown: 0,
    load: [] as number[],
  }));
  for (let rep = 0; rep < opts.reps; rep++) {
    const order = rep % 2 === 0 ? [-1, 0, 1] : [1, 0, -1];
    for (const which of order) {
      if (which === -1) {
        const floor = await createBenchStack({ kind: "floor" });
        try {
          await floor.setLinks(links);
          floorSamples.push((await floor.run(UP)).wallMs);
        } finally {
          await floor.cleanup();
        }
        continue;
      }
      const quota = QUOTAS[which];
      const emulator = await startEmulator({
        port: 0,
        seed: benchSeed(n),
        knobs: { latencyMs: LATENCY_MS, rateLimitPerMinute: quota.perMinute },
      });
      let stack: BenchStack | undefined;
      try {
        stack = await createBenchStack({
          kind: "ours",
          emulator,
          packageDir: opts.packageDir,
          ...(quota.requestsPerMinute ? { requestsPerMinute: quota.requestsPerMinute } : {}),
        });
        await stack.setLinks(links);
        emulator.advanceClock(61_000); // a fresh quota window
        emulator.clearLog();
        const result = await stack.run(UP, { allowFailure: true });
        const log = emulator.requestLog();
        const run = runs[which];
        run.wall.push(result.wallMs);
        run.calls.push(quotaCalls(log));
        run.seen.push(throttled(log).length);
        run.load.push(round(result.load1));
        if (result.code !== 0) run.failures++;
        if (/\b429\b|RESOURCE_EXHAUSTED/.test(result.output)) run.shown++;
      } finally {
        await stack?.cleanup();
        await emulator.stop();
      }
    }
    progress(`throttled N=${n}: round ${rep + 1}/${opts.reps}`);
  }
  const floorUpMs = summarize(floorSamples);
  return {
    n,
    floorUpMs,
    cases: QUOTAS.map((quota, i) => {
      const run = runs[i];
      const wallMs = summarize(run.wall);
      const minimum = quotaMinimumMs(floorUpMs.median, Math.max(...run.calls), quota.perMinute);
      return {
        quotaPerMinute: quota.perMinute,
        clientSetting: quota.requestsPerMinute ?? "default",
        wallMs,
        calls: run.calls,
        quotaMinimumMs: round(minimum, 0),
        overMinimum: round(wallMs.median / minimum, 3),
        failures: run.failures,
        throttledResponses: run.seen,
        throttlingShownToUser: run.shown,
        load1: run.load,
      };
    }),
  };
}
