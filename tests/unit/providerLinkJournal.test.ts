// The provider's journal of restore targets (provider/src/linkJournal.ts): written before each billing
// write, consulted when a project is found already linked as declared, scoped to one stack.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, test } from "@jest/globals";
import { JOURNAL_TTL_MS, journalDir, LinkJournal } from "../../provider/src/linkJournal";

const TYPE = "pulumi-nodejs:dynamic/gcp-billing:ProjectBillingLink";
const URN = `urn:pulumi:prod::billing::${TYPE}::app`;
const RENAMED = `urn:pulumi:prod::billing::${TYPE}::app-renamed`;
const MAIN = "billingAccounts/01A2B3-C4D5E6-F7A8B9";
const SANDBOX = "billingAccounts/0B1C2D-3E4F5A-6B7C8D";

describe("LinkJournal", () => {
  let dir: string;
  let now = 1_000_000;
  const journal = () => new LinkJournal(dir, () => now);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "gbl-journal-"));
    now = 1_000_000;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("a write's restore target is found by a later adoption in the same stack, under any resource name", () => {
    journal().recordWrite(URN, "my-app", SANDBOX, MAIN);
    assert.equal(journal().restoreTargetFor(URN, "my-app", MAIN), SANDBOX);
    assert.equal(journal().restoreTargetFor(RENAMED, "my-app", MAIN), SANDBOX, "a rename without aliases");
    // A write from no account records "": restore unlinks what the stack linked.
    journal().recordWrite(URN, "other-app", "", MAIN);
    assert.equal(journal().restoreTargetFor(URN, "other-app", MAIN), "");
  });

  test("only when the project is where that write put it, in the same stack and project, and recently", () => {
    journal().recordWrite(URN, "my-app", SANDBOX, MAIN);
    assert.equal(journal().restoreTargetFor(URN, "my-app", SANDBOX), undefined, "moved since");
    assert.equal(journal().restoreTargetFor(URN, "my-app", ""), undefined, "unlinked since");
    assert.equal(
      journal().restoreTargetFor(`urn:pulumi:dev::billing::${TYPE}::app`, "my-app", MAIN),
      undefined,
    );
    assert.equal(
      journal().restoreTargetFor(`urn:pulumi:prod::other::${TYPE}::app`, "my-app", MAIN),
      undefined,
    );
    assert.equal(journal().restoreTargetFor(undefined, "my-app", MAIN), undefined, "state without a URN");
    now += JOURNAL_TTL_MS + 1;
    assert.equal(journal().restoreTargetFor(URN, "my-app", MAIN), undefined, "a leftover");
  });

  test("forget drops the entry; a resource without a URN records nothing; files are private and whole", () => {
    journal().recordWrite(URN, "my-app", SANDBOX, MAIN);
    const files = fs.readdirSync(dir);
    assert.equal(files.length, 1);
    assert.equal(fs.statSync(path.join(dir, files[0])).mode & 0o777, 0o600);
    assert.doesNotMatch(files[0], /my-app|prod/, "keys are hashed, not names");
    journal().forget(URN, "my-app");
    assert.equal(journal().restoreTargetFor(URN, "my-app", MAIN), undefined);
    journal().recordWrite(undefined, "my-app", SANDBOX, MAIN);
    assert.equal(fs.readdirSync(dir).length, 0);
    // An unreadable entry reads as no entry.
    journal().recordWrite(URN, "my-app", SANDBOX, MAIN);
    fs.writeFileSync(path.join(dir, fs.readdirSync(dir)[0]), "{not json");
    assert.equal(journal().restoreTargetFor(URN, "my-app", MAIN), undefined);
  });

  test("lives in GCP_BILLING_LINK_JOURNAL_DIR, else under PULUMI_HOME, else ~/.pulumi", () => {
    assert.equal(journalDir({ GCP_BILLING_LINK_JOURNAL_DIR: "/j", PULUMI_HOME: "/p" }), "/j");
    assert.equal(journalDir({ PULUMI_HOME: "/p" }), "/p/gcp-billing-link/journal");
    assert.equal(journalDir({ HOME: "/home/me" }), "/home/me/.pulumi/gcp-billing-link/journal");
  });
});
