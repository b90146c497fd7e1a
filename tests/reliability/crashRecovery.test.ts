// `pulumi up` killed with SIGKILL at seeded random points, and a rename without aliases: afterwards
// `pulumi cancel` + `pulumi up --refresh` converge (state = reality = the declared links, no declared link
// left unlinked), and destroy still returns every project to where it was before the stack — the
// account `restore` needs survives in the provider's journal (provider/src/linkJournal.ts).
// Replay a failure with RELIABILITY_SEED=<seed printed in the failure>.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { describe, test } from "@jest/globals";
import { cleanupAfterEach } from "../support/cleanups";
import {
  ACCOUNTS,
  createBillingStack,
  LINKS_PROGRAM,
  providerCalls,
  type BillingStack,
  type DeclaredLink,
} from "../support/billingStack";
import { killProcessTree } from "../support/processTree";
import { recordScenario } from "./support/scenarioResults";
import { seededRandom } from "./support/seededRandom";
import { EMULATOR_ACCESS_TOKEN_PREFIX, filesUnder, scanForSecrets } from "./support/secretScan";

const cleanups = cleanupAfterEach();
const SEED = Number(process.env.RELIABILITY_SEED ?? 20261204);
const RUNS = Number(process.env.RELIABILITY_RUNS ?? 5);

/** Where each project is before the stack: two moved from the sandbox account, two from no account. */
const BEFORE: Record<string, string> = {
  "team-01": ACCOUNTS.sandbox,
  "team-02": "",
  "team-03": ACCOUNTS.sandbox,
  "team-04": "",
};
const LINKS: DeclaredLink[] = Object.keys(BEFORE).map((projectId) => ({
  name: projectId,
  projectId,
  billingAccount: ACCOUNTS.main,
}));

async function stackWithProjectsInPlace(): Promise<BillingStack> {
  const env = await createBillingStack();
  cleanups.add(() => env.cleanup());
  for (const [projectId, account] of Object.entries(BEFORE)) {
    if (account) await env.admin.updateProjectBillingInfo(projectId, account);
  }
  await env.declare(LINKS);
  return env;
}

/** Starts `pulumi up` and SIGKILLs the CLI, its language host and the provider after `afterCalls` API calls. */
async function killedUp(env: BillingStack, afterCalls: number): Promise<number> {
  env.emulator.clearLog();
  env.emulator.setKnobs({ latencyMs: 250 });
  const child = spawn(
    `${env.engineBinDir}/pulumi`,
    ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", env.stack.name],
    { cwd: LINKS_PROGRAM, env: env.envVars, stdio: "ignore" },
  );
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  let finished = false;
  void exited.then(() => (finished = true));
  const apiCalls = () => env.emulator.requestLog().filter((e) => e.method !== "oauth.token").length;
  const deadline = Date.now() + 120_000;
  while (!finished && apiCalls() < afterCalls) {
    assert.ok(Date.now() < deadline, "the up neither finished nor reached the kill point");
    await new Promise((r) => setTimeout(r, 10));
  }
  if (!finished) killProcessTree(child.pid!);
  await exited;
  env.emulator.setKnobs({ latencyMs: 0 });
  return apiCalls();
}

/** The backend's files and sizes, for a failure message: a state file the kill truncated shows here. */
function backendFiles(env: BillingStack): string {
  const backend = path.join(env.stateDir, "backend");
  return Object.entries(filesUnder(backend))
    .map(([file, text]) => `${path.relative(backend, file)}: ${text.length} bytes`)
    .join("\n");
}

/** Declared links that are not true, and state entries that disagree with the API. */
async function lostLinks(env: BillingStack): Promise<string[]> {
  const lost: string[] = [];
  for (const link of LINKS) {
    const live = await env.liveAccount(link.projectId);
    if (live !== link.billingAccount) lost.push(`${link.projectId} is on ${live || "no account"}`);
  }
  const state = await env.stack.exportStack();
  for (const r of state.deployment.resources as Array<{ type: string; outputs?: Record<string, unknown> }>) {
    if (!r.type.endsWith("ProjectBillingLink")) continue;
    const projectId = String(r.outputs?.projectId);
    if (r.outputs?.billingAccount !== (await env.liveAccount(projectId)))
      lost.push(`${projectId}: state ≠ API`);
  }
  return lost;
}

describe("crash recovery", () => {
  test(`up killed with SIGKILL at ${RUNS} seeded points converges, and destroy still restores (seed ${SEED})`, async () => {
    const random = seededRandom(SEED);
    const started = Date.now();
    let retries = 0;
    let leaked = 0;
    const killPoints: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const env = await stackWithProjectsInPlace();
      // A create is a check read, a PUT and a read-back; kill anywhere from before the first call to the last.
      const killAfter = Math.floor(random() * (LINKS.length * 3 + 2));
      const reached = await killedUp(env, killAfter);
      killPoints.push(reached);

      // What an operator does after a killed CI job: release the lock, then repair with a refresh.
      await env.stack.cancel().catch((err: unknown) => {
        throw new Error(
          `pulumi cancel after a kill after ${reached} calls failed: ${String(err)}\n${backendFiles(env)}`,
        );
      });
      env.emulator.clearLog();
      await env.stack.up({ refresh: true });
      const log = env.emulator.requestLog();
      retries += log.filter((e) => e.status >= 500 || e.status === 429).length;
      assert.deepEqual(await lostLinks(env), [], `seed ${SEED}, run ${run}, killed after ${reached} calls`);
      // No write was needed for a link the killed run had already made true.
      const puts = log.filter((e) => e.method === "projects.updateBillingInfo" && e.status === 200).length;
      assert.ok(puts <= LINKS.length, `at most one write per link on the repair run, saw ${puts}`);

      // The account restore returns to survived the kill: destroy puts every project back.
      await env.stack.destroy();
      for (const [projectId, account] of Object.entries(BEFORE)) {
        assert.equal(
          await env.liveAccount(projectId),
          account,
          `seed ${SEED}, run ${run}: ${projectId} after destroy`,
        );
      }
      leaked += scanForSecrets(["emu-rt-alice-cloud-billing", EMULATOR_ACCESS_TOKEN_PREFIX], {
        ...filesUnder(`${env.stateDir}/backend`),
        ...filesUnder(`${env.stateDir}/home`),
        "request log": JSON.stringify(env.emulator.requestLog()),
      }).count;
    }
    assert.equal(leaked, 0);
    recordScenario({
      scenario: "crash: up killed by SIGKILL",
      test: "crashRecovery.test.ts › up killed with SIGKILL at seeded points",
      faults: `${RUNS} runs, SIGKILL after ${killPoints.join(", ")} API calls (seed ${SEED}), 250 ms latency`,
      outcome:
        "cancel + up --refresh converged each time; destroy restored every project to its account before",
      lost: 0,
      leaked,
      retries,
      durationMs: Date.now() - started,
    });
  });

  test("a rename without aliases keeps the account restore returns to", async () => {
    const started = Date.now();
    const env = await stackWithProjectsInPlace();
    await env.declare([{ name: "old-name", projectId: "team-01", billingAccount: ACCOUNTS.main }]);
    await env.stack.up();
    await env.declare([{ name: "new-name", projectId: "team-01", billingAccount: ACCOUNTS.main }]);
    env.emulator.clearLog();
    const rename = await env.cli(["up", "--yes", "--skip-preview"]);
    assert.equal(rename.code, 0, rename.stdout + rename.stderr);
    assert.equal(
      providerCalls(env.emulator)["projects.updateBillingInfo"] ?? 0,
      0,
      "the rename writes nothing",
    );
    assert.doesNotMatch(rename.stdout, /will no longer return it/);
    assert.match(rename.stdout, /left team-01 linked: another ProjectBillingLink took it over in this run/);
    const state = await env.stack.exportStack();
    const renamed = (
      state.deployment.resources as Array<{ urn: string; outputs?: Record<string, unknown> }>
    ).find((r) => r.urn.endsWith("::new-name"));
    assert.equal(renamed?.outputs?.previousBillingAccount, ACCOUNTS.sandbox);
    await env.stack.destroy();
    assert.equal(await env.liveAccount("team-01"), ACCOUNTS.sandbox);
    recordScenario({
      scenario: "rename without aliases",
      test: "crashRecovery.test.ts › a rename without aliases keeps the account restore returns to",
      faults: "resource renamed with no alias: create of the new name, then delete of the old, in one run",
      outcome: "no write; the new resource recorded the account before the stack; destroy restored it",
      lost: 0,
      leaked: 0,
      retries: 0,
      durationMs: Date.now() - started,
    });
  });

  test("a forced replace keeps the account restore returns to", async () => {
    const started = Date.now();
    const env = await stackWithProjectsInPlace();
    await env.declare([{ name: "app", projectId: "team-03", billingAccount: ACCOUNTS.main }]);
    await env.stack.up();
    const state = await env.stack.exportStack();
    const urn = (state.deployment.resources as Array<{ urn: string }>).find((r) =>
      r.urn.endsWith("::app"),
    )!.urn;
    env.emulator.clearLog();
    const replaced = await env.cli(["up", "--yes", "--skip-preview", "--replace", urn]);
    assert.equal(replaced.code, 0, replaced.stdout + replaced.stderr);
    assert.equal(
      providerCalls(env.emulator)["projects.updateBillingInfo"] ?? 0,
      0,
      "the replace writes nothing",
    );
    assert.doesNotMatch(replaced.stdout, /will no longer return it/);
    const after = await env.stack.exportStack();
    const app = (
      after.deployment.resources as Array<{ urn: string; outputs?: Record<string, unknown> }>
    ).find((r) => r.urn === urn);
    assert.equal(app?.outputs?.previousBillingAccount, ACCOUNTS.sandbox);
    await env.stack.destroy();
    assert.equal(await env.liveAccount("team-03"), ACCOUNTS.sandbox);
    recordScenario({
      scenario: "forced replace",
      test: "crashRecovery.test.ts › a forced replace keeps the account restore returns to",
      faults: "pulumi up --replace of a restore link (create-before-delete of the same project)",
      outcome: "no write; the replacement recorded the account before the stack; destroy restored it",
      lost: 0,
      leaked: 0,
      retries: 0,
      durationMs: Date.now() - started,
    });
  });
});
