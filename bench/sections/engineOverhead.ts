/**
 * Issue 15 §1, §2 and §7: the engine lifecycle of N links (up, no-change preview, preview --refresh, up
 * --refresh after 10 % drift, destroy) for "ours" (the links fixture, emulator at 20 ms per request, a quota
 * that does not bind) against the floor (the same program shape, a provider that calls nothing), command by
 * command in alternating order; the API calls of each of our commands from the emulator's request log; the
 * provider process's own start-up; and the checkpoint size per link.
 */
import { startEmulator } from "../../emulator/src";
import { CloudBillingClient } from "../../sdk/src";
import {
  createBenchStack,
  type BenchStack,
  type Link,
  type ProbeRecord,
  type RunResult,
} from "../lib/benchStack";
import { accountId, ADMIN_REFRESH_TOKEN, benchSeed, DEMO_CLIENT, projectId } from "../lib/benchSeed";
import { callsByMethod } from "../lib/requestCounts";
import { pairedRatio, round, summarize, type Summary } from "../lib/stats";
import type { BenchOptions, Progress } from "../lib/options";

export const LATENCY_MS = 20;
/** A quota raised far beyond any run here, with the client's limit raised to match. */
const UNBINDING_REQUESTS_PER_MINUTE = 1_000_000;

export const OPERATIONS = {
  up: ["up", "--yes", "--skip-preview"],
  preview: ["preview", "--expect-no-changes"],
  "preview --refresh": ["preview", "--refresh", "--expect-no-changes"],
  "up --refresh after 10% drift": ["up", "--refresh", "--yes", "--skip-preview"],
  destroy: ["destroy", "--yes", "--skip-preview"],
} as const;
export type Operation = keyof typeof OPERATIONS;

export interface OperationResult {
  oursMs: Summary;
  floorMs: Summary;
  /** Median of the pairwise ours/floor ratios. */
  ratio: Summary;
  oursSamplesMs: number[];
  floorSamplesMs: number[];
  load1: number[];
  /** Calls of one run (the last) by method, and per link. */
  calls: Record<string, number>;
  callsPerLink: Record<string, number>;
}

export interface ProviderProcess {
  ours: ProcessFigures;
  floor: ProcessFigures;
}

interface ProcessFigures {
  bootMs: Summary;
  runtimeRequireMs?: Summary;
  configureMs?: Summary;
  firstTokenAtMs?: Summary;
  firstTokenMs?: Summary;
  cpuMs: Summary;
  maxRssMiB: Summary;
}

export interface EngineSizeResult {
  n: number;
  operations: Record<Operation, OperationResult>;
  /** The provider process of each `up`, as the probe saw it. */
  providerProcess: ProviderProcess;
  state: {
    oursBytesPerLink: number;
    floorBytesPerLink: number;
    providerBytes: number;
    floorProviderBytes: number;
  };
}

export async function engineOverhead(
  n: number,
  opts: BenchOptions,
  progress: Progress,
): Promise<EngineSizeResult> {
  const emulator = await startEmulator({ port: 0, seed: benchSeed(n), knobs: { latencyMs: LATENCY_MS } });
  const admin = new CloudBillingClient({
    credentials: { refreshToken: ADMIN_REFRESH_TOKEN, ...DEMO_CLIENT },
    endpoints: { apiRoot: emulator.apiRoot, tokenUrl: emulator.oauth.tokenUrl },
    env: {},
    rateLimit: { requestsPerMinute: Infinity },
  });
  const links: Link[] = Array.from({ length: n }, (_, i) => ({
    name: `link-${i}`,
    projectId: projectId(i),
    billingAccount: `billingAccounts/${accountId(0)}`,
  }));
  const drifted = links.filter((_, i) => i % 10 === 0).map((l) => l.projectId);
  const stacks: BenchStack[] = [];
  try {
    const ours = await createBenchStack({
      kind: "ours",
      emulator,
      packageDir: opts.packageDir,
      requestsPerMinute: UNBINDING_REQUESTS_PER_MINUTE,
    });
    stacks.push(ours);
    const floor = await createBenchStack({ kind: "floor" });
    stacks.push(floor);
    await ours.setLinks(links);
    await floor.setLinks(links);

    const samples = new Map<
      Operation,
      { ours: number[]; floor: number[]; load: number[]; calls: Record<string, number> }
    >();
    const probes: { ours: ProbeRecord[]; floor: ProbeRecord[] } = { ours: [], floor: [] };
    let state: EngineSizeResult["state"] | undefined;
    for (let rep = 0; rep < opts.reps; rep++) {
      for (const op of Object.keys(OPERATIONS) as Operation[]) {
        if (op === "up --refresh after 10% drift") {
          for (const id of drifted) await admin.updateProjectBillingInfo(id, accountId(1));
          floor.setFloorDrift(drifted);
        }
        const order = rep % 2 === 0 ? [ours, floor] : [floor, ours];
        const entry = samples.get(op) ?? { ours: [], floor: [], load: [], calls: {} };
        for (const stack of order) {
          emulator.clearLog();
          const result: RunResult = await stack.run([...OPERATIONS[op]]);
          entry[stack.kind].push(result.wallMs);
          entry.load.push(result.load1);
          if (stack.kind === "ours") entry.calls = callsByMethod(emulator.requestLog());
          if (op === "up") probes[stack.kind].push(...result.probes.slice(0, 1));
        }
        samples.set(op, entry);
        if (op === "up" && state === undefined) state = await stateSizes(ours, floor, n);
        if (op === "up --refresh after 10% drift") floor.setFloorDrift([]);
      }
      progress(`engine N=${n}: round ${rep + 1}/${opts.reps}`);
    }
    const operations = Object.fromEntries(
      [...samples].map(([op, s]) => [
        op,
        {
          oursMs: summarize(s.ours),
          floorMs: summarize(s.floor),
          ratio: pairedRatio(s.ours, s.floor),
          oursSamplesMs: s.ours.map((x) => round(x, 0)),
          floorSamplesMs: s.floor.map((x) => round(x, 0)),
          load1: s.load.map((x) => round(x, 2)),
          calls: s.calls,
          callsPerLink: Object.fromEntries(Object.entries(s.calls).map(([m, c]) => [m, round(c / n, 3)])),
        },
      ]),
    ) as Record<Operation, OperationResult>;
    return {
      n,
      operations,
      providerProcess: { ours: processFigures(probes.ours), floor: processFigures(probes.floor) },
      state: state ?? {
        oursBytesPerLink: NaN,
        floorBytesPerLink: NaN,
        providerBytes: NaN,
        floorProviderBytes: NaN,
      },
    };
  } finally {
    for (const stack of stacks) await stack.cleanup();
    await emulator.stop();
  }
}

function processFigures(records: ProbeRecord[]): ProcessFigures {
  const of = (pick: (r: ProbeRecord) => number | undefined): Summary | undefined => {
    const values = records.map(pick).filter((v): v is number => v !== undefined);
    return values.length > 0 ? summarize(values) : undefined;
  };
  return {
    bootMs: summarize(records.map((r) => r.bootMs)),
    cpuMs: summarize(records.map((r) => r.cpuMs)),
    maxRssMiB: summarize(records.map((r) => r.maxRssKiB / 1024)),
    ...optional(
      "runtimeRequireMs",
      of((r) => r.runtimeRequireMs),
    ),
    ...optional(
      "configureMs",
      of((r) => r.configureMs),
    ),
    ...optional(
      "firstTokenAtMs",
      of((r) => r.firstTokenAtMs),
    ),
    ...optional(
      "firstTokenMs",
      of((r) => r.firstTokenMs),
    ),
  };
}

function optional<K extends string>(key: K, value: Summary | undefined): Partial<Record<K, Summary>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, Summary>);
}

interface ExportedResource {
  type: string;
  inputs?: Record<string, unknown>;
}

/** Bytes of checkpoint per link resource, and of one serialized `__provider`. */
async function stateSizes(
  ours: BenchStack,
  floor: BenchStack,
  n: number,
): Promise<EngineSizeResult["state"]> {
  const measure = async (stack: BenchStack) => {
    const deployment = (
      JSON.parse(await stack.exportState()) as { deployment: { resources: ExportedResource[] } }
    ).deployment;
    const links = deployment.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));
    const bytes = links.reduce((sum, r) => sum + JSON.stringify(r).length, 0);
    const provider = links[0]?.inputs?.__provider;
    return { perLink: round(bytes / n, 0), provider: typeof provider === "string" ? provider.length : NaN };
  };
  const a = await measure(ours);
  const b = await measure(floor);
  return {
    oursBytesPerLink: a.perLink,
    floorBytesPerLink: b.perLink,
    providerBytes: a.provider,
    floorProviderBytes: b.provider,
  };
}
