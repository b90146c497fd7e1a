/**
 * `npm run bench [-- options]`: which sections run, at which sizes, how many times. The full run is what
 * BENCHMARKS.md reports; `--quick` runs every section once at a tiny size, so a test can check that the
 * harness still works end to end (it asserts no timings). Options: --quick, --reps N, --only a,b,
 * --engine-sizes 10,50, --limiter-sizes 100,280, --package DIR (another build of the package), --out DIR.
 */
import * as path from "node:path";

export const SECTIONS = ["engine", "limiter", "throttled", "manyStacks", "coldStart"] as const;
export type SectionName = (typeof SECTIONS)[number];

export interface Sizes {
  /** §1, §2, §7: links per stack in the engine lifecycle. */
  engine: number[];
  /** §3: links refreshed with the default limiter against a quota of 300/min. */
  limiter: number[];
  /** §4: links created against the enforced quota. */
  throttled: number;
  /** §5: parallel stacks sharing one quota project, and links in each. */
  manyStacks: { stacks: number; links: number };
  /** §6: sequential calls per client for the per-call median. */
  coldStartCalls: number;
}

export interface BenchOptions {
  quick: boolean;
  reps: number;
  sizes: Sizes;
  sections: SectionName[];
  /** The gcp-billing-link package the engine sections load (default this checkout): a before/after. */
  packageDir?: string;
  outDir: string;
}

export type Progress = (message: string) => void;

const FULL: Sizes = {
  engine: [10, 50, 200, 500],
  limiter: [100, 280, 400],
  throttled: 200,
  manyStacks: { stacks: 4, links: 75 },
  coldStartCalls: 1000,
};

const QUICK: Sizes = {
  engine: [3],
  limiter: [4],
  throttled: 4,
  manyStacks: { stacks: 2, links: 2 },
  coldStartCalls: 20,
};

export function parseOptions(argv: readonly string[], root: string): BenchOptions {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes("--quick");
  const reps = Number(value("--reps") ?? (quick ? 1 : 3));
  if (!Number.isInteger(reps) || reps < 1)
    throw new Error(`--reps must be a positive integer, got ${value("--reps")}`);
  if (!quick && reps < 3) throw new Error("--reps below 3 only with --quick: a median of fewer means little");
  const only = value("--only")?.split(",") ?? [...SECTIONS];
  const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new Error(`unknown section(s) ${unknown.join(", ")}; known: ${SECTIONS.join(", ")}`);
  const sizes = { ...(quick ? QUICK : FULL) };
  const list = (name: string): number[] | undefined => {
    const text = value(name);
    if (text === undefined) return undefined;
    const numbers = text.split(",").map(Number);
    if (numbers.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`${name} takes sizes like 10,50`);
    return numbers;
  };
  sizes.engine = list("--engine-sizes") ?? sizes.engine;
  sizes.limiter = list("--limiter-sizes") ?? sizes.limiter;
  const packageDir = value("--package");
  return {
    quick,
    reps,
    sizes,
    sections: only as SectionName[],
    ...(packageDir ? { packageDir: path.resolve(packageDir) } : {}),
    outDir: path.resolve(value("--out") ?? path.join(root, "bench")),
  };
}
