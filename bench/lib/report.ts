/** The results of one `npm run bench`, and the Markdown tables made from them (bench/results.md). */
import type { ClientResult } from "../sections/coldStart";
import type { EngineSizeResult, Operation } from "../sections/engineOverhead";
import type { LimiterResult } from "../sections/limiterPrice";
import type { ManyStacksResult } from "../sections/manyStacks";
import type { ThrottledResult } from "../sections/throttled";
import type { Machine } from "./machine";
import type { Sizes } from "./options";
import { linearFit, type Summary } from "./stats";

export interface BenchResults {
  schema: 1;
  startedAt: string;
  command: string;
  quick: boolean;
  reps: number;
  sizes: Sizes;
  machine: Machine;
  loadBefore: number[];
  loadAfter?: number[];
  totalSeconds?: number;
  sections: {
    engine?: EngineSizeResult[];
    limiter?: LimiterResult[];
    throttled?: ThrottledResult;
    manyStacks?: ManyStacksResult;
    coldStart?: ClientResult[];
  };
}

const s = (ms: number) => (ms / 1000).toFixed(2);
const x = (r: number) => `${r.toFixed(2)}×`;
const spread = (m: Summary) => `${s(m.median)} (${s(m.min)}–${s(m.max)})`;
const loads = (l: number[]) => `${Math.min(...l).toFixed(1)}–${Math.max(...l).toFixed(1)}`;

function table(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ];
}

function perLink(calls: Record<string, number>): string {
  const short: Record<string, string> = {
    "projects.getBillingInfo": "GET",
    "projects.updateBillingInfo": "PUT",
  };
  const parts = Object.entries(calls)
    .filter(([m]) => short[m])
    .map(([m, c]) => `${+c.toFixed(2)} ${short[m]}`);
  return parts.length > 0 ? parts.join(" + ") : "0";
}

function engineTables(engine: EngineSizeResult[]): string[] {
  const rows: string[][] = [];
  for (const size of engine) {
    for (const [op, r] of Object.entries(size.operations)) {
      const other = Object.entries(r.calls)
        .filter(([m]) => !m.startsWith("projects."))
        .map(([m, c]) => `${m} ${c}`)
        .join(", ");
      rows.push([
        String(size.n),
        op,
        spread(r.oursMs),
        spread(r.floorMs),
        x(r.ratio.median),
        perLink(r.callsPerLink),
        other || "—",
        loads(r.load1),
      ]);
    }
  }
  const proc = engine.map((size) => {
    const o = size.providerProcess.ours;
    const f = size.providerProcess.floor;
    const med = (m?: Summary) => (m ? m.median.toFixed(0) : "—");
    return [
      String(size.n),
      med(o.bootMs),
      med(o.runtimeRequireMs),
      med(o.configureMs),
      med(o.firstTokenMs),
      med(o.firstTokenAtMs),
      `${med(o.cpuMs)} / ${med(f.cpuMs)}`,
      `${med(o.maxRssMiB)} / ${med(f.maxRssMiB)}`,
    ];
  });
  const state = engine.map((size) => [
    String(size.n),
    String(size.state.oursBytesPerLink),
    String(size.state.floorBytesPerLink),
    String(size.state.providerBytes),
    String(size.state.floorProviderBytes),
  ]);
  return [
    "## Engine overhead and API calls per step (§1, §2)",
    "",
    "Wall seconds, median (min–max); ratio = median of the paired ours/floor ratios; calls per link from the emulator's log.",
    "",
    ...table(
      ["N", "step", "ours s", "floor s", "ours/floor", "calls per link", "other calls (whole run)", "load"],
      rows,
    ),
    "",
    "Provider process of each `up` (ms since the process started; CPU and peak RSS ours / floor):",
    "",
    ...table(
      [
        "N",
        "node boot",
        "require runtime",
        "configure",
        "first token",
        "first token at",
        "CPU ms",
        "RSS MiB",
      ],
      proc,
    ),
    "",
    "Checkpoint bytes per link and of one serialized `__provider`:",
    "",
    ...table(["N", "ours B/link", "floor B/link", "ours __provider B", "floor __provider B"], state),
    "",
    ...scaling(engine),
  ];
}

function scaling(engine: EngineSizeResult[]): string[] {
  if (engine.length < 2) return [];
  const ns = engine.map((e) => e.n);
  const ops = Object.keys(engine[0].operations) as Operation[];
  const rows = ops.map((op) => {
    const ours = engine.map((e) => e.operations[op].oursMs.median);
    const floor = engine.map((e) => e.operations[op].floorMs.median);
    const fo = linearFit(ns, ours);
    const ff = linearFit(ns, floor);
    const first = engine[0];
    const last = engine[engine.length - 1];
    const perLinkGrowth =
      (last.operations[op].oursMs.median - first.operations[op].oursMs.median) /
      (last.n - first.n) /
      ((engine[1].operations[op].oursMs.median - first.operations[op].oursMs.median) /
        (engine[1].n - first.n));
    return [
      op,
      fo.slope.toFixed(1),
      ff.slope.toFixed(1),
      s(fo.intercept),
      s(ff.intercept),
      Number.isFinite(perLinkGrowth) ? x(perLinkGrowth) : "—",
    ];
  });
  return [
    `## Scaling (§7), N = ${ns.join(", ")}`,
    "",
    "Least-squares fit of the median wall time over N: ms per link (slope) and fixed seconds (intercept); " +
      "growth = ms per link over the whole range ÷ ms per link over the first step (1.00× = linear, above = super-linear).",
    "",
    ...table(["step", "ours ms/link", "floor ms/link", "ours fixed s", "floor fixed s", "growth"], rows),
    "",
  ];
}

function limiterTable(limiter: LimiterResult[]): string[] {
  const rows = limiter.map((r) => [
    String(r.n),
    String(r.calls),
    spread(r.defaultMs),
    spread(r.unlimitedMs),
    x(r.ratio.median),
    s(r.quotaMinimumMs),
    x(r.defaultOverMinimum),
    `${r.throttledResponses.default.join("/")} ; ${r.throttledResponses.unlimited.join("/")}`,
    `${r.failures.default} ; ${r.failures.unlimited}`,
    loads(r.load1),
  ]);
  return [
    "## The default limiter's price (§3): `preview --refresh`, emulator enforcing 300 calls/min",
    "",
    ...table(
      [
        "N",
        "calls",
        "default s",
        "no client limit s",
        "default/unlimited",
        "quota minimum s",
        "default/minimum",
        "429s (default ; unlimited)",
        "failures",
        "load",
      ],
      rows,
    ),
    "",
  ];
}

function throttledTable(t: ThrottledResult): string[] {
  const rows = t.cases.map((c) => [
    `${c.quotaPerMinute}/min`,
    String(c.clientSetting),
    c.calls.join("/"),
    spread(c.wallMs),
    s(c.quotaMinimumMs),
    x(c.overMinimum),
    String(c.failures),
    c.throttledResponses.join("/"),
    String(c.throttlingShownToUser),
    loads(c.load1),
  ]);
  return [
    `## Throttled throughput (§4): \`up\` creating ${t.n} links; floor \`up\` ${spread(t.floorUpMs)} s`,
    "",
    ...table(
      [
        "emulator quota",
        "requestsPerMinute",
        "calls",
        "wall s",
        "quota minimum s",
        "wall/minimum",
        "failures",
        "429s answered",
        "429s shown to the user",
        "load",
      ],
      rows,
    ),
    "",
  ];
}

function manyStacksTable(m: ManyStacksResult): string[] {
  return [
    `## Many stacks, one quota (§5): ${m.stacks} stacks × ${m.linksPerStack} links at once, 300 calls/min shared`,
    "",
    ...table(
      [
        "wall s",
        "floor wall s",
        "calls",
        "quota minimum s",
        "wall/minimum",
        "failures",
        "429s per stack, each run",
        "load",
      ],
      [
        [
          spread(m.wallMs),
          spread(m.floorWallMs),
          m.calls.join("/"),
          s(m.quotaMinimumMs),
          x(m.overMinimum),
          String(m.failures),
          m.throttledPerStack.map((r) => r.join("+")).join(" ; "),
          loads(m.load1),
        ],
      ],
    ),
    "",
  ];
}

function coldStartTable(clients: ClientResult[]): string[] {
  const ms = (m: Summary) => m.median.toFixed(0);
  const rows = clients.map((c) => [
    c.client,
    ms(c.requireMs),
    c.constructMs.median.toFixed(1),
    ms(c.firstCallMs),
    ms(c.firstResultAtMs),
    x(c.coldStartOverFloor.median),
    x(c.requireOverFloor.median),
    c.perCallMedianMs.median.toFixed(2),
    ms(c.peakRssMiB),
    c.installedMiB.toFixed(1),
    c.loadsGoogleAuthLibrary ? "yes" : "no",
  ]);
  return [
    "## Client cold start and per-call cost (§6), fresh process each, emulator without latency",
    "",
    ...table(
      [
        "client",
        "require ms",
        "construct ms",
        "first call ms",
        "first answer at ms",
        "cold start / floor",
        "require / floor",
        "per call ms",
        "peak RSS MiB",
        "installed MiB",
        "loads google-auth-library",
      ],
      rows,
    ),
    "",
  ];
}

export function renderMarkdown(r: BenchResults): string {
  const m = r.machine;
  const lines = [
    `# Benchmark results (${r.quick ? "quick" : "full"} run)`,
    "",
    `${r.startedAt}; \`${r.command}\`; ${r.reps} repetition(s), medians; ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ` +
      `${m.os}; Node.js ${m.node}; Pulumi ${m.pulumiEngine} with @pulumi/pulumi ${m.pulumiNodejsSdk}; commit ${m.commit}; ` +
      `load average ${r.loadBefore.map((l) => l.toFixed(2)).join(" ")} before${r.loadAfter ? `, ${r.loadAfter.map((l) => l.toFixed(2)).join(" ")} after` : ""}` +
      `${r.totalSeconds !== undefined ? `; ${r.totalSeconds} s in all` : ""}.`,
    "",
  ];
  if (r.sections.engine) lines.push(...engineTables(r.sections.engine));
  if (r.sections.limiter) lines.push(...limiterTable(r.sections.limiter));
  if (r.sections.throttled) lines.push(...throttledTable(r.sections.throttled));
  if (r.sections.manyStacks) lines.push(...manyStacksTable(r.sections.manyStacks));
  if (r.sections.coldStart) lines.push(...coldStartTable(r.sections.coldStart));
  return `${lines.join("\n")}\n`;
}
