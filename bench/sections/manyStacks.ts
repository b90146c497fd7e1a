/**
 * Issue 15 §5, many stacks on one quota: S engine processes at once (S stacks × L links, each `up` creating
 * its links, each stack on its own billing account and projects so that every request is attributable)
 * against one emulator enforcing 300 calls/min for the quota project they share, which no single process's
 * limiter can see. Alternates with S floor stacks run the same way, for the quota minimum.
 */
import { startEmulator } from "../../emulator/src";
import { createBenchStack, type BenchStack } from "../lib/benchStack";
import { accountId, benchSeed, declaredLinks } from "../lib/benchSeed";
import { quotaCalls, quotaMinimumMs, throttled } from "../lib/requestCounts";
import { round, summarize, type Summary } from "../lib/stats";
import type { BenchOptions, Progress } from "../lib/options";
import { LATENCY_MS } from "./engineOverhead";
import { QUOTA_PER_MINUTE } from "./limiterPrice";

const UP = ["up", "--yes", "--skip-preview"];

export interface ManyStacksResult {
  stacks: number;
  linksPerStack: number;
  /** From the first start to the last exit. */
  wallMs: Summary;
  floorWallMs: Summary;
  calls: number[];
  quotaMinimumMs: number;
  overMinimum: number;
  failures: number;
  /** Per run, the 429s each stack's requests got. */
  throttledPerStack: number[][];
  load1: number[];
}

export async function manyStacks(opts: BenchOptions, progress: Progress): Promise<ManyStacksResult> {
  const { stacks: count, links: perStack } = opts.sizes.manyStacks;
  const wall: number[] = [];
  const floorWall: number[] = [];
  const calls: number[] = [];
  const perStackThrottled: number[][] = [];
  const load: number[] = [];
  let failures = 0;
  for (let rep = 0; rep < opts.reps; rep++) {
    for (const kind of rep % 2 === 0 ? (["ours", "floor"] as const) : (["floor", "ours"] as const)) {
      const emulator =
        kind === "ours"
          ? await startEmulator({
              port: 0,
              seed: benchSeed(count * perStack, { accounts: count }),
              knobs: { latencyMs: LATENCY_MS, rateLimitPerMinute: QUOTA_PER_MINUTE },
            })
          : undefined;
      const stacks: BenchStack[] = [];
      try {
        for (let s = 0; s < count; s++) {
          const stack = await createBenchStack({
            kind,
            packageDir: opts.packageDir,
            ...(emulator ? { emulator } : {}),
          });
          stacks.push(stack);
          await stack.setLinks(declaredLinks(perStack, { from: s * perStack, account: s }));
        }
        emulator?.advanceClock(61_000);
        emulator?.clearLog();
        const started = Date.now();
        const results = await Promise.all(stacks.map((stack) => stack.run(UP, { allowFailure: true })));
        const elapsed = Date.now() - started;
        load.push(round(results[0].load1));
        if (kind === "floor") {
          floorWall.push(elapsed);
          continue;
        }
        wall.push(elapsed);
        failures += results.filter((r) => r.code !== 0).length;
        const log = emulator?.requestLog() ?? [];
        calls.push(quotaCalls(log));
        perStackThrottled.push(
          stacks.map((_, s) => {
            const mine = (path: string) =>
              path.includes(accountId(s)) ||
              declaredLinks(perStack, { from: s * perStack }).some((l) =>
                path.includes(`/projects/${l.projectId}/`),
              );
            return throttled(log).filter((e) => mine(e.path)).length;
          }),
        );
      } finally {
        for (const stack of stacks) await stack.cleanup();
        await emulator?.stop();
      }
    }
    progress(`many stacks ${count}×${perStack}: round ${rep + 1}/${opts.reps}`);
  }
  const floorWallMs = summarize(floorWall);
  const wallMs = summarize(wall);
  const minimum = quotaMinimumMs(floorWallMs.median, Math.max(...calls), QUOTA_PER_MINUTE);
  return {
    stacks: count,
    linksPerStack: perStack,
    wallMs,
    floorWallMs,
    calls,
    quotaMinimumMs: round(minimum, 0),
    overMinimum: round(wallMs.median / minimum, 3),
    failures,
    throttledPerStack: perStackThrottled,
    load1: load,
  };
}
