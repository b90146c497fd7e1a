// The emulator's billing domain (emulator/src/billing/) run over each store, memory and file: the same
// rules must hold on both, and after every test a reopened store must hold exactly what the domain left.
// Then what only the file store promises: atomic saves, writes saved together, and a refusal of files it
// did not write.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, it, jest } from "@jest/globals";
import type { Caller } from "../../emulator/src/caller";
import { CloudBilling, type BillingKnobs } from "../../emulator/src/billing/cloudBilling";
import { deleteProject, setBillingAccountOpen } from "../../emulator/src/billing/outOfBandChanges";
import {
  parseAccountListing,
  parseBillingAccountId,
  parseLinkTarget,
  parsePermissions,
  parseProjectListing,
  parseProjectRef,
  type AccountListingQuery,
} from "../../emulator/src/billing/requestSyntax";
import { RpcError } from "../../emulator/src/rpcErrors";
import { DEFAULT_SEED_PATH, parseSeed, type SeedObject } from "../../emulator/src/seed";
import { FileStore, StateFileError } from "../../emulator/src/store/file";
import { stateFromSeed } from "../../emulator/src/store/state";
import type { StateStore } from "../../emulator/src/store/store";
import { forEachStore } from "../support/emulatorStores";
import { cleanupAfterEach } from "../support/cleanups";
import { ACCOUNT_IDS } from "../support/seed";

const cleanups = cleanupAfterEach();

const ADMIN = "admin@example.com";
const ALICE = "alice@example.com";
const VIEWER = "viewer@example.com";
const OUTSIDER = "outsider@example.com";

const MAIN = ACCOUNT_IDS.main;
const SANDBOX = ACCOUNT_IDS.sandbox;
const CLOSED = "0C1C2C-3C4C5C-6C7C8C";
const AT_QUOTA = "0F1F2F-3F4F5F-6F7F8F";
/** Added below: only the organization admin can use it. */
const UNBOUND = "0D0D0D-0D0D0D-0D0D0D";
/** Added below: a subaccount of MAIN under a reseller parent. */
const SUBACCOUNT = "0E0E0E-0E0E0E-0E0E0E";
const MISSING = "0A0A0A-0A0A0A-0A0A0A";

/** The default seed plus an account nobody but the admin can use and a subaccount of the main one. */
function testSeed(): SeedObject {
  const seed: SeedObject = JSON.parse(fs.readFileSync(DEFAULT_SEED_PATH, "utf8"));
  seed.billingAccounts.push(
    { id: UNBOUND, displayName: "Nobody's", open: true, currencyCode: "EUR", projectLinkQuota: 5 },
    {
      id: SUBACCOUNT,
      displayName: "Reseller customer",
      open: true,
      currencyCode: "USD",
      projectLinkQuota: 5,
      masterBillingAccount: `billingAccounts/${MAIN}`,
      parent: "billingAccounts/reseller",
    },
  );
  return seed;
}

/** What authentication hands the billing methods; only who the caller is matters to them. */
function callerFor(principal: string): Caller {
  return {
    principal,
    memberIds: [`user:${principal}`],
    clientId: "test-client",
    scopes: [],
    consumerProjectNumber: "0",
  };
}
const admin = callerFor(ADMIN);
const alice = callerFor(ALICE);
const viewer = callerFor(VIEWER);
const outsider = callerFor(OUTSIDER);

function defaultKnobs(): BillingKnobs {
  return {
    propagationDelayReads: 0,
    staleWriteResponses: false,
    closedAccountLinkRejected: false,
    deletedProjectsCountTowardQuota: false,
  };
}

/** The RpcError `run` throws; fails the test if it returns or throws anything else. */
function rpcErrorOf(run: () => unknown): RpcError {
  try {
    run();
  } catch (err) {
    if (err instanceof RpcError) return err;
    throw err;
  }
  assert.fail("expected an RpcError");
}

function detailTypes(err: RpcError): string[] {
  return err.details.map((d) => d["@type"].replace("type.googleapis.com/google.rpc.", ""));
}

function assertIamDenied(run: () => unknown, permission: string, resource: string): void {
  const err = rpcErrorOf(run);
  assert.equal(err.status, "PERMISSION_DENIED");
  assert.deepEqual(err.details[0]?.metadata, { permission, resource });
}

function assertStatus(run: () => unknown, status: RpcError["status"], detail?: string): RpcError {
  const err = rpcErrorOf(run);
  assert.equal(err.status, status, err.message);
  if (detail !== undefined) assert.deepEqual(detailTypes(err), [detail]);
  return err;
}

const project = parseProjectRef;
const account = (id: string) => parseBillingAccountId(id);
const to = (id: string) => parseLinkTarget(`billingAccounts/${id}`);
const accounts = (query: Partial<AccountListingQuery> = {}) =>
  parseAccountListing({ pageSize: null, filter: null, pageToken: null, parent: null, ...query });

forEachStore((stores) => {
  let store: StateStore;
  let knobs: BillingKnobs;
  let billing: CloudBilling;

  beforeEach(() => {
    store = stores.open(stateFromSeed(parseSeed(testSeed(), "(test seed)")));
    knobs = defaultKnobs();
    billing = new CloudBilling(store, () => knobs);
  });
  afterEach(async () => {
    await store.settled();
    assert.deepEqual(stores.reopen().state, store.state, "every change is durable once settled() resolves");
  });

  const shows = (projectId: string, caller = admin) =>
    billing.getBillingInfo(caller, project(projectId)).billingAccountName;

  describe("projects.getBillingInfo", () => {
    it("shows the linked account, with billing enabled only on an open account", () => {
      assert.deepEqual(billing.getBillingInfo(alice, project("demo-data")), {
        name: "projects/demo-data/billingInfo",
        projectId: "demo-data",
        billingAccountName: `billingAccounts/${SANDBOX}`,
        billingEnabled: true,
      });
      const legacy = billing.getBillingInfo(admin, project("legacy-app"));
      assert.deepEqual(
        [legacy.billingAccountName, legacy.billingEnabled],
        [`billingAccounts/${CLOSED}`, false],
      );
      const unlinked = billing.getBillingInfo(alice, project("demo-app-prod"));
      assert.deepEqual([unlinked.billingAccountName, unlinked.billingEnabled], ["", false]);
    });

    it("finds a project by number and answers with its id", () => {
      assert.equal(
        billing.getBillingInfo(alice, project("100000000003")).name,
        "projects/demo-data/billingInfo",
      );
    });

    it("a project pending deletion shows no account", () => {
      store.setProjectBillingAccount("doomed-project", MAIN);
      assert.equal(shows("doomed-project"), "");
    });

    it("checks IAM before existence: a missing project is a 403 to alice and a 404 to the org admin", () => {
      assertIamDenied(
        () => billing.getBillingInfo(alice, project("no-such-project")),
        "resourcemanager.projects.get",
        "projects/no-such-project",
      );
      assertStatus(() => billing.getBillingInfo(admin, project("no-such-project")), "NOT_FOUND");
    });
  });

  describe("projects.updateBillingInfo", () => {
    it("links, moves and unlinks; each answer is what the next read shows", () => {
      for (const target of [MAIN, SANDBOX, null]) {
        const answer = billing.updateBillingInfo(
          alice,
          project("sandbox-one"),
          target === null ? null : to(target),
        );
        assert.equal(answer.billingAccountName, target ? `billingAccounts/${target}` : "");
        assert.equal(answer.billingEnabled, target !== null);
        assert.deepEqual(billing.getBillingInfo(alice, project("sandbox-one")), answer);
      }
    });

    it("a link needs createBillingAssignment on the project, then resourceAssociations.create on the account", () => {
      assertIamDenied(
        () => billing.updateBillingInfo(viewer, project("demo-app-prod"), to(MAIN)),
        "resourcemanager.projects.createBillingAssignment",
        "projects/demo-app-prod",
      );
      assertIamDenied(
        () => billing.updateBillingInfo(alice, project("sandbox-one"), to(UNBOUND)),
        "billing.resourceAssociations.create",
        `billingAccounts/${UNBOUND}`,
      );
      assert.equal(shows("sandbox-one"), "");
    });

    it("an unlink needs deleteBillingAssignment on the project only", () => {
      assertIamDenied(
        () => billing.updateBillingInfo(viewer, project("demo-data"), null),
        "resourcemanager.projects.deleteBillingAssignment",
        "projects/demo-data",
      );
      billing.updateBillingInfo(alice, project("demo-data"), null);
      assert.equal(shows("demo-data"), "");
    });

    it("with org-level access, a missing project or account is a 404", () => {
      assertStatus(() => billing.updateBillingInfo(admin, project("no-such-project"), to(MAIN)), "NOT_FOUND");
      assertStatus(() => billing.updateBillingInfo(admin, project("sandbox-one"), to(MISSING)), "NOT_FOUND");
    });

    it("a full account refuses another project with a QuotaFailure; a project already on it re-links", () => {
      const err = assertStatus(
        () => billing.updateBillingInfo(admin, project("sandbox-one"), to(AT_QUOTA)),
        "FAILED_PRECONDITION",
        "QuotaFailure",
      );
      assert.deepEqual(err.details[0]?.violations, [
        {
          subject: `billingAccounts/${AT_QUOTA}`,
          description:
            "Cloud billing quota exceeded: https://support.google.com/code/contact/billing_quota_increase",
        },
      ]);
      assert.equal(shows("sandbox-one"), "");
      billing.updateBillingInfo(admin, project("trial-one"), to(AT_QUOTA));
      assert.equal(shows("trial-one"), `billingAccounts/${AT_QUOTA}`);
    });

    it("links fill the quota and no further; an unlink frees a slot", () => {
      const results = ["team-01", "team-02", "team-03", "team-04", "team-05", "team-06"].map((p) => {
        try {
          billing.updateBillingInfo(admin, project(p), to(UNBOUND));
          return "linked";
        } catch (err) {
          return err instanceof RpcError ? detailTypes(err)[0] : String(err);
        }
      });
      assert.deepEqual(results, ["linked", "linked", "linked", "linked", "linked", "QuotaFailure"]);
      billing.updateBillingInfo(admin, project("team-01"), null);
      billing.updateBillingInfo(admin, project("team-06"), to(UNBOUND));
      assert.equal(shows("team-06"), `billingAccounts/${UNBOUND}`);
    });

    it("a project pending deletion keeps its slot only with deletedProjectsCountTowardQuota", () => {
      deleteProject(store, "trial-two", false);
      knobs.deletedProjectsCountTowardQuota = true;
      assertStatus(
        () => billing.updateBillingInfo(admin, project("sandbox-one"), to(AT_QUOTA)),
        "FAILED_PRECONDITION",
        "QuotaFailure",
      );
      knobs.deletedProjectsCountTowardQuota = false;
      billing.updateBillingInfo(admin, project("sandbox-one"), to(AT_QUOTA));
      assert.equal(shows("sandbox-one"), `billingAccounts/${AT_QUOTA}`);
    });

    it("a closed account takes a link with billing off, or refuses it with closedAccountLinkRejected", () => {
      const answer = billing.updateBillingInfo(alice, project("sandbox-one"), to(CLOSED));
      assert.deepEqual(
        [answer.billingAccountName, answer.billingEnabled],
        [`billingAccounts/${CLOSED}`, false],
      );
      knobs.closedAccountLinkRejected = true;
      const err = assertStatus(
        () => billing.updateBillingInfo(alice, project("sandbox-two"), to(CLOSED)),
        "FAILED_PRECONDITION",
        "PreconditionFailure",
      );
      assert.equal((err.details[0]?.violations as Array<{ type: string }>)[0].type, "BILLING_ACCOUNT_CLOSED");
      assert.equal(shows("sandbox-two"), "");
    });

    it("a project pending deletion cannot be linked, but can be unlinked", () => {
      const err = assertStatus(
        () => billing.updateBillingInfo(alice, project("doomed-project"), to(MAIN)),
        "FAILED_PRECONDITION",
        "PreconditionFailure",
      );
      assert.equal(
        (err.details[0]?.violations as Array<{ type: string }>)[0].type,
        "PROJECT_DELETE_REQUESTED",
      );
      assert.equal(store.project("doomed-project")?.billingAccountId, null);
      deleteProject(store, "demo-data", false);
      billing.updateBillingInfo(admin, project("demo-data"), null);
      assert.equal(store.project("demo-data")?.billingAccountId, null);
    });
  });

  describe("stale reads (propagationDelayReads)", () => {
    it("after a write, N reads show the value from before it; the writer's own answer does not lag", () => {
      knobs.propagationDelayReads = 2;
      const answer = billing.updateBillingInfo(alice, project("sandbox-one"), to(MAIN));
      assert.equal(answer.billingAccountName, `billingAccounts/${MAIN}`);
      assert.deepEqual(
        [shows("sandbox-one"), shows("sandbox-one"), shows("sandbox-one")],
        ["", "", `billingAccounts/${MAIN}`],
      );
    });

    it("a burst of writes keeps the value from before the first, for N reads after the last", () => {
      knobs.propagationDelayReads = 1;
      billing.updateBillingInfo(alice, project("demo-data"), to(MAIN));
      billing.updateBillingInfo(alice, project("demo-data"), null);
      assert.deepEqual([shows("demo-data"), shows("demo-data")], [`billingAccounts/${SANDBOX}`, ""]);
    });

    it("a write readers cannot see starts no lag, and forgetStaleReads ends one", () => {
      knobs.propagationDelayReads = 3;
      billing.updateBillingInfo(admin, project("doomed-project"), null);
      assert.equal(shows("doomed-project"), "");
      billing.updateBillingInfo(alice, project("sandbox-one"), to(MAIN));
      billing.forgetStaleReads();
      assert.equal(shows("sandbox-one"), `billingAccounts/${MAIN}`);
    });

    it("billingAccounts.projects.list never lags", () => {
      knobs.propagationDelayReads = 5;
      billing.updateBillingInfo(alice, project("sandbox-one"), to(MAIN));
      const listed = billing.listProjectBillingInfo(
        admin,
        parseProjectListing(account(MAIN), {
          pageSize: null,
          pageToken: null,
        }),
      );
      assert.deepEqual(
        listed.projectBillingInfo.map((p) => p.projectId),
        ["quota-home", "sandbox-one"],
      );
    });
  });

  describe("billing accounts", () => {
    it("billingAccounts.get answers the account to its viewers; a missing one is a 404 only to the admin", () => {
      assert.deepEqual(billing.getBillingAccount(viewer, account(MAIN)), {
        name: `billingAccounts/${MAIN}`,
        open: true,
        displayName: "Platform (main)",
        masterBillingAccount: "",
        parent: "",
        currencyCode: "USD",
      });
      assertIamDenied(
        () => billing.getBillingAccount(viewer, account(CLOSED)),
        "billing.accounts.get",
        `billingAccounts/${CLOSED}`,
      );
      assertIamDenied(
        () => billing.getBillingAccount(alice, account(MISSING)),
        "billing.accounts.get",
        `billingAccounts/${MISSING}`,
      );
      assertStatus(() => billing.getBillingAccount(admin, account(MISSING)), "NOT_FOUND");
    });

    it("billingAccounts.list lists only what the caller may view, sorted by id, a page at a time", () => {
      const ids = (r: { billingAccounts: Array<{ name: string }> }) => r.billingAccounts.map((a) => a.name);
      assert.deepEqual(ids(billing.listBillingAccounts(viewer, accounts())), [
        `billingAccounts/${MAIN}`,
        `billingAccounts/${SANDBOX}`,
      ]);
      assert.deepEqual(billing.listBillingAccounts(outsider, accounts()), {
        billingAccounts: [],
        nextPageToken: "",
      });
      const seen: string[] = [];
      let pageToken: string | null = null;
      do {
        const page = billing.listBillingAccounts(admin, accounts({ pageSize: "2", pageToken }));
        seen.push(...ids(page));
        pageToken = page.nextPageToken || null;
      } while (pageToken);
      assert.deepEqual(
        seen,
        [MAIN, UNBOUND, SANDBOX, CLOSED, SUBACCOUNT, AT_QUOTA].map((id) => `billingAccounts/${id}`).sort(),
      );
    });

    it("billingAccounts.list filters by master account and by parent", () => {
      const only = [`billingAccounts/${SUBACCOUNT}`];
      const byMaster = accounts({ filter: `master_billing_account=billingAccounts/${MAIN}` });
      assert.deepEqual(
        billing.listBillingAccounts(admin, byMaster).billingAccounts.map((a) => a.name),
        only,
      );
      const byParent = accounts({ parent: "billingAccounts/reseller" });
      assert.deepEqual(
        billing.listBillingAccounts(admin, byParent).billingAccounts.map((a) => a.name),
        only,
      );
    });

    it("billingAccounts.projects.list shows active linked projects by id, with billing off on a closed account", () => {
      billing.updateBillingInfo(alice, project("sandbox-two"), to(CLOSED));
      store.setProjectBillingAccount("doomed-project", CLOSED);
      const page = (pageToken: string | null) =>
        billing.listProjectBillingInfo(
          admin,
          parseProjectListing(account(CLOSED), { pageSize: "1", pageToken }),
        );
      const first = page(null);
      const second = page(first.nextPageToken);
      assert.deepEqual(
        [...first.projectBillingInfo, ...second.projectBillingInfo].map((p) => [
          p.projectId,
          p.billingEnabled,
        ]),
        [
          ["legacy-app", false],
          ["sandbox-two", false],
        ],
      );
      assert.equal(second.nextPageToken, "");
      assertIamDenied(
        () =>
          billing.listProjectBillingInfo(
            viewer,
            parseProjectListing(account(CLOSED), { pageSize: null, pageToken: null }),
          ),
        "billing.resourceAssociations.list",
        `billingAccounts/${CLOSED}`,
      );
    });

    it("billingAccounts.testIamPermissions answers the held subset once each; a missing account is a 404 to anyone", () => {
      const asked = parsePermissions([
        "billing.accounts.get",
        "billing.resourceAssociations.create",
        "billing.accounts.get",
        "billing.accounts.close",
      ]);
      assert.deepEqual(billing.testIamPermissions(alice, account(MAIN), asked).permissions, [
        "billing.accounts.get",
        "billing.resourceAssociations.create",
      ]);
      assert.deepEqual(billing.testIamPermissions(outsider, account(MAIN), asked).permissions, []);
      assertStatus(() => billing.testIamPermissions(outsider, account(MISSING), asked), "NOT_FOUND");
    });

    it("billingAccounts.getIamPolicy answers the account's own bindings, with a stable etag", () => {
      const policy = billing.getIamPolicy(viewer, account(MAIN));
      assert.deepEqual(policy.bindings, [
        { role: "roles/billing.user", members: [`user:${ALICE}`] },
        { role: "roles/billing.viewer", members: [`user:${VIEWER}`] },
      ]);
      assert.equal(policy.version, 1);
      assert.equal(billing.getIamPolicy(admin, account(MAIN)).etag, policy.etag);
      assert.notEqual(billing.getIamPolicy(admin, account(AT_QUOTA)).etag, policy.etag);
      assertIamDenied(
        () => billing.getIamPolicy(outsider, account(MAIN)),
        "billing.accounts.getIamPolicy",
        `billingAccounts/${MAIN}`,
      );
    });
  });

  describe("out-of-band changes", () => {
    it("deleting a project hides its link; purging it removes the project and its bindings", () => {
      deleteProject(store, "demo-data", false);
      assert.equal(shows("demo-data", alice), "");
      deleteProject(store, "demo-data", true);
      assert.equal(store.project("demo-data"), undefined);
      assert.ok(!store.iamBindings().some((b) => b.resource === "projects/demo-data"));
      assertIamDenied(
        () => billing.getBillingInfo(alice, project("demo-data")),
        "resourcemanager.projects.get",
        "projects/demo-data",
      );
      assert.throws(
        () => deleteProject(store, "demo-data", true),
        /deleteProject: unknown project demo-data/,
      );
    });

    it("closing an account keeps its links with billing off; reopening turns billing back on", () => {
      setBillingAccountOpen(store, SANDBOX, false);
      assert.equal(billing.getBillingInfo(alice, project("demo-data")).billingEnabled, false);
      assert.equal(billing.getBillingAccount(alice, account(SANDBOX)).open, false);
      setBillingAccountOpen(store, SANDBOX, true);
      assert.equal(billing.getBillingInfo(alice, project("demo-data")).billingEnabled, true);
      assert.throws(
        () => setBillingAccountOpen(store, MISSING, false),
        /setBillingAccountOpen: unknown billing account/,
      );
    });

    it("an unknown project id never finds an inherited property", () => {
      assert.equal(store.project("constructor"), undefined);
      assert.equal(store.billingAccount("toString"), undefined);
      assert.throws(() => deleteProject(store, "constructor", false), /unknown project/);
    });
  });
});

/** The id of a process that has exited (a node that did nothing). */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ["-e", ""]).pid;
  assert.ok(pid !== undefined);
  return pid;
}

describe("file store guarantees", () => {
  let dir: string;
  let file: string;
  const seedState = () => stateFromSeed(parseSeed(testSeed(), "(test seed)"));
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-file-store-"));
    file = path.join(dir, "nested", "state.json");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  /** A project's link as the state file has it. */
  const savedLink = (projectId: string): unknown =>
    JSON.parse(fs.readFileSync(file, "utf8")).projects[projectId].billingAccountId;

  it("a missing file is created from the initial state, readable by its owner only", () => {
    FileStore.open(file, seedState);
    assert.deepEqual(JSON.parse(fs.readFileSync(file, "utf8")), seedState());
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  it("writes leave no temporary file, and a reopened store does not call for the initial state", async () => {
    const store = FileStore.open(file, seedState);
    store.setProjectBillingAccount("sandbox-one", MAIN);
    store.setBillingAccountOpen(SANDBOX, false);
    await store.settled();
    assert.deepEqual([...fs.readdirSync(path.dirname(file))], ["state.json"]);
    const reopened = FileStore.open(file, () => assert.fail("the file exists"));
    assert.equal(reopened.project("sandbox-one")?.billingAccountId, MAIN);
    assert.equal(reopened.billingAccount(SANDBOX)?.open, false);
  });

  it("a crash in the middle of a save leaves the previous state: the half-written file is a temporary one", async () => {
    const store = FileStore.open(file, seedState);
    store.setProjectBillingAccount("sandbox-one", MAIN);
    await store.settled();
    const abandoned = `${file}.${deadPid()}.1.tmp`;
    fs.writeFileSync(abandoned, '{"version":1,"proj');
    assert.equal(FileStore.open(file, seedState).project("sandbox-one")?.billingAccountId, MAIN);
    assert.equal(fs.existsSync(abandoned), false, "opening removes what a killed save left behind");
  });

  it("opening keeps the temporary file of a save another live process may be making", () => {
    FileStore.open(file, seedState);
    const theirs = `${file}.${process.ppid}.1.tmp`; // jest's own process, alive while this runs
    fs.writeFileSync(theirs, '{"version":1,"proj');
    FileStore.open(file, seedState);
    assert.equal(fs.existsSync(theirs), true);
  });

  it("typed writes made in one turn of the event loop share one save, done when settled() resolves", async () => {
    const store = FileStore.open(file, seedState);
    const renames = jest.spyOn(fs, "renameSync");
    cleanups.add(() => renames.mockRestore());
    for (const p of ["team-01", "team-02", "team-03"]) store.setProjectBillingAccount(p, MAIN);
    assert.equal(savedLink("team-01"), null, "not saved yet");
    await store.settled();
    assert.deepEqual([savedLink("team-01"), savedLink("team-03")], [MAIN, MAIN]);
    assert.equal(renames.mock.calls.length, 1);
    await store.settled();
    assert.equal(renames.mock.calls.length, 1, "nothing left to save");
  });

  it("commit() saves at once, changes made to the state in place included", () => {
    const store = FileStore.open(file, seedState);
    store.setProjectBillingAccount("team-01", MAIN);
    store.state.projects["team-02"].billingAccountId = MAIN;
    store.commit();
    assert.deepEqual([savedLink("team-01"), savedLink("team-02")], [MAIN, MAIN]);
  });

  it("a failed save rejects settled(); the changes stay unsaved until the next save", async () => {
    const store = FileStore.open(file, seedState);
    const writes = jest.spyOn(fs, "writeFileSync").mockImplementation(() => {
      throw new Error("ENOSPC: no space left on device");
    });
    try {
      store.setProjectBillingAccount("team-01", MAIN);
      await assert.rejects(store.settled(), /ENOSPC/);
    } finally {
      writes.mockRestore();
    }
    assert.equal(savedLink("team-01"), null);
    assert.deepEqual(
      [...fs.readdirSync(path.dirname(file))],
      ["state.json"],
      "the failed save left no temporary file",
    );
    store.setProjectBillingAccount("team-02", MAIN);
    await store.settled();
    assert.deepEqual([savedLink("team-01"), savedLink("team-02")], [MAIN, MAIN]);
  });

  it("a file that is not this emulator's state is refused with a StateFileError naming it", () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"version":1,"proj');
    assert.throws(
      () => FileStore.open(file, seedState),
      (err: unknown) => {
        assert.ok(err instanceof StateFileError);
        assert.match(err.message, /is not valid JSON; delete it to start again from the seed/);
        return err.message.includes(file);
      },
    );
    fs.writeFileSync(file, JSON.stringify({ version: 2 }));
    assert.throws(() => FileStore.open(file, seedState), /does not match this emulator's format/);
  });
});
