// The emulator under load and under SIGKILL. (1) 1,000 concurrent Cloud Billing calls over real HTTP: every
// one is answered and logged once, and each project ends on the write the log orders last. (2) An emulator
// persisting to a state file, killed with SIGKILL while writes are in flight, five times: it restarts on the
// same file, the file is valid state, and no acknowledged write is lost.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "@jest/globals";
import { DEFAULT_SEED_PATH, startEmulator, type SeedObject } from "../../emulator/src";
import { emulatorStateSchema } from "../../emulator/src/store/state";
import { builtFile } from "../support/builtPackage";
import { cleanupAfterEach } from "../support/cleanups";
import { PRINCIPALS } from "../support/seed";
import { recordScenario, timed } from "./support/scenarioResults";
import { seededRandom } from "./support/seededRandom";

const cleanups = cleanupAfterEach();

const SCOPES = ["https://www.googleapis.com/auth/cloud-billing"];
/** Accounts of their own with room for every project, so the link quota never decides a write. */
const LOAD_ACCOUNTS = ["10AD01-000000-000001", "10AD02-000000-000002", "10AD03-000000-000003"];
/** What a write sets: one of the accounts, or no account (unlink). */
const TARGETS = [...LOAD_ACCOUNTS.map((id) => `billingAccounts/${id}`), ""];

function loadProject(i: number): string {
  return `load-${String(i).padStart(3, "0")}`;
}

/** The default seed plus `projects` unlinked projects alice owns and the load accounts she may use. */
function loadSeed(projects: number, ballast = 0): SeedObject {
  const seed = JSON.parse(fs.readFileSync(DEFAULT_SEED_PATH, "utf8")) as SeedObject;
  for (const id of LOAD_ACCOUNTS) {
    seed.billingAccounts.push({
      id,
      displayName: id,
      open: true,
      currencyCode: "USD",
      projectLinkQuota: 1000,
    });
    seed.iam.push({
      resource: `billingAccounts/${id}`,
      role: "roles/billing.user",
      members: [`user:${PRINCIPALS.alice}`],
    });
  }
  for (let i = 1; i <= projects; i++) {
    const projectId = loadProject(i);
    seed.projects.push({ projectId, projectNumber: String(500000000000 + i), billingAccount: null });
    seed.iam.push({
      resource: `projects/${projectId}`,
      role: "roles/owner",
      members: [`user:${PRINCIPALS.alice}`],
    });
  }
  for (let i = 1; i <= ballast; i++)
    seed.projects.push({
      projectId: `ballast-${i}`,
      projectNumber: String(600000000000 + i),
      billingAccount: null,
    });
  return seed;
}

/**
 * The billingInfo path of a project, with the characters of its ID whose bit is set in `tag` percent-encoded.
 * The emulator decodes the path as Google does, but logs it as received: so each request of a project
 * carries its own path, and the request log says which of them it served, and in what order.
 */
function taggedPath(projectId: string, tag: number): string {
  assert.ok(tag < 2 ** projectId.length, "not enough characters to tag with");
  const id = [...projectId]
    .map((c, i) => (tag & (1 << i) ? `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}` : c))
    .join("");
  return `/v1/projects/${id}/billingInfo`;
}

interface BillingInfo {
  projectId?: string;
  billingAccountName?: string;
}

async function call(
  url: string,
  token: string,
  urlPath: string,
  write?: string,
): Promise<{ status: number; body: BillingInfo }> {
  const res = await fetch(url + urlPath, {
    method: write === undefined ? "GET" : "PUT",
    headers: {
      authorization: `Bearer ${token}`,
      ...(write === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(write === undefined ? {} : { body: JSON.stringify({ billingAccountName: write }) }),
  });
  return { status: res.status, body: (await res.json()) as BillingInfo };
}

/** An access token for alice from the operator surface, which the request log leaves out. */
async function controlToken(url: string): Promise<string> {
  const res = await fetch(`${url}/__emulator/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ principal: PRINCIPALS.alice, scopes: SCOPES }),
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { access_token: string }).access_token;
}

const CALLS = 1000;
const LOAD_PROJECTS = 100;

test("1,000 concurrent getBillingInfo and updateBillingInfo calls: all answered, logged once, last write wins", async () => {
  const emulator = await startEmulator({ port: 0, seed: loadSeed(LOAD_PROJECTS) });
  cleanups.add(() => emulator.stop());
  const token = await controlToken(emulator.url);
  const random = seededRandom(1000);

  // Call i goes to project i % 100, so every project gets 10 calls, about half of them writes.
  const calls = Array.from({ length: CALLS }, (_, i) => {
    const projectId = loadProject((i % LOAD_PROJECTS) + 1);
    const tag = Math.floor(i / LOAD_PROJECTS) + 1;
    const write = random() < 0.5 ? TARGETS[Math.floor(random() * TARGETS.length)] : undefined;
    return { projectId, path: taggedPath(projectId, tag), write };
  });
  const writes = calls.filter((c) => c.write !== undefined).length;
  assert.ok(writes > 400 && writes < 600, `${writes} writes: not a mix`);

  const { value: settled, durationMs } = await timed(() =>
    Promise.allSettled(calls.map((c) => call(emulator.url, token, c.path, c.write))),
  );
  const log = emulator.requestLog();

  // Every call was answered, with success.
  const failures = settled.flatMap((s, i) =>
    s.status === "rejected"
      ? [`${calls[i].path}: ${String(s.reason)}`]
      : s.value.status !== 200
        ? [`${calls[i].path}: ${s.value.status}`]
        : [],
  );
  assert.deepEqual(failures, []);
  const answers = settled.map((s) => (s as PromiseFulfilledResult<{ body: BillingInfo }>).value.body);
  // A write answers with what it wrote, to the project it was sent to: no answer went to the wrong request.
  calls.forEach((c, i) => {
    assert.equal(answers[i].projectId, c.projectId);
    if (c.write !== undefined) assert.equal(answers[i].billingAccountName ?? "", c.write, c.path);
  });

  // Every request was logged exactly once, as the method it was.
  assert.equal(log.length, CALLS);
  assert.deepEqual(log.map((e) => e.path).sort(), calls.map((c) => c.path).sort());
  const byPath = new Map(calls.map((c) => [c.path, c]));
  for (const e of log)
    assert.equal(
      e.method,
      byPath.get(e.path)?.write === undefined ? "projects.getBillingInfo" : "projects.updateBillingInfo",
    );

  // Each project holds the write its log orders last (untouched projects stay unlinked), and every read saw
  // a value some write of that project set. The log is in the order answers went out, and a write is answered
  // once applied: a write lost, applied twice or applied out of its answer's order shows here.
  const lastWrite = new Map<string, string>();
  for (const e of log) {
    const c = byPath.get(e.path);
    if (c?.write !== undefined) lastWrite.set(c.projectId, c.write);
  }
  const mismatches: string[] = [];
  for (let i = 1; i <= LOAD_PROJECTS; i++) {
    const projectId = loadProject(i);
    const final = await call(emulator.url, token, `/v1/projects/${projectId}/billingInfo`);
    const want = lastWrite.get(projectId) ?? "";
    if ((final.body.billingAccountName ?? "") !== want)
      mismatches.push(`${projectId}: ${final.body.billingAccountName} ≠ last logged write ${want}`);
    const possible = new Set(["", ...calls.filter((c) => c.projectId === projectId).map((c) => c.write)]);
    calls.forEach((c, k) => {
      if (
        c.projectId === projectId &&
        c.write === undefined &&
        !possible.has(answers[k].billingAccountName ?? "")
      )
        mismatches.push(`${c.path} read ${answers[k].billingAccountName}, which nothing wrote`);
    });
  }
  assert.deepEqual(mismatches, []);
  assert.ok(lastWrite.size > LOAD_PROJECTS * 0.9, "most projects were written");

  recordScenario({
    scenario: "emulator under 1,000 concurrent calls",
    test: "emulatorLoad.test.ts › 1,000 concurrent getBillingInfo and updateBillingInfo calls",
    faults: `${CALLS} Cloud Billing calls at once over HTTP (${writes} updateBillingInfo, ${CALLS - writes} getBillingInfo) on ${LOAD_PROJECTS} projects`,
    outcome: `every call answered 200 and logged once; each project holds its last logged write (${lastWrite.size} projects written)`,
    lost: mismatches.length,
    leaked: 0,
    retries: 0,
    durationMs,
  });
});

/** Kills, at least; more follow (up to MAX_ROUNDS) until MID_SAVE_KILLS of them landed in the middle of a save. */
const ROUNDS = 5;
const MAX_ROUNDS = 15;
const MID_SAVE_KILLS = 2;
const CRASH_PROJECTS = 40;
/** Projects nobody writes, so that a save (the whole state, ~0.6 MB) lasts long enough to be killed in. */
const BALLAST = 3000;
/** Writers at once; each owns CRASH_PROJECTS / WRITERS projects and writes them in turn, one at a time. */
const WRITERS = 20;
const URL_LINE = /Cloud Billing API root: (http:\/\/127\.0\.0\.1:[0-9]+)\//;

interface EmulatorProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<NodeJS.Signals | number | null>;
}

/** The built emulator CLI (one node process, so SIGKILL reaches the server itself), persisting to `stateFile`. */
async function startEmulatorProcess(seedFile: string, stateFile: string): Promise<EmulatorProcess> {
  const child = spawn(
    process.execPath,
    [builtFile("emulator/src/cli.js"), "--port", "0", "--seed", seedFile, "--state", stateFile],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal ?? code)),
  );
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = URL_LINE.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", () => reject(new Error(`the emulator exited before listening:\n${output}`)));
  });
  return { child, url, exited };
}

test("SIGKILL mid-write, five times and more: the emulator restarts on its state file and keeps every acknowledged write", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gbl-crash-"));
  cleanups.add(() => fs.rmSync(dir, { recursive: true, force: true }));
  const seedFile = path.join(dir, "seed.json");
  fs.writeFileSync(seedFile, JSON.stringify(loadSeed(CRASH_PROJECTS, BALLAST)));
  const stateFile = path.join(dir, "state.json");
  /** The temporary file a save writes before renaming it over the state file (store/file.ts). */
  const isSaveInProgress = (name: string): boolean => /^state\.json\..+\.tmp$/.test(name);
  const savesInProgress = (): string[] => [...fs.readdirSync(dir)].filter(isSaveInProgress);
  const random = seededRandom(5);
  const projects = Array.from({ length: CRASH_PROJECTS }, (_, i) => loadProject(i + 1));
  /** Per project: the value its last acknowledged write set, and the one still unanswered at the kill. */
  const acked = new Map<string, string>();
  const inFlight = new Map<string, string>();
  /** Acknowledged writes must all be there; the write in flight at the kill may be too (it came later). */
  const assertKept = (where: string, valueOf: (projectId: string) => string): void => {
    const lost = projects.flatMap((p) => {
      const allowed = [acked.get(p) ?? "", ...(inFlight.has(p) ? [inFlight.get(p)] : [])];
      return allowed.includes(valueOf(p)) ? [] : [`${p} is "${valueOf(p)}", not ${allowed.join(" or ")}`];
    });
    assert.deepEqual(lost, [], where);
  };
  let totalAcked = 0;
  let unanswered = 0;
  let midSaveKills = 0;
  let rounds = 0;
  let next = 0;

  const { durationMs } = await timed(async () => {
    for (; rounds < ROUNDS || (midSaveKills < MID_SAVE_KILLS && rounds < MAX_ROUNDS); rounds++) {
      const emu = await startEmulatorProcess(seedFile, stateFile);
      cleanups.add(() => emu.child.kill("SIGKILL"));
      const token = await controlToken(emu.url);
      const served = new Map(
        await Promise.all(
          projects.map(
            async (p) =>
              [
                p,
                (await call(emu.url, token, `/v1/projects/${p}/billingInfo`)).body.billingAccountName,
              ] as const,
          ),
        ),
      );
      assertKept(`restart ${rounds + 1}`, (p) => served.get(p) ?? "");
      inFlight.clear();

      // After a seeded number of acknowledgements, the next save to begin is killed as it writes. Writers keep
      // writing until the process is gone, so writes are always on their way when it dies.
      const killAfter = 40 + Math.floor(random() * 160);
      let ackedThisRound = 0;
      let dead = false;
      void emu.exited.then(() => (dead = true));
      const watcher = fs.watch(dir, (_event, name) => {
        if (ackedThisRound >= killAfter && name && isSaveInProgress(name)) emu.child.kill("SIGKILL");
      });
      const writer = async (w: number): Promise<void> => {
        const mine = projects.filter((_, i) => i % WRITERS === w);
        for (let n = 0; !dead; n++) {
          const p = mine[n % mine.length];
          const value = TARGETS[next++ % TARGETS.length];
          inFlight.set(p, value);
          const answer = await call(emu.url, token, `/v1/projects/${p}/billingInfo`, value).catch(
            () => undefined,
          );
          if (answer === undefined) return; // cut off by the kill: may or may not have been applied
          assert.equal(answer.status, 200);
          inFlight.delete(p);
          acked.set(p, value);
          totalAcked++;
          ackedThisRound++;
        }
      };
      await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
      watcher.close();
      assert.equal(await emu.exited, "SIGKILL");
      assert.ok(ackedThisRound >= killAfter);
      assert.ok(inFlight.size > 0, `round ${rounds + 1}: no write was in flight at the kill`);
      unanswered += inFlight.size;
      // A save's temporary file left behind: this kill landed between its creation and its rename.
      if (savesInProgress().length > 0) midSaveKills++;

      // What it left on disk is valid state holding every acknowledged write.
      const state = emulatorStateSchema.parse(JSON.parse(fs.readFileSync(stateFile, "utf8")));
      assertKept(`state file after kill ${rounds + 1}`, (p) => {
        const id = state.projects[p].billingAccountId;
        return id === null ? "" : `billingAccounts/${id}`;
      });
    }
    // The last kill's restart, checked the same way; the saves it cut off left no litter.
    const emu = await startEmulatorProcess(seedFile, stateFile);
    cleanups.add(() => emu.child.kill("SIGKILL"));
    const token = await controlToken(emu.url);
    const served = new Map<string, string>();
    for (const p of projects)
      served.set(
        p,
        (await call(emu.url, token, `/v1/projects/${p}/billingInfo`)).body.billingAccountName ?? "",
      );
    assertKept("the last restart", (p) => served.get(p) ?? "");
    assert.deepEqual(savesInProgress(), [], "a restart removes the temporary files of saves a crash cut off");
    emu.child.kill("SIGKILL");
    await emu.exited;
  });
  assert.ok(midSaveKills >= MID_SAVE_KILLS, `only ${midSaveKills} of ${rounds} kills landed mid-save`);

  recordScenario({
    scenario: "emulator state file under SIGKILL",
    test: "emulatorLoad.test.ts › SIGKILL mid-write, five times and more",
    faults: `${rounds} SIGKILLs of an emulator persisting to a state file (${CRASH_PROJECTS + BALLAST} projects), each as a save began after a seeded 40–199 acknowledged writes, ${WRITERS} writers writing until it died; ${midSaveKills} kills left a half-written save behind, ${unanswered} writes went unanswered`,
    outcome: `restarted every time on a valid state file; all ${totalAcked} acknowledged writes kept`,
    lost: 0,
    leaked: 0,
    retries: 0,
    durationMs,
  });
});
