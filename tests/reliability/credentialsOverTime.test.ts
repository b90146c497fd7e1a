// Credentials over the life of a run, under the real engine: 30 s access tokens across an `up` several
// lifetimes long, a refresh token revoked mid-run, and a static access token that has expired.
import assert from "node:assert/strict";
import { describe, test } from "@jest/globals";
import type { InjectedFault } from "../../emulator/src";
import { cleanupAfterEach } from "../support/cleanups";
import {
  ACCOUNTS,
  ALICE_REFRESH_TOKEN,
  createBillingStack,
  writeCredentialsFile,
  type BillingStack,
  type BillingStackOptions,
  type DeclaredLink,
} from "../support/billingStack";
import { DEMO_CLIENT_SECRET, PRINCIPALS } from "../support/seed";
import { fleetProject, fleetSeed, type FleetOptions } from "./support/fleetSeed";
import { recordScenario } from "./support/scenarioResults";
import { EMULATOR_ACCESS_TOKEN_PREFIX, filesUnder, scanForSecrets } from "./support/secretScan";

const cleanups = cleanupAfterEach();
const SECOND_LOGIN = "emu-rt-alice-second-login";

async function fleetStack(fleet: FleetOptions, options: BillingStackOptions = {}): Promise<BillingStack> {
  const env = await createBillingStack({ seed: fleetSeed(fleet), ...options });
  cleanups.add(() => env.cleanup());
  return env;
}

function fleetLinks(size: number): DeclaredLink[] {
  return Array.from({ length: size }, (_, i) => ({
    name: fleetProject(i + 1),
    projectId: fleetProject(i + 1),
    billingAccount: ACCOUNTS.main,
  }));
}

/** API calls alice's provider made (token endpoint calls excluded), and the token grants it asked for. */
function aliceTraffic(env: BillingStack) {
  const mine = env.emulator
    .requestLog()
    .filter((e) => e.principal === PRINCIPALS.alice || e.method === "oauth.token");
  const api = mine.filter((e) => e.method !== "oauth.token");
  return {
    api,
    refreshes: mine.filter((e) => e.method === "oauth.token").length,
    retries: api.filter((e) => e.status >= 500 || e.status === 429 || e.status === 401).length,
  };
}

/** Projects the state holds a link for, and those of them the API disagrees with. */
async function stateLinks(env: BillingStack): Promise<{ projects: string[]; wrong: string[] }> {
  const state = await env.stack.exportStack();
  const projects: string[] = [];
  const wrong: string[] = [];
  for (const r of state.deployment.resources as Array<{ type: string; outputs?: Record<string, unknown> }>) {
    if (!r.type.endsWith("ProjectBillingLink")) continue;
    const projectId = String(r.outputs?.projectId);
    projects.push(projectId);
    if (r.outputs?.billingAccount !== (await env.liveAccount(projectId))) wrong.push(projectId);
  }
  return { projects: projects.sort(), wrong };
}

function leaks(env: BillingStack, secrets: string[], output: string): number {
  const found = scanForSecrets(secrets, {
    ...filesUnder(`${env.stateDir}/backend`),
    ...filesUnder(`${env.stateDir}/home`),
    "engine output": output,
  });
  assert.deepEqual(found.findings, []);
  return found.count;
}

describe("credentials over time", () => {
  test("30 s access tokens across an up several lifetimes long: no failure, one refresh per lifetime", async () => {
    const LIFETIME_S = 30;
    const size = 20;
    const env = await fleetStack({ size, accessTokenLifetimeSeconds: LIFETIME_S });
    await env.declare(fleetLinks(size));
    // One link at a time (--parallel 1 bounds the engine's steps), and every link's write answered after
    // 3.5 s: the run outlasts two token lifetimes by construction (20 × 3.5 s = 70 s), however fast the
    // machine is and however the engine overlaps its checks. The 3.5 s stay under the attempt timeout.
    env.emulator.setKnobs({
      failNext: Array.from({ length: size }, (): InjectedFault => ({
        status: "slow",
        delayMs: 3500,
        method: "projects.updateBillingInfo",
      })),
    });
    env.emulator.clearLog();
    const started = Date.now();
    const up = await env.cli(["up", "--yes", "--skip-preview", "--parallel", "1"]);
    const durationMs = Date.now() - started;
    assert.equal(up.code, 0, up.stdout + up.stderr);
    assert.deepEqual(env.emulator.knobs().failNext, [], "every write was one of the slow ones");

    const { api, refreshes, retries } = aliceTraffic(env);
    assert.ok(
      durationMs > 2 * LIFETIME_S * 1000,
      `the up must outlast two token lifetimes, took ${durationMs} ms`,
    );
    assert.deepEqual(
      api.filter((e) => e.status !== 200).map((e) => `${e.method} ${e.status}`),
      [],
      "no call failed, not even once with an expired token",
    );
    // Refreshed at 3/4 of each lifetime (sdk/src/tokenProvider.ts): between one per lifetime and one per
    // three-quarter lifetime, plus the first — never one per request.
    const atLeast = Math.ceil(durationMs / (LIFETIME_S * 1000));
    const atMost = Math.ceil(durationMs / (0.75 * LIFETIME_S * 1000)) + 1;
    assert.ok(refreshes >= atLeast && refreshes <= atMost, `${refreshes} refreshes in ${durationMs} ms`);
    assert.ok(api.length >= 2 * size, `${api.length} API calls`);
    assert.deepEqual((await stateLinks(env)).wrong, []);
    assert.equal((await stateLinks(env)).projects.length, size);

    const leaked = leaks(
      env,
      [ALICE_REFRESH_TOKEN, DEMO_CLIENT_SECRET, EMULATOR_ACCESS_TOKEN_PREFIX],
      up.stdout + up.stderr,
    );
    recordScenario({
      scenario: "credentials: 30 s access tokens",
      test: "credentialsOverTime.test.ts › 30 s access tokens across an up several lifetimes long",
      faults: `${size} links one at a time (--parallel 1), each write answered after 3.5 s, tokens living ${LIFETIME_S} s`,
      outcome: `0 failed calls; ${refreshes} token refreshes for ${api.length} API calls in ${Math.round(durationMs / 1000)} s`,
      lost: 0,
      leaked,
      retries,
      durationMs,
    });
  });

  test("a refresh token revoked mid-run: failed links say to log in again, made links are kept, the next up converges", async () => {
    const size = 12;
    const env = await fleetStack({ size, extraAliceRefreshTokens: [SECOND_LOGIN] });
    await env.declare(fleetLinks(size));
    env.emulator.setKnobs({ latencyMs: 300 });
    env.emulator.clearLog();
    const started = Date.now();
    const running = env.cli(["up", "--yes", "--skip-preview", "--parallel", "2"]);
    // Someone revokes the session (a password reset, `gcloud auth revoke`) after four links are made.
    const writes = () =>
      env.emulator.requestLog().filter((e) => e.method === "projects.updateBillingInfo" && e.status === 200)
        .length;
    const deadline = Date.now() + 120_000;
    while (writes() < 4) {
      assert.ok(Date.now() < deadline, "the up never reached four writes");
      await new Promise((r) => setTimeout(r, 20));
    }
    const revoked = await fetch(env.emulator.oauth.revokeUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: ALICE_REFRESH_TOKEN }),
    });
    assert.equal(revoked.status, 200);
    const up = await running;
    env.emulator.setKnobs({ latencyMs: 0 });
    assert.notEqual(up.code, 0, "the up must fail once its credentials are gone");

    const output = up.stdout + up.stderr;
    const linkErrors = output.split("\n").filter((l) => /^\s+error: /.test(l));
    assert.ok(linkErrors.length > 0, output);
    for (const line of linkErrors)
      assert.match(line, /revoked\. Log in again: `gcp-billing-link login`/, line);
    const afterRevoke = await stateLinks(env);
    // Every link the engine reported created is in state, and nothing else is.
    const created = [...output.matchAll(/ProjectBillingLink (fleet-\d+) created/g)].map((m) => m[1]).sort();
    assert.ok(created.length > 0, "links made before the revoke");
    assert.deepEqual(afterRevoke.projects, created);
    assert.deepEqual(afterRevoke.wrong, []);

    // A new login: fresh credentials replace the revoked ones, and the next up finishes the job.
    const file = writeCredentialsFile(env.stateDir, SECOND_LOGIN);
    await env.stack.setConfig("gcp-billing:credentials", { value: file });
    env.emulator.clearLog();
    const again = await env.cli(["up", "--yes", "--skip-preview"]);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    const converged = await stateLinks(env);
    assert.equal(converged.projects.length, size);
    assert.deepEqual(converged.wrong, []);
    // Links already true were not written again (a killed write in flight at the revoke may be adopted).
    const rewrites = env.emulator
      .requestLog()
      .filter((e) => e.method === "projects.updateBillingInfo").length;
    assert.ok(rewrites <= size - afterRevoke.projects.length, `${rewrites} writes on the repair run`);

    const leaked = leaks(
      env,
      [ALICE_REFRESH_TOKEN, SECOND_LOGIN, DEMO_CLIENT_SECRET, EMULATOR_ACCESS_TOKEN_PREFIX],
      output + again.stdout + again.stderr,
    );
    recordScenario({
      scenario: "credentials: refresh token revoked mid-run",
      test: "credentialsOverTime.test.ts › a refresh token revoked mid-run",
      faults: `${size} links; alice's refresh token revoked after 4 writes`,
      outcome: `${linkErrors.length} link(s) failed with the re-login hint, ${afterRevoke.projects.length} kept in state; after a new login the next up made the other ${rewrites} and converged`,
      lost: 0,
      leaked,
      retries: aliceTraffic(env).retries,
      durationMs: Date.now() - started,
    });
  });

  test("an expired static access token fails the preview with its fix, and nothing is written", async () => {
    const started = Date.now();
    const env = await fleetStack({ size: 2 }, { credentials: "none" });
    const token = env.emulator.issueAccessToken({
      principal: PRINCIPALS.alice,
      scopes: ["https://www.googleapis.com/auth/cloud-billing"],
      lifetimeSeconds: 60,
    });
    env.emulator.advanceClock(61_000);
    env.envVars.GOOGLE_OAUTH_ACCESS_TOKEN = token;
    await env.declare(fleetLinks(2));
    env.emulator.clearLog();
    const preview = await env.cli(["preview"]);
    const up = await env.cli(["up", "--yes", "--skip-preview"]);
    for (const run of [preview, up]) {
      assert.notEqual(run.code, 0);
      assert.match(
        run.stdout,
        /GOOGLE_OAUTH_ACCESS_TOKEN is expired, revoked or invalid, and static tokens cannot be refreshed/,
      );
    }
    const log = env.emulator.requestLog();
    assert.equal(log.filter((e) => e.method === "projects.updateBillingInfo").length, 0);
    assert.equal(
      log.filter((e) => e.method === "oauth.token").length,
      0,
      "a static token is never refreshed",
    );
    assert.equal((await stateLinks(env)).projects.length, 0);
    const output = preview.stdout + preview.stderr + up.stdout + up.stderr;
    const leaked = leaks(env, [token], output);
    recordScenario({
      scenario: "credentials: expired static token",
      test: "credentialsOverTime.test.ts › an expired static access token fails the preview",
      faults: "GOOGLE_OAUTH_ACCESS_TOKEN minted with a 60 s lifetime, emulator clock 61 s later",
      outcome: "preview and up fail naming the variable and the fix; no write, no refresh attempt",
      lost: 0,
      leaked,
      retries: 0,
      durationMs: Date.now() - started,
    });
  });
});
