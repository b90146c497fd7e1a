// Closing and reopening a billing account, a Cloud console action outside the v1 API: through the
// operator route and in-process, observed only through the real API, as a client would see it.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, it } from "@jest/globals";
import type { RunningEmulator } from "../../emulator/src/index";
import {
  ACCOUNTS,
  ADMIN,
  CP,
  call,
  tokenFor,
  withEmulator,
  type RawResponse,
} from "./helpers/emulatorHarness";

const MAIN = `billingAccounts/${ACCOUNTS.main}`;

async function operator(emu: RunningEmulator, route: string): Promise<RawResponse> {
  const res = await fetch(`${emu.controlUrl}${route}`, { method: "POST" });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: JSON.parse(text) };
}

describe("closing and reopening a billing account", () => {
  let emu: RunningEmulator;
  let admin: string;

  /** What the API says about every project linked to the main account, read two ways. */
  async function linkedToMain(): Promise<{ listed: unknown[]; read: unknown[] }> {
    const list = await call(emu, "GET", `/v1/${MAIN}/projects`, { token: admin });
    assert.equal(list.status, 200);
    const listed = Array.isArray(list.json?.projectBillingInfo) ? list.json.projectBillingInfo : [];
    const read = [];
    for (const p of listed) {
      const r = await call(emu, "GET", `/v1/projects/${String(p.projectId)}/billingInfo`, { token: admin });
      assert.equal(r.status, 200);
      read.push(r.json);
    }
    return { listed, read };
  }

  function info(projectId: string, enabled: boolean): Record<string, unknown> {
    return {
      name: `projects/${projectId}/billingInfo`,
      projectId,
      billingAccountName: MAIN,
      ...(enabled ? { billingEnabled: true } : {}),
    };
  }

  beforeAll(async () => {
    emu = await withEmulator();
  });
  beforeEach(async () => {
    await emu.reset();
    admin = tokenFor(emu, ADMIN, [CP]);
    for (const p of ["demo-app-prod", "demo-app-staging"]) {
      const r = await call(emu, "PUT", `/v1/projects/${p}/billingInfo`, {
        token: admin,
        body: { billingAccountName: MAIN },
      });
      assert.equal(r.status, 200);
    }
  });
  afterAll(() => emu.stop());

  it("POST :close keeps every link and turns billingEnabled off on each; :reopen turns it back on", async () => {
    const linked = ["demo-app-prod", "demo-app-staging", "quota-home"];
    const before = await linkedToMain();
    assert.deepEqual(
      before.listed,
      linked.map((p) => info(p, true)),
    );

    const closed = await operator(emu, `/billingAccounts/${ACCOUNTS.main}:close`);
    assert.deepEqual([closed.status, closed.json], [200, { name: MAIN, open: false }]);
    const whileClosed = await linkedToMain();
    assert.deepEqual(
      whileClosed.listed,
      linked.map((p) => info(p, false)),
    );
    assert.deepEqual(
      whileClosed.read,
      linked.map((p) => info(p, false)),
    );
    const account = await call(emu, "GET", `/v1/${MAIN}`, { token: admin });
    assert.equal(account.json?.open, undefined, "a closed account omits `open` (proto3 default)");

    const reopened = await operator(emu, `/billingAccounts/${ACCOUNTS.main}:reopen`);
    assert.deepEqual([reopened.status, reopened.json], [200, { name: MAIN, open: true }]);
    const after = await linkedToMain();
    assert.deepEqual(
      after.read,
      linked.map((p) => info(p, true)),
    );
    assert.equal((await call(emu, "GET", `/v1/${MAIN}`, { token: admin })).json?.open, true);
  });

  it("a project linked while the account is closed is linked with billing off", async () => {
    emu.setBillingAccountOpen(ACCOUNTS.main, false);
    const linked = await call(emu, "PUT", "/v1/projects/sandbox-one/billingInfo", {
      token: admin,
      body: { billingAccountName: MAIN },
    });
    assert.deepEqual([linked.status, linked.json], [200, info("sandbox-one", false)]);
    emu.setBillingAccountOpen(ACCOUNTS.main, true);
    const read = await call(emu, "GET", "/v1/projects/sandbox-one/billingInfo", { token: admin });
    assert.deepEqual(read.json, info("sandbox-one", true));
  });

  it("reset() reopens it, as the seed has it open", async () => {
    emu.setBillingAccountOpen(ACCOUNTS.main, false);
    await emu.reset();
    const read = await call(emu, "GET", "/v1/projects/quota-home/billingInfo", { token: admin });
    assert.equal(read.json?.billingEnabled, true);
  });

  it("unknown accounts and verbs are refused and change nothing", async () => {
    const unknown = await operator(emu, "/billingAccounts/000000-000000-000000:close");
    assert.equal(unknown.status, 400);
    assert.match(String(unknown.json?.error), /unknown billing account 000000-000000-000000/);
    for (const route of [`/billingAccounts/${ACCOUNTS.main}:delete`, `/billingAccounts/${ACCOUNTS.main}`]) {
      assert.equal((await operator(emu, route)).status, 404, route);
    }
    assert.throws(() => emu.setBillingAccountOpen("000000-000000-000000", false), /unknown billing account/);
    assert.deepEqual(
      (await linkedToMain()).read,
      ["demo-app-prod", "demo-app-staging", "quota-home"].map((p) => info(p, true)),
    );
  });

  it("a closure is kept in the state file across a restart", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-closure-"));
    try {
      const stateFile = path.join(dir, "state.json");
      const first = await withEmulator({ stateFile });
      try {
        first.setBillingAccountOpen(ACCOUNTS.main, false);
      } finally {
        await first.stop();
      }
      const second = await withEmulator({ stateFile });
      try {
        const read = await call(second, "GET", "/v1/projects/quota-home/billingInfo", {
          token: tokenFor(second, ADMIN, [CP]),
        });
        assert.deepEqual(read.json, info("quota-home", false));
      } finally {
        await second.stop();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
