import { Command, InvalidArgumentError } from "commander";
import { DEFAULT_SEED_PATH } from "./seed";
import { startEmulator, type RunningEmulator } from "./startEmulator";
import type { Knobs } from "./knobs";

/** `npm run emulator -- [flags]`: starts the emulator, prints where it listens, runs until stopped by a signal. */

/** Ctrl+C, kill's default, and a closed terminal. */
const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function integer(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}`);
    return n;
  };
}

function probability(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError("expected a number between 0 and 1");
  return n;
}

interface CliOptions {
  port: number;
  host: string;
  seed: string;
  state?: string;
  latencyMs?: number;
  rateLimitPerMinute?: number;
  failureRate?: number;
  failureStatus?: number;
  dropConnectionRate?: number;
  throttleRate?: number;
  throttleRetryAfterSeconds?: number;
  faultSeed?: number;
  propagationDelayReads?: number;
  staleWriteResponses?: boolean;
  strictReadonlyScope?: boolean;
  printDefaults?: boolean;
  closedAccountLinkRejected?: boolean;
  deletedProjectsCountTowardQuota?: boolean;
  autoApproveAs?: string;
}

function knobsFrom(o: CliOptions): Partial<Knobs> {
  const k: Partial<Knobs> = {};
  if (o.latencyMs !== undefined) k.latencyMs = o.latencyMs;
  if (o.rateLimitPerMinute !== undefined) k.rateLimitPerMinute = o.rateLimitPerMinute;
  if (o.failureRate !== undefined) k.failureRate = o.failureRate;
  if (o.failureStatus === 500 || o.failureStatus === 503) k.failureStatus = o.failureStatus;
  if (o.dropConnectionRate !== undefined) k.dropConnectionRate = o.dropConnectionRate;
  if (o.throttleRate !== undefined) k.throttleRate = o.throttleRate;
  if (o.throttleRetryAfterSeconds !== undefined) k.throttleRetryAfterSeconds = o.throttleRetryAfterSeconds;
  if (o.faultSeed !== undefined) k.faultSeed = o.faultSeed;
  if (o.propagationDelayReads !== undefined) k.propagationDelayReads = o.propagationDelayReads;
  if (o.staleWriteResponses) k.staleWriteResponses = true;
  if (o.strictReadonlyScope) k.strictReadonlyScope = true;
  if (o.printDefaults) k.printDefaults = true;
  if (o.closedAccountLinkRejected) k.closedAccountLinkRejected = true;
  if (o.deletedProjectsCountTowardQuota) k.deletedProjectsCountTowardQuota = true;
  if (o.autoApproveAs !== undefined) k.autoApproveAs = o.autoApproveAs;
  return k;
}

function describe(emu: RunningEmulator, o: CliOptions): string {
  return [
    "Cloud Billing + Google OAuth emulator listening",
    `  Cloud Billing API root: ${emu.apiRoot}   (methods under ${emu.url}/v1/...)`,
    `  OAuth authorization:    ${emu.oauth.authUrl}`,
    `  OAuth token:            ${emu.oauth.tokenUrl}`,
    `  OAuth tokeninfo:        ${emu.oauth.tokenInfoUrl}`,
    `  OAuth revoke:           ${emu.oauth.revokeUrl}`,
    `  Operator surface:       ${emu.controlUrl}/   (requests, counts, reset, knobs, tokens, clock/advance, health)`,
    `  Seed: ${o.seed}`,
    `  State: ${o.state ?? "in memory (use --state FILE to persist)"}`,
    "Press Ctrl+C to stop.",
  ].join("\n");
}

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name("emulator")
    .description("Local Cloud Billing API v1 and Google OAuth 2.0 emulator")
    .option("--port <n>", "TCP port; 0 picks a free one", integer(0), 0)
    .option("--host <addr>", "interface to bind", "127.0.0.1")
    .option("--seed <file>", "seed JSON file", DEFAULT_SEED_PATH)
    .option("--state <file>", "persist state in this file (created from the seed when missing)")
    .option("--latency-ms <n>", "added latency per request", integer(0))
    .option(
      "--rate-limit-per-minute <n>",
      "429 after this many calls per minute per consumer project",
      integer(0),
    )
    .option("--failure-rate <p>", "probability of a random 5xx", probability)
    .option("--failure-status <code>", "status of random failures: 500 or 503", integer(500))
    .option("--drop-connection-rate <p>", "probability of resetting the connection", probability)
    .option("--throttle-rate <p>", "probability of a random 429 with Retry-After", probability)
    .option("--throttle-retry-after-seconds <n>", "Retry-After of those 429s (default 1)", integer(0))
    .option("--fault-seed <n>", "make the random faults reproducible from this seed", integer(0))
    .option(
      "--propagation-delay-reads <n>",
      "getBillingInfo reads that still see the old value after a write",
      integer(0),
    )
    .option("--stale-write-responses", "a billing-info write answers with the value from before it")
    .option("--strict-readonly-scope", "reject cloud-billing.readonly on projects.getBillingInfo")
    .option("--print-defaults", "print default-valued proto3 fields")
    .option("--closed-account-link-rejected", "FAILED_PRECONDITION on links to closed accounts")
    .option("--deleted-projects-count-toward-quota", "projects pending deletion count toward the link quota")
    .option("--auto-approve-as <email>", "approve every consent page as this seeded principal")
    .parse(argv);
  const opts = program.opts<CliOptions>();
  const emu = await startEmulator({
    port: opts.port,
    host: opts.host,
    seed: opts.seed,
    stateFile: opts.state,
    knobs: knobsFrom(opts),
  });
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    // Ctrl+C reaches both us and the launcher (scripts/run-ts.js), which passes it on: stop once.
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal} received, stopping emulator\n`);
    emu.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`emulator: error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => shutdown(signal));
  // Only now: whoever waits for these lines may signal us at once.
  process.stdout.write(describe(emu, opts) + "\n");
}

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
