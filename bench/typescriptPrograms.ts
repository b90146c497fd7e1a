/**
 * `npm run bench:programs [-- rounds]`: what type-checking a Pulumi TypeScript program costs per
 * `pulumi preview` and per no-change `pulumi up --yes`, against transpiling only
 * (PULUMI_NODEJS_TRANSPILE_ONLY=true). The root program, declaring three links, runs under the pinned
 * engine against an in-process emulator. The two modes alternate command by command (the order flips every
 * round), so a machine that slows down mid-run slows both; medians are reported, with min–max.
 * Prints a table and writes it to bench/typescript-results.md. Needs `npm run build` first.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { startEmulator } from "../emulator/src";
import { createTestStack, type TestStack } from "../tests/support/engine";
import { ALICE_REFRESH_TOKEN, writeCredentialsFile } from "../tests/support/billingStack";

const ROOT = path.resolve(__dirname, "..");
const DEFAULT_ROUNDS = 5;
const MODES = ["type-check", "transpile only"] as const;
type Mode = (typeof MODES)[number];
const COMMANDS = {
  "pulumi preview": ["preview"],
  "pulumi up --yes (no changes)": ["up", "--yes", "--expect-no-changes"],
} as const;
type Command = keyof typeof COMMANDS;

/** Runs the CLI on the stack and resolves to its wall time in ms; a non-zero exit rejects. */
function timeCli(env: TestStack, args: readonly string[], mode: Mode): Promise<number> {
  const started = performance.now();
  const child = spawn(
    path.join(env.engineBinDir, "pulumi"),
    [...args, "--stack", env.stack.name, "--non-interactive"],
    {
      cwd: ROOT,
      env: { ...env.envVars, PULUMI_NODEJS_TRANSPILE_ONLY: mode === "transpile only" ? "true" : "false" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0
        ? resolve(performance.now() - started)
        : reject(new Error(`pulumi ${args.join(" ")} (${mode}) exited with ${code}: ${stderr.slice(-2000)}`)),
    );
  });
}

function stats(samples: number[]): { median: number; min: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] };
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);

async function main(rounds: number): Promise<void> {
  const emulator = await startEmulator({ port: 0 });
  const env = await createTestStack({
    workDir: ROOT,
    stackName: `bench${Date.now().toString(36)}`,
    config: {
      "gcp-billing:apiEndpoint": { value: emulator.apiRoot },
      "gcp-billing:oauthTokenUrl": { value: emulator.oauth.tokenUrl },
      "billing-links:defaultBillingAccount": { value: "01A2B3-C4D5E6-F7A8B9" },
      "billing-links:links": {
        value: JSON.stringify({ "demo-app-prod": null, "demo-app-staging": null, "demo-data": null }),
      },
    },
  });
  try {
    await env.stack.setConfig("gcp-billing:credentials", {
      value: writeCredentialsFile(env.stateDir, ALICE_REFRESH_TOKEN),
    });
    await env.stack.up(); // the links exist: every measured command below changes nothing
    const samples = new Map<string, number[]>();
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? MODES : ([...MODES].reverse() as Mode[]);
      for (const [command, args] of Object.entries(COMMANDS)) {
        for (const mode of order) {
          const key = `${command}\u0000${mode}`;
          samples.set(key, [...(samples.get(key) ?? []), await timeCli(env, args, mode)]);
        }
      }
      console.error(`round ${round + 1}/${rounds} done`);
    }
    const row = (command: Command) => {
      const [check, transpile] = MODES.map((mode) => stats(samples.get(`${command}\u0000${mode}`) ?? []));
      return (
        `| ${command} | ${seconds(check.median)} (${seconds(check.min)}–${seconds(check.max)}) ` +
        `| ${seconds(transpile.median)} (${seconds(transpile.min)}–${seconds(transpile.max)}) ` +
        `| ${seconds(check.median - transpile.median)} | ${(check.median / transpile.median).toFixed(2)}× |`
      );
    };
    const table = [
      `Root program, 3 links, pinned engine, in-process emulator; ${rounds} alternating rounds; ` +
        `wall seconds, median (min–max); ${new Date().toISOString()}.`,
      "",
      "| command | type-check | transpile only | cost of type-checking | ratio |",
      "|---|---:|---:|---:|---:|",
      ...(Object.keys(COMMANDS) as Command[]).map(row),
    ].join("\n");
    console.log(table);
    fs.writeFileSync(path.join(__dirname, "typescript-results.md"), `${table}\n`);
  } finally {
    await env.cleanup();
    fs.rmSync(path.join(ROOT, `Pulumi.${env.stack.name}.yaml`), { force: true });
    await emulator.stop();
  }
}

const rounds = Number(process.argv[2] ?? DEFAULT_ROUNDS);
if (!Number.isInteger(rounds) || rounds < 3) {
  console.error(
    `bench: rounds must be an integer of at least 3 (medians of fewer mean little); got ${process.argv[2]}`,
  );
  process.exit(2);
}
main(rounds).catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
