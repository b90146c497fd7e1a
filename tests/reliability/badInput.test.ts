// Bad input under the real engine: malformed link arguments, stack config and credentials files are
// refused at `pulumi preview`, each error naming what the user set, and none of them reaches the Cloud
// Billing API. One preview carries every malformed argument (the program reports all of them at once,
// provider/src/declarationProblems.ts), and one preview a batch of config values (configure reports every
// bad key at once); each broken credential takes its own preview, since each replaces the one in use.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { describe, test } from "@jest/globals";
import type { LoggedRequest, RunningEmulator } from "../../emulator/src";
import {
  ACCOUNTS,
  ALICE_REFRESH_TOKEN,
  DEMO_CLIENT_SECRET,
  authorizedUserJson,
  createBillingStack,
  type BillingStack,
} from "../support/billingStack";
import { cleanupAfterEach } from "../support/cleanups";
import {
  BAD_CONFIG,
  BAD_CREDENTIALS,
  TRUNCATED_TOKEN,
  TYPED_TOKEN,
  batchesByKey,
  escape,
  looseCredentialsFile,
} from "./support/badConfig";
import { ENGINE_UNKNOWN, MALFORMED_INPUTS, WELL_FORMED, type LinkProperty } from "./support/malformedInputs";
import { retryStats } from "./support/requestLogRetries";
import { recordScenario } from "./support/scenarioResults";
import { EMULATOR_ACCESS_TOKEN_PREFIX, scanForSecrets } from "./support/secretScan";
import { stackPlaces } from "./support/stackPlaces";

const cleanups = cleanupAfterEach();

const SECRETS = [ALICE_REFRESH_TOKEN, DEMO_CLIENT_SECRET, EMULATOR_ACCESS_TOKEN_PREFIX];

/** Calls that reached the Cloud Billing API itself; token endpoint calls are not counted. */
function billingApiCalls(emulator: RunningEmulator): string[] {
  return emulator
    .requestLog()
    .filter((e) => e.method.startsWith("projects.") || e.method.startsWith("billingAccounts."))
    .map((e) => `${e.method} ${e.path}`);
}

/** The Diagnostics section of a CLI run (the progress lines above it repeat some of its messages). */
function diagnostics(stdout: string): string {
  const start = stdout.indexOf("Diagnostics:");
  assert.ok(start >= 0, `no Diagnostics section in:\n${stdout.slice(0, 4000)}`);
  const end = stdout.indexOf("\nResources:", start);
  return stdout.slice(start, end < 0 ? undefined : end);
}

/** The program's errors, by resource name: `ProjectBillingLink "<name>": <message>`. */
function programErrors(shown: string): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const [, name, message] of shown.matchAll(/error: ProjectBillingLink "([^"]+)": ([^\n]*)/g))
    byName.set(name, [...(byName.get(name) ?? []), message]);
  return byName;
}

/** Runs `pulumi preview` on a cleared request log, and appends what it sent to `seen`. */
async function preview(
  env: BillingStack,
  seen: LoggedRequest[],
): Promise<{ code: number | null; stdout: string; output: string }> {
  env.emulator.clearLog();
  const run = await env.cli(["preview"]);
  seen.push(...env.emulator.requestLog());
  return { code: run.code, stdout: run.stdout, output: run.stdout + run.stderr };
}

describe("bad input", () => {
  test("malformed project IDs, accounts and policies: all refused in one preview, each naming its property, no API call", async () => {
    const started = Date.now();
    const env = await createBillingStack();
    cleanups.add(() => env.cleanup());
    const rows = MALFORMED_INPUTS.map((row, i) => ({
      ...row,
      name: `row-${String(i + 1).padStart(2, "0")}`,
    }));
    // Raw JSON, not env.declare: a row's value may be a number, null, an object, an array or a boolean.
    const links = rows.map((row) => ({
      name: row.name,
      ...WELL_FORMED,
      // A distinct well-formed project per row, so nothing else (a duplicate declaration) is refused.
      projectId: `bad-input-${row.name}`,
      [row.property]: row.value,
    }));
    await env.stack.setConfig("links", { value: JSON.stringify(links) });

    const seen: LoggedRequest[] = [];
    const { code, stdout, output } = await preview(env, seen);
    assert.notEqual(code, 0, output.slice(0, 4000));
    const errors = programErrors(diagnostics(stdout));
    const problems: string[] = [];
    for (const row of rows) {
      const messages = errors.get(row.name) ?? [];
      const shown = `${row.name} (${row.property}: ${row.what}): ${JSON.stringify(messages)}`;
      if (messages.length !== 1) problems.push(`expected one error, got ${messages.length}: ${shown}`);
      else if (!messages[0].startsWith(`${row.property} `))
        problems.push(`names the wrong property: ${shown}`);
      else if (!row.reason.test(messages[0].slice(row.property.length + 1)))
        problems.push(`says ${JSON.stringify(messages[0])}, not ${String(row.reason)}`);
    }
    assert.deepEqual(problems, [], `billing API calls: ${billingApiCalls(env.emulator).join(", ")}`);
    // The engine refuses the resources too, and says where the details are.
    assert.match(output, /invalid: the program's errors for ProjectBillingLink "row-\d+" give the details/);
    // A 10 kB value is cut short in the message, not echoed whole.
    assert.doesNotMatch(output, /a{200}|0{200}|(a\.){100}/);
    // Each row's own error above is what proves it refused (the engine stops checking at the first
    // failure, so a row the program let through might never be checked here); this proves the preview as
    // a whole sent the API nothing.
    assert.deepEqual(billingApiCalls(env.emulator), []);

    // Alone, so that nothing else fails the preview: the provider takes this string for a value not known
    // yet, and only the program can tell it was typed in. Its error alone must fail the preview.
    await env.stack.setConfig("links", {
      value: JSON.stringify([{ name: "marker", ...WELL_FORMED, projectId: ENGINE_UNKNOWN }]),
    });
    const marker = await preview(env, seen);
    assert.notEqual(marker.code, 0, marker.output);
    assert.match(
      diagnostics(marker.stdout),
      new RegExp(`error: ProjectBillingLink "marker": projectId "${ENGINE_UNKNOWN}" is not valid`),
    );
    assert.deepEqual(billingApiCalls(env.emulator), []);

    // The control: surrounding whitespace is trimmed by design (docs/cloud-billing-api.md), so this link is
    // well-formed, its preview reads the API, and only the trimmed names reach it. The request log does
    // record this stack's calls, so the empty logs above are not an accident of the setup.
    await env.declare([
      { name: "padded", projectId: " demo-app-prod\n", billingAccount: "\t01a2b3-c4d5e6-f7a8b9 " },
    ]);
    const padded = await preview(env, seen);
    assert.equal(padded.code, 0, padded.output);
    const calls = billingApiCalls(env.emulator);
    assert.ok(
      calls.includes("projects.getBillingInfo /v1/projects/demo-app-prod/billingInfo"),
      calls.join("\n"),
    );
    assert.ok(calls.includes(`billingAccounts.get /v1/${ACCOUNTS.main}`), calls.join("\n"));

    const credentialsFile = (await env.stack.getConfig("gcp-billing:credentials")).value;
    const places = await stackPlaces(
      env,
      {
        "pulumi preview output": output,
        "pulumi preview output (marker)": marker.output,
        "pulumi preview output (padded)": padded.output,
      },
      [credentialsFile],
    );
    const leaks = scanForSecrets(SECRETS, places);
    assert.deepEqual(leaks.findings, []);
    const count = (property: LinkProperty): number => rows.filter((r) => r.property === property).length;
    recordScenario({
      // A fixed key (the report's row), so a longer table replaces the row instead of adding one.
      scenario: "bad input: malformed values",
      test: "badInput.test.ts › malformed project IDs, accounts and policies",
      faults: `${rows.length} malformed values in one preview (${count("projectId")} projectId, ${count("billingAccount")} billingAccount, ${count("deletionPolicy")} deletionPolicy): empty, whitespace, look-alike Unicode, resource-name prefixes, path traversal, encoded slashes, 10 kB, wrong shape and case, numbers, null, objects, arrays, booleans, the engine's unknown marker typed in`,
      outcome:
        "preview failed; every value refused by its own error naming its property; no Cloud Billing API call",
      lost: 0,
      leaked: leaks.count,
      retries: retryStats(seen).retries,
      durationMs: Date.now() - started,
    });
  });

  test("malformed gcp-billing:* config and credentials files: refused at preview naming the key, no API call; a 0644 file warns", async () => {
    const started = Date.now();
    const env = await createBillingStack();
    cleanups.add(() => env.cleanup());
    await env.declare([{ name: "app", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main }]);
    const original = await env.stack.getAllConfig();
    const outputs: Record<string, string> = {};
    const inputFiles: string[] = [];
    const problems: string[] = [];
    const seen: LoggedRequest[] = [];

    /** Sets `config`, previews, puts every key back; the preview must fail saying each of `says`. */
    async function refused(
      what: string,
      config: Record<string, { value: string; secret?: boolean }>,
      says: RegExp[],
    ): Promise<void> {
      await env.stack.setAllConfig(config);
      const run = await preview(env, seen);
      outputs[`pulumi preview output (${what})`] = run.output;
      const calls = billingApiCalls(env.emulator);
      if (run.code === 0) problems.push(`${what}: the preview passed`);
      for (const pattern of says)
        if (!pattern.test(run.output)) problems.push(`${what}: does not say ${String(pattern)}`);
      if (calls.length > 0) problems.push(`${what}: reached the API: ${calls.join(", ")}`);
      if (/\.ts:\d+|\n\s+at /.test(run.output)) problems.push(`${what}: a stack trace reached the user`);
      const keys = Object.keys(config);
      const added = keys.filter((key) => !(key in original));
      if (added.length > 0) await env.stack.removeAllConfig(added);
      const replaced = keys.filter((key) => key in original);
      if (replaced.length > 0)
        await env.stack.setAllConfig(Object.fromEntries(replaced.map((key) => [key, original[key]])));
    }

    // Config values: a batch holds each key once, and each value must be named in the output: one that
    // passed would be missing there even though the others fail the preview.
    const batches = batchesByKey(BAD_CONFIG);
    for (const [i, batch] of batches.entries())
      await refused(
        `config batch ${i + 1}`,
        Object.fromEntries(batch.map((row) => [row.key, { value: row.value }])),
        batch.map((row) => row.says),
      );
    // Credentials: one per preview, each replacing the credential the stack uses.
    for (const row of BAD_CREDENTIALS) {
      const value = row.value(env.stateDir);
      if (fs.existsSync(value)) inputFiles.push(value);
      await refused(row.what, { [row.key]: { value, secret: row.secret } }, [row.says(value)]);
    }
    assert.deepEqual(problems, []);

    // A file others may read still works (the preview reads the API with it) but says how to fix it.
    const loose = looseCredentialsFile(env.stateDir, authorizedUserJson(ALICE_REFRESH_TOKEN));
    inputFiles.push(loose);
    await env.stack.setConfig("gcp-billing:credentials", { value: loose });
    const warned = await preview(env, seen);
    outputs["pulumi preview output (0644)"] = warned.output;
    assert.equal(warned.code, 0, warned.output);
    const shown = diagnostics(warned.stdout);
    assert.match(
      shown,
      new RegExp(
        `warning: gcp-billing:credentials names ${escape(loose)}, which other users of this machine may read \\(mode 0644\\): chmod 600 ${escape(loose)}`,
      ),
    );
    assert.ok(
      billingApiCalls(env.emulator).length > 0,
      "a working credentials file reads the API at preview",
    );

    inputFiles.push(String(original["gcp-billing:credentials"]?.value));
    const places = await stackPlaces(env, outputs, inputFiles);
    const leaks = scanForSecrets([...SECRETS, TRUNCATED_TOKEN, TYPED_TOKEN], places);
    assert.deepEqual(leaks.findings, []);
    recordScenario({
      scenario: "bad config and credentials files",
      test: "badInput.test.ts › malformed gcp-billing:* config and credentials files",
      faults: `${BAD_CONFIG.length} malformed gcp-billing:* values in ${batches.length} previews; ${BAD_CREDENTIALS.length} broken credentials (wrong or missing type, truncated, empty, a directory, a pipe, /dev/zero, missing fields, inline JSON, a two-line access token, a refresh token without its client, a bad service account to impersonate); a 0644 credentials file`,
      outcome:
        "each refused at preview naming its key, no Cloud Billing API call; the 0644 file worked and warned with chmod 600",
      lost: 0,
      leaked: leaks.count,
      retries: retryStats(seen).retries,
      durationMs: Date.now() - started,
    });
  });
});
