// Concurrency, persistence across restarts, fault knobs and the operator surface (/__emulator/).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, it } from "@jest/globals";
import { DEFAULT_SEED_PATH, type RunningEmulator, type SeedObject } from "../../emulator/src/index";
import {
  ACCOUNTS,
  ADMIN,
  ALICE,
  CB,
  CP,
  call,
  detail,
  rpcError,
  tokenFor,
  withEmulator,
} from "./helpers/emulatorHarness";

/** The default seed plus `n` admin-owned projects and a roomy account, for the concurrency test. */
function seedWithManyProjects(n: number): SeedObject {
  const seed: SeedObject = JSON.parse(fs.readFileSync(DEFAULT_SEED_PATH, "utf8"));
  seed.billingAccounts.push({
    id: "0E0E0E-0E0E0E-0E0E0E",
    displayName: "Bulk",
    open: true,
    currencyCode: "USD",
    projectLinkQuota: 1000,
  });
  seed.billingAccounts.push({
    id: "0A0A0A-0A0A0A-0A0A0A",
    displayName: "Small",
    open: true,
    currencyCode: "USD",
    projectLinkQuota: 150,
  });
  for (let i = 0; i < n; i++)
    seed.projects.push({
      projectId: `bulk-${String(i).padStart(3, "0")}`,
      projectNumber: String(300000000000 + i),
      billingAccount: null,
    });
  return seed;
}

describe("emulator operations", () => {
  describe("concurrency", () => {
    let emu: RunningEmulator;
    beforeAll(async () => {
      emu = await withEmulator({ seed: seedWithManyProjects(200) });
    });
    afterAll(() => emu.stop());

    it("200 parallel links on distinct projects all land; the link quota is never overshot", async () => {
      const admin = tokenFor(emu, ADMIN, [CP]);
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          call(emu, "PUT", `/v1/projects/bulk-${String(i).padStart(3, "0")}/billingInfo`, {
            token: admin,
            body: { billingAccountName: "billingAccounts/0A0A0A-0A0A0A-0A0A0A" },
          }),
        ),
      );
      const ok = results.filter((r) => r.status === 200).length;
      const quota = results.filter((r) => r.status === 400 && detail(r, "QuotaFailure")).length;
      assert.deepEqual([ok, quota], [150, 50]);
      const listed: string[] = [];
      let pageToken = "";
      do {
        const page = await call(
          emu,
          "GET",
          `/v1/billingAccounts/0A0A0A-0A0A0A-0A0A0A/projects?pageSize=100${pageToken ? `&pageToken=${pageToken}` : ""}`,
          { token: admin },
        );
        const items = page.json?.projectBillingInfo;
        assert.ok(Array.isArray(items));
        listed.push(...items.map((p) => String(p.projectId)));
        pageToken = String(page.json?.nextPageToken ?? "");
      } while (pageToken);
      assert.equal(listed.length, 150);
      assert.equal(new Set(listed).size, 150);
    });

    it("200 parallel writes on one project leave exactly one of the written values", async () => {
      const admin = tokenFor(emu, ADMIN, [CP]);
      const targets = [ACCOUNTS.main, ACCOUNTS.sandbox, "0E0E0E-0E0E0E-0E0E0E", ""];
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => {
          const t = targets[i % targets.length];
          return call(emu, "PUT", "/v1/projects/sandbox-two/billingInfo", {
            token: admin,
            body: { billingAccountName: t ? `billingAccounts/${t}` : "" },
          });
        }),
      );
      assert.ok(results.every((r) => r.status === 200));
      const final = await call(emu, "GET", "/v1/projects/sandbox-two/billingInfo", { token: admin });
      const name = String(final.json?.billingAccountName ?? "");
      assert.ok(targets.map((t) => (t ? `billingAccounts/${t}` : "")).includes(name));
      // The project appears in exactly the list of the account it ended on.
      for (const id of [ACCOUNTS.main, ACCOUNTS.sandbox, "0E0E0E-0E0E0E-0E0E0E"]) {
        const list = await call(emu, "GET", `/v1/billingAccounts/${id}/projects`, { token: admin });
        const items = Array.isArray(list.json?.projectBillingInfo) ? list.json.projectBillingInfo : [];
        assert.equal(
          items.some((p) => p.projectId === "sandbox-two"),
          name === `billingAccounts/${id}`,
        );
      }
    });
  });

  describe("persistence", () => {
    it("state survives a restart through the state file; a missing file starts from the seed", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-state-"));
      const stateFile = path.join(dir, "state.json");
      try {
        const first = await withEmulator({ stateFile });
        const alice = tokenFor(first, ALICE);
        assert.equal(
          (
            await call(first, "PUT", "/v1/projects/demo-app-prod/billingInfo", {
              token: alice,
              body: { billingAccountName: `billingAccounts/${ACCOUNTS.main}` },
            })
          ).status,
          200,
        );
        await first.stop();
        // Array.from: fs builds its arrays in Node's realm, not in the test's (jest runs it in a vm).
        assert.deepEqual(Array.from(fs.readdirSync(dir)), ["state.json"], "no temporary files left behind");

        const second = await withEmulator({ stateFile });
        try {
          // The access token persisted too, as did the link.
          const read = await call(second, "GET", "/v1/projects/demo-app-prod/billingInfo", { token: alice });
          assert.equal(read.json?.billingAccountName, `billingAccounts/${ACCOUNTS.main}`);
          await second.reset();
          const afterReset = await call(second, "GET", "/v1/projects/demo-app-prod/billingInfo", {
            token: alice,
          });
          assert.equal(afterReset.json?.billingAccountName, undefined);
        } finally {
          await second.stop();
        }
        fs.rmSync(stateFile);
        const fresh = await withEmulator({ stateFile });
        try {
          const read = await call(fresh, "GET", "/v1/projects/demo-data/billingInfo", {
            token: tokenFor(fresh, ALICE),
          });
          assert.equal(read.json?.billingAccountName, `billingAccounts/${ACCOUNTS.sandbox}`);
        } finally {
          await fresh.stop();
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("knobs", () => {
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

    it("failNext injects 503, 429 with Retry-After, and resets, each consumed once by matching methods", async () => {
      emu.setKnobs({
        failNext: [
          { status: 503, method: "projects.updateBillingInfo" },
          { status: 429, retryAfterSeconds: 7 },
          { status: "reset", method: "billingAccounts.get" },
        ],
      });
      const first = await call(emu, "GET", "/v1/projects/demo-data/billingInfo", { token: alice });
      assert.equal(first.status, 429);
      assert.equal(first.headers.get("retry-after"), "7");
      assert.equal(detail(first, "ErrorInfo")?.reason, "RATE_LIMIT_EXCEEDED");
      const put = await call(emu, "PUT", "/v1/projects/demo-app-prod/billingInfo", {
        token: alice,
        body: {},
      });
      assert.equal(put.status, 503);
      assert.deepEqual(
        [rpcError(put).status, rpcError(put).message],
        ["UNAVAILABLE", "The service is currently unavailable."],
      );
      await assert.rejects(call(emu, "GET", `/v1/billingAccounts/${ACCOUNTS.main}`, { token: alice }));
      assert.equal(
        (await call(emu, "GET", `/v1/billingAccounts/${ACCOUNTS.main}`, { token: alice })).status,
        200,
      );
      assert.deepEqual(emu.knobs().failNext, []);
      assert.ok(emu.requestLog().some((r) => r.method === "billingAccounts.get" && r.status === 0));
    });

    it("failNext also applies to the token endpoint", async () => {
      emu.setKnobs({ failNext: [{ status: 503, method: "oauth.token" }] });
      const res = await fetch(emu.oauth.tokenUrl, {
        method: "POST",
        body: new URLSearchParams({ grant_type: "refresh_token" }),
      });
      assert.equal(res.status, 503);
    });

    it("propagationDelayReads: reads see the old value for N reads after a write", async () => {
      emu.setKnobs({ propagationDelayReads: 2 });
      await call(emu, "PUT", "/v1/projects/demo-app-prod/billingInfo", {
        token: alice,
        body: { billingAccountName: `billingAccounts/${ACCOUNTS.main}` },
      });
      const reads = [];
      for (let i = 0; i < 3; i++)
        reads.push(
          (await call(emu, "GET", "/v1/projects/demo-app-prod/billingInfo", { token: alice })).json
            ?.billingAccountName,
        );
      assert.deepEqual(reads, [undefined, undefined, `billingAccounts/${ACCOUNTS.main}`]);
    });

    it("latencyMs delays answers", async () => {
      emu.setKnobs({ latencyMs: 150 });
      const started = Date.now();
      await call(emu, "GET", "/v1/projects/demo-data/billingInfo", { token: alice });
      assert.ok(Date.now() - started >= 140);
    });

    it("deletedProjectsCountTowardQuota counts links of projects pending deletion", async () => {
      const seed: SeedObject = JSON.parse(fs.readFileSync(DEFAULT_SEED_PATH, "utf8"));
      seed.billingAccounts.push({
        id: "0A0B0C-0D0E0F-0A0B0C",
        displayName: "Tiny",
        open: true,
        currencyCode: "USD",
        projectLinkQuota: 1,
      });
      seed.projects.push({
        projectId: "ghost-project",
        projectNumber: "400000000001",
        billingAccount: "0A0B0C-0D0E0F-0A0B0C",
        lifecycleState: "DELETE_REQUESTED",
      });
      const other = await withEmulator({ seed });
      try {
        const admin = tokenFor(other, ADMIN, [CP]);
        const put = () =>
          call(other, "PUT", "/v1/projects/sandbox-one/billingInfo", {
            token: admin,
            body: { billingAccountName: "billingAccounts/0A0B0C-0D0E0F-0A0B0C" },
          });
        other.setKnobs({ deletedProjectsCountTowardQuota: true });
        assert.equal((await put()).status, 400);
        other.setKnobs({ deletedProjectsCountTowardQuota: false });
        assert.equal((await put()).status, 200);
      } finally {
        await other.stop();
      }
    });
  });

  describe("operator surface", () => {
    let emu: RunningEmulator;
    beforeAll(async () => {
      emu = await withEmulator();
    });
    afterAll(() => emu.stop());

    const op = (method: string, p: string, body?: object) =>
      fetch(`${emu.url}/__emulator${p}`, {
        method,
        ...(body ? { body: JSON.stringify(body), headers: { "content-type": "application/json" } } : {}),
      });
    // The body parsed in the test's own realm: fetch's .json() builds Node-realm objects, which a deep
    // strict comparison with a literal rejects on the prototype alone (jest runs each test file in a vm).
    const bodyOf = async (res: Promise<Response>): Promise<unknown> => JSON.parse(await (await res).text());

    it("health, tokens, requests, counts, knobs, clock and reset", async () => {
      assert.deepEqual(await bodyOf(op("GET", "/health")), { status: "ok" });
      const minted = (await bodyOf(op("POST", "/tokens", { principal: ALICE, scopes: [CB] }))) as {
        access_token: string;
        expires_in: number;
      };
      assert.equal(minted.expires_in, 3599);
      assert.equal(
        (await call(emu, "GET", "/v1/projects/demo-data/billingInfo", { token: minted.access_token })).status,
        200,
      );
      await call(emu, "GET", "/v1/projects/demo-data/billingInfo");
      const counts = (await bodyOf(op("GET", "/counts"))) as {
        byMethod: Record<string, number>;
        byPrincipal: Record<string, number>;
      };
      assert.deepEqual(counts, { byMethod: { "projects.getBillingInfo": 2 }, byPrincipal: { [ALICE]: 1 } });
      const log = (await bodyOf(op("GET", "/requests"))) as {
        requests: Array<{ status: number; path: string }>;
      };
      assert.deepEqual(
        log.requests.map((r) => [r.status, r.path]),
        [
          [200, "/v1/projects/demo-data/billingInfo"],
          [401, "/v1/projects/demo-data/billingInfo"],
        ],
      );
      assert.equal((await op("DELETE", "/requests")).status, 200);
      assert.deepEqual(emu.requestLog(), []);

      const knobs = (await bodyOf(op("PATCH", "/knobs", { printDefaults: true }))) as {
        printDefaults: boolean;
      };
      assert.equal(knobs.printDefaults, true);
      assert.equal((await op("PATCH", "/knobs", { noSuchKnob: 1 })).status, 400);
      assert.equal(
        (await op("POST", "/tokens", { principal: "nobody@example.com", scopes: [CB] })).status,
        400,
      );

      await op("POST", "/clock/advance", { ms: 3600_000 });
      assert.equal(
        (await call(emu, "GET", "/v1/projects/demo-data/billingInfo", { token: minted.access_token })).status,
        401,
      );

      assert.equal((await op("POST", "/reset")).status, 200);
      assert.equal(emu.knobs().printDefaults, false);
      assert.deepEqual(emu.requestLog(), []);
    });

    it("deletes a project out of band: soft delete hides the link, purge makes it vanish", async () => {
      await op("POST", "/reset");
      const alice = emu.issueAccessToken({ principal: ALICE, scopes: [CB] });
      const admin = emu.issueAccessToken({ principal: ADMIN, scopes: [CB] });
      const read = (token: string) => call(emu, "GET", "/v1/projects/demo-data/billingInfo", { token });
      assert.equal((await read(alice)).json?.billingAccountName, `billingAccounts/${ACCOUNTS.sandbox}`);

      assert.equal((await op("POST", "/projects/demo-data/delete", {})).status, 200);
      const pending = await read(alice);
      assert.equal(pending.status, 200);
      assert.deepEqual(pending.json, { name: "projects/demo-data/billingInfo", projectId: "demo-data" });

      assert.equal((await op("POST", "/projects/demo-data/delete", { purge: true })).status, 200);
      // As on Google: without org-level access a missing project is indistinguishable from a forbidden one.
      assert.equal((await read(alice)).status, 403);
      assert.equal((await read(admin)).status, 404);
      assert.equal((await op("POST", "/projects/demo-data/delete", { purge: true })).status, 400);
      await op("POST", "/reset");
      assert.equal((await read(alice)).status, 200);
    });
  });
});
