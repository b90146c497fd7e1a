/**
 * `npm run bench [-- --quick] [-- --only engine,limiter] [-- --reps 5] [-- --package DIR] [-- --out DIR]`:
 * the measurements of issue 15 side by side in one run — engine overhead against the engine floor, API
 * calls per step, the default limiter's price, throttled throughput, many stacks on one quota, client cold
 * start — each baseline and variant alternated, medians of the repetitions, the load average with every
 * run. Writes results.json (every sample) and results.md (the tables) to the output directory (default
 * bench/). BENCHMARKS.md explains the figures. Needs `npm run build` first; never part of `npm test`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { coldStart } from "./sections/coldStart";
import { engineOverhead } from "./sections/engineOverhead";
import { limiterPrice } from "./sections/limiterPrice";
import { manyStacks } from "./sections/manyStacks";
import { throttledThroughput } from "./sections/throttled";
import { machine } from "./lib/machine";
import { parseOptions, type BenchOptions, type Progress } from "./lib/options";
import { renderMarkdown, type BenchResults } from "./lib/report";
import { assertPackageBuilt } from "../tests/support/builtPackage";

const ROOT = path.resolve(__dirname, "..");

export async function runBench(opts: BenchOptions, progress: Progress): Promise<BenchResults> {
  assertPackageBuilt();
  const started = performance.now();
  const results: BenchResults = {
    schema: 1,
    startedAt: new Date().toISOString(),
    command: `npm run bench --${opts.quick ? " --quick" : ""}${opts.packageDir ? ` --package ${opts.packageDir}` : ""}`,
    quick: opts.quick,
    reps: opts.reps,
    sizes: opts.sizes,
    machine: machine(),
    loadBefore: os.loadavg(),
    sections: {},
  };
  const sections = opts.sections;
  if (sections.includes("engine")) {
    results.sections.engine = [];
    for (const n of opts.sizes.engine) results.sections.engine.push(await engineOverhead(n, opts, progress));
  }
  if (sections.includes("limiter")) results.sections.limiter = await limiterPrice(opts, progress);
  if (sections.includes("throttled")) results.sections.throttled = await throttledThroughput(opts, progress);
  if (sections.includes("manyStacks")) results.sections.manyStacks = await manyStacks(opts, progress);
  if (sections.includes("coldStart")) results.sections.coldStart = await coldStart(opts, progress);
  results.loadAfter = os.loadavg();
  results.totalSeconds = Math.round((performance.now() - started) / 1000);
  return results;
}

export function writeResults(results: BenchResults, outDir: string): void {
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, "results.md"), renderMarkdown(results));
}

if (require.main === module) {
  const progress: Progress = (message) =>
    console.error(
      `[bench ${new Date().toISOString().slice(11, 19)} load ${os.loadavg()[0].toFixed(2)}] ${message}`,
    );
  (async () => {
    const opts = parseOptions(process.argv.slice(2), ROOT);
    const results = await runBench(opts, progress);
    writeResults(results, opts.outDir);
    console.log(renderMarkdown(results));
    progress(`done in ${results.totalSeconds} s; wrote ${path.join(opts.outDir, "results.json")}`);
  })().catch((err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  });
}
