/**
 * A throwaway stack for one benchmark program ("ours": the links fixture with our provider; "floor": the same
 * shape with a provider that calls nothing), each in a program directory of its own under a temp dir whose
 * node_modules links `gcp-billing-link` to the package being measured (this checkout by default, or an
 * older build given with `--package`) and `@pulumi/pulumi` to this checkout's. Every command runs through
 * the pinned CLI, timed from spawn to exit, with the provider probe (providerProbe.js) preloaded.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import type { RunningEmulator } from "../../emulator/src";
import { createTestStack, type TestStack } from "../../tests/support/engine";
import { ALICE_REFRESH_TOKEN, DEMO_CLIENT, QUOTA_PROJECT } from "./benchSeed";

export const ROOT = path.resolve(__dirname, "..", "..");
const PROGRAMS = {
  ours: path.join(ROOT, "tests", "e2e", "fixtures", "links"),
  floor: path.join(ROOT, "bench", "fixtures", "floor"),
} as const;
export type ProgramKind = keyof typeof PROGRAMS;
const PROBE = path.join(__dirname, "providerProbe.js");

export interface Link {
  name: string;
  projectId: string;
  billingAccount: string;
}

/** What the probe recorded in one dynamic-provider process (ms since that process started). */
export interface ProbeRecord {
  bootMs: number;
  runtimeRequireMs?: number;
  configureMs?: number;
  firstHttpAtMs?: number;
  firstTokenAtMs?: number;
  /** The first token request, from sent to answered. */
  firstTokenMs?: number;
  cpuMs: number;
  wallMs: number;
  maxRssKiB: number;
}

export interface RunResult {
  args: string[];
  wallMs: number;
  code: number | null;
  /** The 1-minute load average when the command started. */
  load1: number;
  probes: ProbeRecord[];
  output: string;
}

export interface BenchStack {
  kind: ProgramKind;
  name: string;
  stateDir: string;
  setLinks(links: Link[]): Promise<void>;
  setConfig(key: string, value: string): Promise<void>;
  /** Runs `pulumi <args>`; rejects on a non-zero exit unless `allowFailure`. */
  run(args: string[], opts?: { allowFailure?: boolean }): Promise<RunResult>;
  /** Floor only: the projects whose `read` reports another account from now on (the floor's drift). */
  setFloorDrift(projectIds: string[]): void;
  /** The checkpoint as `pulumi stack export` prints it. */
  exportState(): Promise<string>;
  cleanup(): Promise<void>;
}

export interface BenchStackOptions {
  kind: ProgramKind;
  /** The gcp-billing-link package directory the program loads; default this checkout. */
  packageDir?: string;
  emulator?: RunningEmulator;
  /** `gcp-billing:requestsPerMinute`; unset = the provider's default limiter. */
  requestsPerMinute?: number;
}

let sequence = 0;

export async function createBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "gbl-bench-"));
  const programDir = path.join(home, options.kind);
  fs.mkdirSync(programDir);
  for (const file of ["Pulumi.yaml", "index.js"]) {
    fs.copyFileSync(path.join(PROGRAMS[options.kind], file), path.join(programDir, file));
  }
  fs.mkdirSync(path.join(home, "node_modules"));
  fs.symlinkSync(options.packageDir ?? ROOT, path.join(home, "node_modules", "gcp-billing-link"));
  fs.symlinkSync(path.join(ROOT, "node_modules", "@pulumi"), path.join(home, "node_modules", "@pulumi"));
  const project = options.kind === "ours" ? "links-e2e" : "links-floor";

  const config: Record<string, { value: string }> = {};
  if (options.kind === "floor") {
    config[`${project}:driftFile`] = { value: path.join(home, "drift.json") };
  }
  if (options.emulator) {
    const credentials = path.join(home, "credentials.json");
    fs.writeFileSync(
      credentials,
      JSON.stringify({ type: "authorized_user", ...clientFields(), refresh_token: ALICE_REFRESH_TOKEN }),
      { mode: 0o600 },
    );
    Object.assign(config, {
      "gcp-billing:apiEndpoint": { value: options.emulator.apiRoot },
      "gcp-billing:oauthTokenUrl": { value: options.emulator.oauth.tokenUrl },
      "gcp-billing:credentials": { value: credentials },
      "gcp-billing:quotaProject": { value: QUOTA_PROJECT },
      ...(options.requestsPerMinute !== undefined
        ? { "gcp-billing:requestsPerMinute": { value: String(options.requestsPerMinute) } }
        : {}),
    });
  }
  const name = `b${process.pid.toString(36)}x${(sequence++).toString(36)}`;
  const env: TestStack = await createTestStack({ workDir: programDir, stackName: name, config });
  const probeRoot = path.join(home, "probes");
  fs.mkdirSync(probeRoot);

  return {
    kind: options.kind,
    name,
    stateDir: env.stateDir,
    async setLinks(links) {
      await env.stack.setConfig(`${project}:links`, { value: JSON.stringify(links) });
    },
    async setConfig(key, value) {
      await env.stack.setConfig(key, { value });
    },
    async run(args, opts = {}) {
      const probeDir = fs.mkdtempSync(path.join(probeRoot, "run-"));
      const nodeOptions = [process.env.NODE_OPTIONS, `--require ${PROBE}`].filter(Boolean).join(" ");
      const result = await timed(
        path.join(env.engineBinDir, "pulumi"),
        [...args, "--stack", name, "--non-interactive"],
        {
          cwd: programDir,
          env: { ...env.envVars, NODE_OPTIONS: nodeOptions, GBL_BENCH_PROBE_DIR: probeDir },
        },
      );
      const probes = fs
        .readdirSync(probeDir)
        .map((f) => JSON.parse(fs.readFileSync(path.join(probeDir, f), "utf8")) as ProbeRecord);
      if (result.code !== 0 && !opts.allowFailure) {
        throw new Error(
          `pulumi ${args.join(" ")} (${options.kind}) exited with ${result.code}:\n${result.output.slice(-3000)}`,
        );
      }
      return { args, ...result, probes };
    },
    setFloorDrift(projectIds) {
      fs.writeFileSync(path.join(home, "drift.json"), JSON.stringify(projectIds));
    },
    async exportState() {
      const out = await timed(path.join(env.engineBinDir, "pulumi"), ["stack", "export", "--stack", name], {
        cwd: programDir,
        env: env.envVars,
      });
      return out.output;
    },
    async cleanup() {
      await env.cleanup();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

function clientFields(): { client_id: string; client_secret: string } {
  return { client_id: DEMO_CLIENT.clientId, client_secret: DEMO_CLIENT.clientSecret };
}

function timed(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<{ wallMs: number; code: number | null; load1: number; output: string }> {
  const load1 = os.loadavg()[0];
  const started = performance.now();
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  const chunks: string[] = [];
  child.stdout.setEncoding("utf8").on("data", (c: string) => chunks.push(c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => chunks.push(c));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) =>
      resolve({ wallMs: performance.now() - started, code, load1, output: chunks.join("") }),
    );
  });
}
