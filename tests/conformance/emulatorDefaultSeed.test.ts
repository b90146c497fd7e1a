// The default seed lets one user try a dozen links: alice, logged in through the seeded refresh token,
// links team-01…team-12 to the open accounts through the real API.
import assert from "node:assert/strict";
import { afterAll, beforeAll, beforeEach, describe, it } from "@jest/globals";
import type { RunningEmulator } from "../../emulator/src/index";
import { ACCOUNTS, ALICE, DEMO_CLIENT, call, withEmulator } from "./helpers/emulatorHarness";

const TEAM_PROJECTS = Array.from({ length: 12 }, (_, i) => `team-${String(i + 1).padStart(2, "0")}`);

describe("default seed: projects for a dozen links", () => {
  let emu: RunningEmulator;
  let alice: string;

  beforeAll(async () => {
    emu = await withEmulator();
  });
  beforeEach(async () => {
    await emu.reset();
    // The refresh token the demo user logs in with, not a token minted around IAM.
    const res = await fetch(emu.oauth.tokenUrl, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: "emu-rt-alice-cloud-billing",
        client_id: DEMO_CLIENT.id,
        client_secret: DEMO_CLIENT.secret,
      }),
    });
    assert.equal(res.status, 200);
    alice = String(((await res.json()) as { access_token: string }).access_token);
    emu.clearLog();
  });
  afterAll(() => emu.stop());

  it("team-01…team-12 start unlinked and alice may read them", async () => {
    for (const p of TEAM_PROJECTS) {
      const r = await call(emu, "GET", `/v1/projects/${p}/billingInfo`, { token: alice });
      assert.deepEqual([r.status, r.json], [200, { name: `projects/${p}/billingInfo`, projectId: p }], p);
    }
  });

  it("alice links each of them, alternating between the two open accounts with room", async () => {
    const target = (i: number): string => (i % 2 === 0 ? ACCOUNTS.main : ACCOUNTS.sandbox);
    for (const [i, p] of TEAM_PROJECTS.entries()) {
      const r = await call(emu, "PUT", `/v1/projects/${p}/billingInfo`, {
        token: alice,
        body: { billingAccountName: `billingAccounts/${target(i)}` },
      });
      assert.equal(r.status, 200, `${p}: ${r.text}`);
      assert.equal(r.json?.billingEnabled, true, p);
    }
    for (const id of [ACCOUNTS.main, ACCOUNTS.sandbox]) {
      const list = await call(emu, "GET", `/v1/billingAccounts/${id}/projects`, { token: alice });
      const listed = Array.isArray(list.json?.projectBillingInfo) ? list.json.projectBillingInfo : [];
      const expected = TEAM_PROJECTS.filter((_, i) => target(i) === id);
      assert.deepEqual(
        listed.map((p) => String(p.projectId)).filter((p) => p.startsWith("team-")),
        expected,
      );
    }
    const updates = emu.requestLog().filter((r) => r.method === "projects.updateBillingInfo");
    assert.deepEqual(
      updates.map((r) => [r.principal, r.status]),
      TEAM_PROJECTS.map(() => [ALICE, 200]),
    );
  });

  it("all twelve fit on the main account at once: its link quota has room", async () => {
    for (const p of TEAM_PROJECTS) {
      const r = await call(emu, "PUT", `/v1/projects/${p}/billingInfo`, {
        token: alice,
        body: { billingAccountName: `billingAccounts/${ACCOUNTS.main}` },
      });
      assert.equal(r.status, 200, `${p}: ${r.text}`);
    }
    const list = await call(emu, "GET", `/v1/billingAccounts/${ACCOUNTS.main}/projects`, { token: alice });
    const listed = Array.isArray(list.json?.projectBillingInfo) ? list.json.projectBillingInfo : [];
    assert.deepEqual(
      listed.map((p) => String(p.projectId)),
      ["quota-home", ...TEAM_PROJECTS],
    );
  });
});
