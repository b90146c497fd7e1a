// Partial failure under the real engine: a stack of 20 links in which three cannot be made — a project
// the caller has no permission on, a closed account, an account at its link quota. With
// `--continue-on-error` (how a pipeline applies independent links, docs/provider.md) the 17 others are
// made and in state, the three fail each with its own hint, and the next `up` touches only the three.
import assert from "node:assert/strict";
import { describe, test } from "@jest/globals";
import { cleanupAfterEach } from "../support/cleanups";
import {
  ACCOUNTS,
  ALICE_REFRESH_TOKEN,
  createBillingStack,
  type DeclaredLink,
} from "../support/billingStack";
import { DEMO_CLIENT_SECRET } from "../support/seed";
import { fleetProject, fleetSeed } from "./support/fleetSeed";
import { recordScenario } from "./support/scenarioResults";
import { EMULATOR_ACCESS_TOKEN_PREFIX, filesUnder, scanForSecrets } from "./support/secretScan";

const cleanups = cleanupAfterEach();

const NO_PERMISSION = fleetProject(18);
const TO_CLOSED = fleetProject(19);
const TO_FULL = fleetProject(20);
const FAILING = [NO_PERMISSION, TO_CLOSED, TO_FULL];

/** Each failing link and what its error must say. */
const EXPECTED_HINTS: Record<string, RegExp> = {
  [NO_PERMISSION]:
    /Missing permission resourcemanager\.projects\.get \(projects\/fleet-18\): grant roles\/viewer \(or roles\/browser\)/,
  [TO_CLOSED]: /billingAccounts\/0C1C2C-3C4C5C-6C7C8C is closed: link the project to an open account/,
  [TO_FULL]: /billingAccounts\/0F1F2F-3F4F5F-6F7F8F has reached its project-link quota/,
};

function declared(): DeclaredLink[] {
  return Array.from({ length: 20 }, (_, i) => {
    const projectId = fleetProject(i + 1);
    const billingAccount =
      projectId === TO_CLOSED ? ACCOUNTS.closed : projectId === TO_FULL ? ACCOUNTS.atQuota : ACCOUNTS.main;
    return { name: projectId, projectId, billingAccount };
  });
}

/** The resource block of one link in the engine's diagnostics: its `error:` lines. */
function errorsOf(output: string, projectId: string): string {
  const block = new RegExp(`ProjectBillingLink \\(${projectId}\\):\\n((?:    .*\\n)+)`).exec(output);
  return (block?.[1] ?? "").replace(/\n\s+/g, " ");
}

describe("partial failure", () => {
  test("20 links, 3 impossible: 17 made and kept, 3 fail with their own hints, the next up touches only the 3", async () => {
    const started = Date.now();
    const env = await createBillingStack({
      seed: fleetSeed({ size: 20, withoutPermission: [NO_PERMISSION] }),
      // Preview's preflight would refuse the closed account before anything runs; here it is off, so all
      // three failures come from the API, as they do when something changes between preview and up.
      config: { "gcp-billing:preflight": { value: "false" } },
    });
    cleanups.add(() => env.cleanup());
    env.emulator.setKnobs({ closedAccountLinkRejected: true });
    await env.declare(declared());

    env.emulator.clearLog();
    const first = await env.cli(["up", "--yes", "--skip-preview", "--continue-on-error"]);
    assert.notEqual(first.code, 0, "three links failed, so the up must fail");
    const firstOutput = first.stdout + first.stderr;
    for (const projectId of FAILING)
      assert.match(errorsOf(first.stdout, projectId), EXPECTED_HINTS[projectId], firstOutput);

    const state = await env.stack.exportStack();
    const inState = (state.deployment.resources as Array<{ type: string; outputs?: Record<string, unknown> }>)
      .filter((r) => r.type.endsWith("ProjectBillingLink"))
      .map((r) => String(r.outputs?.projectId))
      .sort();
    const made = declared().filter((l) => !FAILING.includes(l.projectId));
    assert.deepEqual(inState, made.map((l) => l.projectId).sort());
    for (const link of made) assert.equal(await env.liveAccount(link.projectId), link.billingAccount);
    for (const projectId of FAILING)
      assert.equal(await env.liveAccount(projectId), "", `${projectId} untouched`);
    const firstRetries = env.emulator.requestLog().filter((e) => e.status >= 500 || e.status === 429).length;

    // The next up: the 17 are done, so only the three are tried (and fail the same way).
    env.emulator.clearLog();
    const second = await env.cli(["up", "--yes", "--skip-preview", "--continue-on-error"]);
    assert.notEqual(second.code, 0);
    const touched = new Set(
      env.emulator
        .requestLog()
        .filter((e) => e.method.startsWith("projects."))
        .map((e) => /projects\/([^/]+)/.exec(e.path)?.[1]),
    );
    assert.deepEqual([...touched].sort(), FAILING);
    for (const projectId of FAILING)
      assert.match(errorsOf(second.stdout, projectId), EXPECTED_HINTS[projectId]);

    const leaks = scanForSecrets([ALICE_REFRESH_TOKEN, DEMO_CLIENT_SECRET, EMULATOR_ACCESS_TOKEN_PREFIX], {
      ...filesUnder(`${env.stateDir}/backend`),
      ...filesUnder(`${env.stateDir}/home`),
      "engine output": firstOutput + second.stdout + second.stderr,
    });
    assert.deepEqual(leaks.findings, []);
    recordScenario({
      scenario: "partial failure: 3 of 20 links impossible",
      test: "partialFailure.test.ts › 20 links, 3 impossible",
      faults:
        "no permission on one project, one closed account, one account at its link quota; up --continue-on-error",
      outcome:
        "17 made and in state; 3 failed with their own hints; the next up called the API for the 3 only",
      lost: 0,
      leaked: leaks.count,
      retries: firstRetries,
      durationMs: Date.now() - started,
    });
  });
});
