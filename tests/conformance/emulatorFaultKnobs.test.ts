// The fault knobs the reliability suite leans on: random throttling in Google's 429 shape, random faults whose
// rates are shares of all requests and reproducible from a seed, and deterministic slow and hung answers.
import assert from "node:assert/strict";
import { afterAll, beforeAll, beforeEach, describe, it } from "@jest/globals";
import type { RunningEmulator } from "../../emulator/src/index";
import {
  ACCOUNTS,
  ALICE,
  CB,
  DEMO_CLIENT,
  call,
  detail,
  rpcError,
  tokenFor,
  withEmulator,
} from "./helpers/emulatorHarness";
import { REFRESH_TOKENS } from "../support/seed";

const READ = "/v1/projects/demo-data/billingInfo";

describe("emulator fault knobs", () => {
  let emu: RunningEmulator;
  let alice: string;
  beforeAll(async () => {
    emu = await withEmulator();
  });
  beforeEach(async () => {
    await emu.reset();
    alice = tokenFor(emu, ALICE, [CB]);
  });
  afterAll(() => emu.stop());

  const read = (path = READ) => call(emu, "GET", path, { token: alice });
  const refresh = () =>
    fetch(emu.oauth.tokenUrl, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: REFRESH_TOKENS.alice,
        client_id: DEMO_CLIENT.id,
        client_secret: DEMO_CLIENT.secret,
      }),
    });

  it("throttleRate answers 429 RESOURCE_EXHAUSTED with Retry-After and RetryInfo, as a rate quota does", async () => {
    emu.setKnobs({ throttleRate: 1, throttleRetryAfterSeconds: 4 });
    const res = await read();
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("retry-after"), "4");
    assert.equal(rpcError(res).status, "RESOURCE_EXHAUSTED");
    const info = detail(res, "ErrorInfo");
    assert.equal(info?.reason, "RATE_LIMIT_EXCEEDED");
    const metadata = info?.metadata as Record<string, string>;
    // "0" would mean "no quota granted at all", which clients must not retry.
    assert.notEqual(metadata.quota_limit_value, "0");
    assert.equal(detail(res, "RetryInfo")?.retryDelay, "4s");

    const token = await refresh();
    assert.equal(token.status, 429);
    assert.equal(token.headers.get("retry-after"), "4");
    assert.equal(((await token.json()) as { error: string }).error, "rate_limit_exceeded");
  });

  it("the random fault rates are each a share of all requests", async () => {
    emu.setKnobs({ faultSeed: 7, dropConnectionRate: 0.05, failureRate: 0.2, throttleRate: 0.1 });
    const n = 600;
    const statuses: number[] = [];
    for (let i = 0; i < n; i++)
      statuses.push(
        await read().then(
          (r) => r.status,
          () => 0,
        ),
      );
    const share = (status: number) => statuses.filter((s) => s === status).length / n;
    // Binomial: ±4 standard deviations at n = 600 is about ±0.07 for 20 %; the seed makes it exact anyway.
    assert.ok(Math.abs(share(0) - 0.05) < 0.04, `drops ${share(0)}`);
    assert.ok(Math.abs(share(503) - 0.2) < 0.07, `503s ${share(503)}`);
    assert.ok(Math.abs(share(429) - 0.1) < 0.05, `429s ${share(429)}`);
    assert.ok(Math.abs(share(200) - 0.65) < 0.08, `answers ${share(200)}`);
    const logged = emu.requestLog().filter((e) => e.method === "projects.getBillingInfo");
    assert.equal(logged.length, n, "every request is logged, dropped ones with status 0");
  });

  it("faultSeed gives the n-th request to a path the same fault however requests interleave", async () => {
    const other = "/v1/projects/demo-app-prod/billingInfo";
    const knobs = { faultSeed: 42, failureRate: 0.5 };
    const outcomes = async (order: string[]): Promise<Record<string, number[]>> => {
      await emu.reset();
      alice = tokenFor(emu, ALICE, [CB]);
      emu.setKnobs(knobs);
      const out: Record<string, number[]> = { [READ]: [], [other]: [] };
      for (const path of order) out[path].push((await read(path)).status);
      return out;
    };
    const a = await outcomes([READ, READ, READ, READ, other, other, other, other]);
    const b = await outcomes([other, READ, other, READ, READ, other, other, READ]);
    assert.deepEqual(a, b);
    assert.deepEqual(
      new Set([...a[READ], ...a[other]]),
      new Set([200, 503]),
      "both answers and failures were drawn",
    );
    // Setting the seed again replays the same sequence.
    emu.setKnobs(knobs);
    const again: number[] = [];
    for (let i = 0; i < 4; i++) again.push((await read()).status);
    assert.deepEqual(again, a[READ]);
  });

  it("random fault rates that add up to more than every request are refused", async () => {
    assert.throws(() => emu.setKnobs({ failureRate: 0.7, throttleRate: 0.4 }), /at most 1/);
    const res = await fetch(`${emu.controlUrl}/knobs`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ dropConnectionRate: 0.6, failureRate: 0.6 }),
    });
    assert.equal(res.status, 400);
    assert.equal(emu.knobs().failureRate, 0, "a refused change changes nothing");
  });

  it('failNext "slow" answers after delayMs, as usual; only with delayMs', async () => {
    emu.setKnobs({ failNext: [{ status: "slow", delayMs: 400, method: "projects.getBillingInfo" }] });
    const started = Date.now();
    const res = await read();
    assert.ok(Date.now() - started >= 390, `answered after ${Date.now() - started} ms`);
    assert.equal(res.status, 200);
    assert.equal(res.json?.billingAccountName, `billingAccounts/${ACCOUNTS.sandbox}`);
    assert.equal(emu.requestLog()[0].abandoned, undefined, "a slow answer the client waited for");
    const quick = Date.now();
    await read();
    assert.ok(Date.now() - quick < 300, "consumed once");
    assert.throws(() => emu.setKnobs({ failNext: [{ status: "slow" }] }), /delayMs/);
    assert.throws(() => emu.setKnobs({ failNext: [{ status: 503, delayMs: 5 }] }), /delayMs/);
  });

  it('a "slow" write whose client gave up is still applied, and logged with the status it got', async () => {
    emu.setKnobs({ failNext: [{ status: "slow", delayMs: 500, method: "projects.updateBillingInfo" }] });
    await assert.rejects(
      fetch(`${emu.url}/v1/projects/sandbox-one/billingInfo`, {
        method: "PUT",
        headers: { authorization: `Bearer ${alice}`, "content-type": "application/json" },
        body: JSON.stringify({ billingAccountName: `billingAccounts/${ACCOUNTS.main}` }),
        signal: AbortSignal.timeout(100),
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 800));
    const after = await read("/v1/projects/sandbox-one/billingInfo");
    assert.equal(after.json?.billingAccountName, `billingAccounts/${ACCOUNTS.main}`);
    const puts = emu.requestLog().filter((e) => e.method === "projects.updateBillingInfo");
    assert.deepEqual(
      puts.map((e) => [e.status, e.abandoned]),
      [[200, true]],
    );
  });

  it('failNext "hang" never answers; the request is logged with status 0 once the client gives up', async () => {
    emu.setKnobs({ failNext: [{ status: "hang", method: "projects.getBillingInfo" }] });
    const started = Date.now();
    await assert.rejects(
      fetch(`${emu.url}${READ}`, {
        headers: { authorization: `Bearer ${alice}` },
        signal: AbortSignal.timeout(300),
      }),
    );
    assert.ok(Date.now() - started >= 290);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(
      emu.requestLog().map((e) => [e.method, e.status]),
      [["projects.getBillingInfo", 0]],
    );
    assert.equal((await read()).status, 200, "the next request is answered");
  });

  it('"hang" and "slow" apply to the token endpoint too', async () => {
    emu.setKnobs({
      failNext: [
        { status: "hang", method: "oauth.token" },
        { status: "slow", delayMs: 300, method: "oauth.token" },
      ],
    });
    await assert.rejects(
      fetch(emu.oauth.tokenUrl, { method: "POST", body: "x", signal: AbortSignal.timeout(200) }),
    );
    const started = Date.now();
    const res = await refresh();
    assert.equal(res.status, 200);
    assert.ok(Date.now() - started >= 290);
  });
});

it("stopping the emulator ends a hung request instead of waiting for it", async () => {
  const emu = await withEmulator({ knobs: { failNext: [{ status: "hang" }] } });
  const hung = fetch(`${emu.url}${READ}`).then(
    () => "answered",
    () => "connection closed",
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  const started = Date.now();
  await emu.stop();
  assert.ok(Date.now() - started < 2000, "stop did not wait for the hung request");
  assert.equal(await hung, "connection closed");
});
