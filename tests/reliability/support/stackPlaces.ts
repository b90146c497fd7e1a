// Every place a stack run leaves text behind, for secretScan.ts: what the CLI printed, the state as
// `pulumi stack export` prints it (with and without --show-secrets), the emulator's request log, and every
// file under the stack's directory (its file backend, PULUMI_HOME and whatever the engine wrote there). The
// files a test wrote itself as input (a credentials file holds the refresh token by design) are left out.
import * as path from "node:path";
import type { BillingStack } from "../../support/billingStack";
import { filesUnder } from "./secretScan";

export async function stackPlaces(
  env: BillingStack,
  produced: Record<string, string>,
  inputFiles: readonly string[] = [],
): Promise<Record<string, string>> {
  const places: Record<string, string> = { ...produced };
  for (const args of [
    ["stack", "export"],
    ["stack", "export", "--show-secrets"],
  ]) {
    const run = await env.cli(args);
    if (run.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed: ${run.stderr}`);
    places[`pulumi ${args.join(" ")}`] = run.stdout + run.stderr;
  }
  places["emulator request log"] = JSON.stringify(env.emulator.requestLog());
  const inputs = new Set(inputFiles.map((f) => path.resolve(f)));
  for (const [file, text] of Object.entries(filesUnder(env.stateDir)))
    if (!inputs.has(path.resolve(file))) places[file] = text;
  return places;
}
