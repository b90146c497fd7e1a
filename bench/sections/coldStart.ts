/**
 * Issue 15 §6, client cold start and per-call cost: each client of the Cloud Billing API a user might pick,
 * in a fresh Node.js process (bench/clients/coldStartClient.js) against an in-process emulator with no added
 * latency, the clients taking turns in a rotating order every round. Installed size is the client's package
 * with everything it depends on, as npm installs it here (each package counted once).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "../../emulator/src";
import { ALICE, ALICE_REFRESH_TOKEN, benchSeed, DEMO_CLIENT } from "../lib/benchSeed";
import { ROOT } from "../lib/benchStack";
import { round, summarize, type Summary } from "../lib/stats";
import type { BenchOptions, Progress } from "../lib/options";

const SCRIPT = path.join(__dirname, "..", "clients", "coldStartClient.js");

/** Each client, and the packages whose installed closure it needs (the sdk: its runtime dependencies). */
export const CLIENTS = {
  sdk: ["gaxios", "google-auth-library", "zod"],
  "sdk, static token": ["gaxios", "google-auth-library", "zod"],
  googleapis: ["googleapis"],
  "googleapis/build/src/apis/cloudbilling": ["googleapis"],
  "@google-cloud/billing (REST)": ["@google-cloud/billing", "google-auth-library"],
  "floor: google-auth-library + one request": ["google-auth-library"],
} as const;
export type ClientName = keyof typeof CLIENTS;
export const FLOOR: ClientName = "floor: google-auth-library + one request";

interface Sample {
  requireMs: number;
  constructMs: number;
  firstCallMs: number;
  firstResultAtMs: number;
  perCallMedianMs: number;
  maxRssKiB: number;
  loadedAuthLibrary: boolean;
}

export interface ClientResult {
  client: ClientName;
  requireMs: Summary;
  constructMs: Summary;
  firstCallMs: Summary;
  /** From process start (Node's own boot included) to the first call's answer. */
  firstResultAtMs: Summary;
  perCallMedianMs: Summary;
  peakRssMiB: Summary;
  installedMiB: number;
  loadsGoogleAuthLibrary: boolean;
  /** firstResultAtMs over the floor's, paired by round. */
  coldStartOverFloor: Summary;
  requireOverFloor: Summary;
}

export async function coldStart(opts: BenchOptions, progress: Progress): Promise<ClientResult[]> {
  const emulator = await startEmulator({ port: 0, seed: benchSeed(1) });
  const accessToken = emulator.issueAccessToken({
    principal: ALICE,
    scopes: ["https://www.googleapis.com/auth/cloud-billing"],
    lifetimeSeconds: 3600,
  });
  const sdkPath = path.join(opts.packageDir ?? ROOT, "dist", "sdk", "src");
  const env = {
    ...process.env,
    BENCH_API_ROOT: emulator.apiRoot,
    BENCH_TOKEN_URL: emulator.oauth.tokenUrl,
    BENCH_REFRESH_TOKEN: ALICE_REFRESH_TOKEN,
    BENCH_CLIENT_ID: DEMO_CLIENT.clientId,
    BENCH_CLIENT_SECRET: DEMO_CLIENT.clientSecret,
    BENCH_ACCESS_TOKEN: accessToken,
    BENCH_SDK_PATH: sdkPath,
    COLD_START_CALLS: String(opts.sizes.coldStartCalls),
  };
  const names = Object.keys(CLIENTS) as ClientName[];
  const samples = new Map<ClientName, Sample[]>(names.map((n) => [n, []]));
  const reps = Math.max(opts.reps, opts.quick ? 1 : 5);
  try {
    for (let rep = 0; rep < reps; rep++) {
      const order = names.map((_, i) => names[(i + rep) % names.length]);
      for (const name of order) samples.get(name)?.push(await runClient(name, env));
      progress(`cold start: round ${rep + 1}/${reps}`);
    }
  } finally {
    await emulator.stop();
  }
  const floor = samples.get(FLOOR) ?? [];
  const sizes = new Map<string, number>();
  return names.map((client) => {
    const s = samples.get(client) ?? [];
    const of = (pick: (x: Sample) => number) => summarize(s.map(pick));
    return {
      client,
      requireMs: of((x) => x.requireMs),
      constructMs: of((x) => x.constructMs),
      firstCallMs: of((x) => x.firstCallMs),
      firstResultAtMs: of((x) => x.firstResultAtMs),
      perCallMedianMs: of((x) => x.perCallMedianMs),
      peakRssMiB: of((x) => x.maxRssKiB / 1024),
      installedMiB: round(
        installedBytes(CLIENTS[client], client.startsWith("sdk") ? sdkPath : undefined, sizes) / 2 ** 20,
        1,
      ),
      loadsGoogleAuthLibrary: s.some((x) => x.loadedAuthLibrary),
      coldStartOverFloor: summarize(s.map((x, i) => x.firstResultAtMs / floor[i].firstResultAtMs)),
      requireOverFloor: summarize(s.map((x, i) => x.requireMs / floor[i].requireMs)),
    };
  });
}

function runClient(name: ClientName, env: NodeJS.ProcessEnv): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, name], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (err += c));
    child.once("error", reject);
    child.once("close", (code) => {
      if (code !== 0)
        return reject(new Error(`cold start of ${name} exited with ${code}: ${err.slice(-2000)}`));
      resolve(JSON.parse(out.trim().split("\n").pop() ?? "{}") as Sample);
    });
  });
}

/** Bytes on disk of `packages` and everything they depend on (each once), plus `ownDir` (our sdk's dist). */
function installedBytes(
  packages: readonly string[],
  ownDir: string | undefined,
  cache: Map<string, number>,
): number {
  const seen = new Set<string>();
  const queue = packages.map((p) => ({ name: p, from: ROOT }));
  let total = ownDir ? dirBytes(ownDir, cache) : 0;
  while (queue.length > 0) {
    const { name, from } = queue.shift() as { name: string; from: string };
    const dir = packageDir(name, from);
    if (!dir || seen.has(dir)) continue;
    seen.add(dir);
    total += dirBytes(dir, cache, true);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    for (const dep of Object.keys(manifest.dependencies ?? {})) queue.push({ name: dep, from: dir });
  }
  return total;
}

/** Where Node would find `name` from `from`: its own node_modules, then each parent's. */
function packageDir(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (fs.existsSync(path.join(candidate, "package.json"))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Bytes of the files under `dir`; nested node_modules are packages of their own, counted when depended on. */
function dirBytes(dir: string, cache: Map<string, number>, skipNested = false): number {
  const cached = cache.get(dir);
  if (cached !== undefined) return cached;
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (skipNested && entry.name === "node_modules") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += dirBytes(full, cache);
    else if (entry.isFile()) total += fs.statSync(full).size;
  }
  cache.set(dir, total);
  return total;
}
