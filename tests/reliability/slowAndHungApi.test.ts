// An API that answers too slowly, then one that never answers, with the provider's timeouts set small
// (gcp-billing:requestTimeoutSeconds 1, operationTimeoutSeconds 6). Slow answers are abandoned and retried
// within the call's deadline and `up` succeeds; a hung write fails the run with the method named, once its
// deadline passed — the engine never hangs — and the next `up` converges.
import assert from "node:assert/strict";
import { test } from "@jest/globals";
import type { InjectedFault } from "../../emulator/src";
import {
  ACCOUNTS,
  ALICE_REFRESH_TOKEN,
  DEMO_CLIENT_SECRET,
  createBillingStack,
} from "../support/billingStack";
import { cleanupAfterEach } from "../support/cleanups";
import { retryStats } from "./support/requestLogRetries";
import { recordScenario } from "./support/scenarioResults";
import { EMULATOR_ACCESS_TOKEN_PREFIX, scanForSecrets } from "./support/secretScan";
import { lostLinks } from "./support/stackLinks";
import { stackPlaces } from "./support/stackPlaces";

const cleanups = cleanupAfterEach();

const ATTEMPT_TIMEOUT_S = 1;
const OPERATION_TIMEOUT_S = 6;
/** Slower than one attempt may take, so each slow answer is abandoned and its call retried. */
const SLOW_MS = 2500;
const SLOW_METHODS = [
  "oauth.token",
  "billingAccounts.get",
  "projects.getBillingInfo",
  "projects.getBillingInfo",
  "projects.updateBillingInfo",
  "projects.updateBillingInfo",
];
/** Engine start-up and the program's run, on two shared cores: generous, but far from a hang. */
const ENGINE_OVERHEAD_MS = 90_000;

const link = (n: number) => ({
  name: `team-0${n}`,
  projectId: `team-0${n}`,
  billingAccount: ACCOUNTS.main,
});

test("slow answers are retried within the deadline; a hung write fails naming its method, and the next up converges", async () => {
  const env = await createBillingStack({
    config: {
      "gcp-billing:requestTimeoutSeconds": { value: String(ATTEMPT_TIMEOUT_S) },
      "gcp-billing:operationTimeoutSeconds": { value: String(OPERATION_TIMEOUT_S) },
    },
  });
  cleanups.add(() => env.cleanup());
  let output = "";
  const onOutput = (text: string) => (output += text);

  // Slow: every kind of call the run makes is, once or twice, slower than an attempt may take.
  const slow = [link(1), link(2), link(3)];
  await env.declare(slow);
  env.emulator.clearLog();
  env.emulator.setKnobs({
    failNext: SLOW_METHODS.map((method): InjectedFault => ({ status: "slow", delayMs: SLOW_MS, method })),
  });
  const started = Date.now();
  const up = await env.stack.up({ onOutput });
  const slowMs = Date.now() - started;
  assert.equal(up.summary.result, "succeeded");
  assert.deepEqual(env.emulator.knobs().failNext, [], "every slow answer was served");
  await new Promise((resolve) => setTimeout(resolve, SLOW_MS)); // the last late answers go out
  const slowLog = env.emulator.requestLog();
  const abandoned = slowLog.filter((e) => e.abandoned);
  assert.equal(abandoned.length, SLOW_METHODS.length, "each slow answer came after its client gave up");
  const slowStats = retryStats(slowLog);
  assert.deepEqual(slowStats.unfinished, []);
  assert.equal(slowStats.retries, SLOW_METHODS.length, "each abandoned attempt was retried once");
  // The late writes are the same write again: idempotent, so state and the API still agree.
  assert.deepEqual((await lostLinks(env, slow)).problems, []);

  // Hung: the next link's write never gets an answer, however often it is tried.
  const hung = [...slow, link(4)];
  await env.declare(hung);
  env.emulator.clearLog();
  env.emulator.setKnobs({
    failNext: Array.from({ length: 20 }, (): InjectedFault => ({
      status: "hang",
      method: "projects.updateBillingInfo",
    })),
  });
  const hungStarted = Date.now();
  const failed = await env.cli(["up", "--yes", "--skip-preview"]);
  const hungMs = Date.now() - hungStarted;
  const hungOutput = failed.stdout + failed.stderr;
  output += hungOutput;
  assert.notEqual(failed.code, 0, hungOutput);
  const errorLines = hungOutput.split("\n").filter((l) => l.includes("did not succeed before its deadline"));
  assert.ok(errorLines.length > 0, hungOutput);
  for (const line of errorLines) {
    assert.match(
      line,
      /projects\.updateBillingInfo did not succeed before its deadline after \d+ attempt\(s\)\. Last error: projects\.updateBillingInfo projects\/team-04 failed: no response \(ATTEMPT_TIMEOUT\)/,
    );
    // One hint, and about time: the service is reachable, only slow.
    assert.equal(line.split("Hint:").length, 2, line);
    assert.match(line, /Hint: The endpoint did not answer in time.*requestTimeoutSeconds/);
  }
  assert.ok(hungMs < OPERATION_TIMEOUT_S * 1000 + ENGINE_OVERHEAD_MS, `up took ${hungMs} ms`);
  // The write gave up at its deadline: its attempts span at most the operation timeout, one per attempt timeout.
  await new Promise((resolve) => setTimeout(resolve, 200)); // the aborted attempts are logged as their sockets close
  const puts = env.emulator.requestLog().filter((e) => e.method === "projects.updateBillingInfo");
  assert.ok(puts.length >= 2 && puts.every((e) => e.status === 0), JSON.stringify(puts));
  assert.ok(puts.length <= OPERATION_TIMEOUT_S / ATTEMPT_TIMEOUT_S, `${puts.length} attempts`);
  const span = puts[puts.length - 1].at - puts[0].at;
  assert.ok(span <= OPERATION_TIMEOUT_S * 1000 + 500, `the write was tried for ${span} ms`);
  const hungRetries = retryStats(env.emulator.requestLog()).retries;
  // A hung write is never applied: team-04 is neither linked nor in state, and the others are untouched.
  assert.equal(await env.liveAccount("team-04"), "");
  assert.deepEqual((await lostLinks(env, slow)).problems, []);

  // With the API back, the next up converges.
  env.emulator.setKnobs({ failNext: [] });
  const converged = await env.stack.up({ onOutput });
  assert.equal(converged.summary.result, "succeeded");
  const { lost, problems } = await lostLinks(env, hung);
  assert.deepEqual(problems, []);

  const credentialsFile = (await env.stack.getConfig("gcp-billing:credentials")).value;
  const places = await stackPlaces(env, { "engine output": output }, [credentialsFile]);
  const leaks = scanForSecrets(
    [ALICE_REFRESH_TOKEN, DEMO_CLIENT_SECRET, EMULATOR_ACCESS_TOKEN_PREFIX],
    places,
  );
  assert.deepEqual(leaks.findings, []);

  recordScenario({
    scenario: "slow API",
    test: "slowAndHungApi.test.ts › slow answers are retried within the deadline",
    faults: `${SLOW_METHODS.length} answers (token, account, reads, writes) ${SLOW_MS / 1000} s late; attempt timeout ${ATTEMPT_TIMEOUT_S} s, deadline ${OPERATION_TIMEOUT_S} s`,
    outcome:
      "up succeeded; every slow attempt abandoned and retried once; the late writes were idempotent repeats; state = declared = API",
    lost: (await lostLinks(env, hung)).lost,
    leaked: leaks.count,
    retries: slowStats.retries,
    durationMs: slowMs,
  });
  recordScenario({
    scenario: "hung API",
    test: "slowAndHungApi.test.ts › … a hung write fails naming its method",
    faults: `projects.updateBillingInfo never answers; attempt timeout ${ATTEMPT_TIMEOUT_S} s, deadline ${OPERATION_TIMEOUT_S} s`,
    outcome: `up failed in ${(hungMs / 1000).toFixed(0)} s with "projects.updateBillingInfo … did not succeed before its deadline" after ${puts.length} attempts over ${(span / 1000).toFixed(1)} s; nothing half-written; the next up converged`,
    lost,
    leaked: leaks.count,
    retries: hungRetries,
    durationMs: hungMs,
  });
});
