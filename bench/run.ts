/**
 * `npm run bench`: measures the sdk's throttling side by side against two in-process emulators with the
 * same simulated network latency, and prints (and writes to bench/results.md) a table of ratios. Ratios,
 * not absolute times, are what stay meaningful across machines; tests assert request counts instead.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { startEmulator, type RunningEmulator } from "../emulator/src";
import { CloudBillingClient } from "../sdk/src";

const LATENCY_MS = 10;
const ROUNDS = 5;
const CREDENTIALS = {
  refreshToken: "emu-rt-alice-cloud-billing",
  clientId: "gcp-billing-link-demo.apps.googleusercontent.com",
  clientSecret: "demo-client-secret-not-a-real-secret",
};

interface Row {
  name: string;
  baseline: string;
  variant: string;
  baselineMs: number;
  variantMs: number;
  calls: string;
}

function client(emu: RunningEmulator, maxConcurrentRequests: number): CloudBillingClient {
  return new CloudBillingClient({
    credentials: CREDENTIALS,
    endpoints: { apiRoot: emu.apiRoot, tokenUrl: emu.oauth.tokenUrl },
    env: {},
    maxConcurrentRequests,
    // Isolate what is measured from the client-side rate limit.
    rateLimit: { requestsPerSecond: 10_000, burst: 10_000 },
  });
}

/** Median of ROUNDS timed runs, after one warm-up run. */
async function median(run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
}

async function concurrencyRow(a: RunningEmulator, b: RunningEmulator): Promise<Row> {
  const reads = 100;
  const capped = client(a, 16);
  const serial = client(b, 1);
  const burst = (c: CloudBillingClient) =>
    Promise.all(Array.from({ length: reads }, () => c.getProjectBillingInfo("demo-data")));
  return {
    name: `${reads} parallel reads`,
    baseline: "1 request in flight",
    variant: "default cap (16 in flight)",
    baselineMs: await median(() => burst(serial)),
    variantMs: await median(() => burst(capped)),
    calls: `${reads} reads each`,
  };
}

async function rateLimitRow(a: RunningEmulator, b: RunningEmulator): Promise<Row> {
  const reads = 40;
  const unlimited = client(a, 16);
  // The default limiter: Google's 300 requests/minute per quota project, as 5/s with a burst of 20.
  const limited = new CloudBillingClient({
    credentials: CREDENTIALS,
    endpoints: { apiRoot: b.apiRoot, tokenUrl: b.oauth.tokenUrl },
    env: {},
  });
  const sequential = async (c: CloudBillingClient) => {
    for (let i = 0; i < reads; i++) await c.getProjectBillingInfo("demo-data");
  };
  return {
    name: `${reads} sequential reads`,
    baseline: "default rate limit (5/s, burst 20)",
    variant: "no client-side limit",
    baselineMs: await median(() => sequential(limited)),
    variantMs: await median(() => sequential(unlimited)),
    calls: `${reads} reads each`,
  };
}

async function main(): Promise<void> {
  const a = await startEmulator({ port: 0, knobs: { latencyMs: LATENCY_MS } });
  const b = await startEmulator({ port: 0, knobs: { latencyMs: LATENCY_MS } });
  try {
    const rows = [await concurrencyRow(a, b), await rateLimitRow(a, b)];
    const lines = [
      `Emulator latency ${LATENCY_MS} ms per request; median of ${ROUNDS} runs after a warm-up; ${new Date().toISOString()}.`,
      "",
      "| benchmark | baseline | variant | baseline ms | variant ms | speed-up | API calls |",
      "|---|---|---|---:|---:|---:|---|",
      ...rows.map(
        (r) =>
          `| ${r.name} | ${r.baseline} | ${r.variant} | ${r.baselineMs.toFixed(1)} | ${r.variantMs.toFixed(1)} | ` +
          `${(r.baselineMs / r.variantMs).toFixed(1)}× | ${r.calls} |`,
      ),
    ];
    const table = lines.join("\n");
    console.log(table);
    fs.writeFileSync(path.join(__dirname, "results.md"), `${table}\n`);
  } finally {
    await a.stop();
    await b.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
