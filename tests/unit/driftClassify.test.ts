// The drift check's classification: each live state of a declared link maps to one status and finding
// that names the project and both accounts; unmanaged projects come from the listings; an incomplete
// check is an error even when it also found drift.
import assert from "node:assert/strict";
import { test } from "@jest/globals";
import { buildReport } from "../../cli/src/drift/buildReport";
import {
  classifyLink,
  declaredAccounts,
  linkFinding,
  unmanagedFindings,
  type LinkReading,
  type StackLink,
} from "../../cli/src/drift/classify";
import { ACCOUNTS } from "../support/seed";

const MAIN = ACCOUNTS.main;
const SANDBOX = ACCOUNTS.sandbox;

function link(projectId: string, declared = MAIN, resource = projectId): StackLink {
  return {
    urn: `urn:pulumi:dev::links::pulumi-nodejs:dynamic/gcp-billing:ProjectBillingLink::${resource}`,
    resource,
    projectId,
    declaredBillingAccount: declared,
  };
}

const live = (billingAccount: string, billingEnabled = billingAccount !== ""): LinkReading => ({
  kind: "live",
  billingAccount,
  billingEnabled,
});

test("linked as declared with billing on is in sync, and no finding", () => {
  const r = classifyLink(link("p"), live(MAIN));
  assert.equal(r.status, "inSync");
  assert.equal(linkFinding(r), undefined);
});

test("linked elsewhere is relinked: the finding names the project, both accounts and the repair", () => {
  const r = classifyLink(link("p", MAIN, "prod"), live(SANDBOX));
  assert.equal(r.status, "relinked");
  const f = linkFinding(r);
  assert.ok(f);
  assert.deepEqual(
    [f.kind, f.projectId, f.resource, f.declaredBillingAccount, f.liveBillingAccount],
    ["relinked", "p", "prod", MAIN, SANDBOX],
  );
  assert.match(f.summary, new RegExp(`p is linked to ${SANDBOX}, not to ${MAIN}`));
  assert.match(f.action, /pulumi up --refresh/);
  assert.match(f.action, /"prod"/);
});

test("relinked to a closed account also says billing is disabled there", () => {
  const f = linkFinding(classifyLink(link("p"), live(SANDBOX, false)));
  assert.equal(f?.kind, "relinked");
  assert.match(f?.summary ?? "", /billing is disabled there/);
});

test("no account at all is unlinked, and the action mentions pending deletion (the API shows both alike)", () => {
  const r = classifyLink(link("p"), live(""));
  assert.equal(r.status, "unlinked");
  assert.equal(r.liveBillingAccount, "");
  const f = linkFinding(r);
  assert.equal(f?.liveBillingAccount, "");
  assert.match(f?.summary ?? "", /not linked to any billing account \(declared: billingAccounts\/01A2B3/);
  assert.match(f?.action ?? "", /pending deletion/);
});

test("a 404 from the read is project gone, with no live account", () => {
  const r = classifyLink(link("p"), { kind: "gone" });
  assert.equal(r.status, "projectGone");
  const f = linkFinding(r);
  assert.equal(f?.kind, "projectGone");
  assert.equal(f?.liveBillingAccount, null);
  assert.equal(f?.declaredBillingAccount, MAIN);
  assert.match(f?.action ?? "", /Remove "p" from the program/);
});

test("linked as declared with billing off is billing disabled (the account is closed)", () => {
  const r = classifyLink(link("p"), live(MAIN, false));
  assert.equal(r.status, "billingDisabled");
  const f = linkFinding(r);
  assert.equal(f?.kind, "billingDisabled");
  assert.equal(f?.liveBillingAccount, MAIN);
  assert.match(f?.summary ?? "", /account is closed/);
  assert.match(f?.action ?? "", /billing administrator must reopen/);
});

test("a link without a reading is unread: no finding, but an error so the check cannot pass", () => {
  const report = buildReport({
    stack: { name: "dev", project: "links" },
    generator: "test",
    checkedAt: new Date(0),
    links: [link("a"), link("b")],
    readings: new Map([[link("a").urn, live(MAIN)]]),
    errors: [],
  });
  assert.equal(report.links.find((l) => l.projectId === "b")?.status, "unread");
  assert.equal(report.findings.length, 0);
  assert.equal(report.status, "error");
  assert.deepEqual(
    report.errors.map((e) => [e.scope, e.projectId]),
    [["link", "b"]],
  );
});

test("an unread link already named by an engine error gets no second error", () => {
  const report = buildReport({
    stack: { name: "dev", project: "links" },
    generator: "test",
    checkedAt: new Date(0),
    links: [link("b")],
    readings: new Map(),
    errors: [{ scope: "link", projectId: "b", message: "reading the link of b failed: 403" }],
  });
  assert.equal(report.errors.length, 1);
});

test("unmanaged: projects billed to a declared account that no link declares, per account", () => {
  const links = [link("a", MAIN), link("b", SANDBOX), link("moved", MAIN)];
  assert.deepEqual(declaredAccounts(links), [MAIN, SANDBOX]);
  const { findings, accounts } = unmanagedFindings(links, [
    // "moved" is declared on MAIN but now billed to SANDBOX: declared by the stack, so not unmanaged.
    { billingAccount: SANDBOX, projectIds: ["b", "moved", "by-hand"] },
    { billingAccount: MAIN, projectIds: ["a"] },
  ]);
  assert.deepEqual(
    findings.map((f) => [f.kind, f.projectId, f.resource, f.declaredBillingAccount, f.liveBillingAccount]),
    [["unmanaged", "by-hand", null, null, SANDBOX]],
  );
  assert.deepEqual(accounts, [
    { billingAccount: SANDBOX, status: "listed", projectCount: 3, unmanagedCount: 1 },
    { billingAccount: MAIN, status: "listed", projectCount: 1, unmanagedCount: 0 },
  ]);
});

test("an account that could not be listed is unknown, never an empty list", () => {
  const { findings, accounts } = unmanagedFindings([link("a")], [{ billingAccount: MAIN, projectIds: null }]);
  assert.deepEqual(findings, []);
  assert.deepEqual(accounts, [
    { billingAccount: MAIN, status: "error", projectCount: null, unmanagedCount: null },
  ]);
});

test("report status: error beats findings, findings beat clean; findings sorted by kind then project", () => {
  const base = {
    stack: { name: "dev", project: "links" },
    generator: "test",
    checkedAt: new Date(0),
    links: [link("z"), link("y"), link("x")],
    readings: new Map<string, LinkReading>([
      [link("z").urn, live("")],
      [link("y").urn, live(SANDBOX)],
      [link("x").urn, live(MAIN)],
    ]),
    listings: [{ billingAccount: MAIN, projectIds: ["x", "w"] }],
  };
  const findings = buildReport({ ...base, errors: [] });
  assert.equal(findings.status, "findings");
  assert.deepEqual(
    findings.findings.map((f) => `${f.kind}:${f.projectId}`),
    ["relinked:y", "unlinked:z", "unmanaged:w"],
  );
  assert.deepEqual(findings.summary, {
    links: 3,
    inSync: 1,
    findings: 3,
    errors: 0,
    byKind: { relinked: 1, unlinked: 1, projectGone: 0, billingDisabled: 0, unmanaged: 1 },
  });
  assert.deepEqual(findings.checks, { links: true, unmanaged: true });
  assert.equal(findings.checkedAt, "1970-01-01T00:00:00.000Z");

  const partial = buildReport({
    ...base,
    errors: [{ scope: "account", billingAccount: SANDBOX, message: "x" }],
  });
  assert.equal(partial.status, "error");
  assert.equal(partial.findings.length, 3, "a partial run still reports what it read");

  const clean = buildReport({
    ...base,
    links: [link("x")],
    readings: new Map([[link("x").urn, live(MAIN)]]),
    listings: undefined,
    errors: [],
  });
  assert.equal(clean.status, "clean");
  assert.deepEqual(clean.checks, { links: true, unmanaged: false });
});

test("errors: duplicates dropped, listed by scope then project or account, whatever order reads finished in", () => {
  const report = buildReport({
    stack: { name: "dev", project: "links" },
    generator: "test",
    checkedAt: new Date(0),
    links: [link("a"), link("b")],
    readings: new Map(),
    errors: [
      { scope: "account", billingAccount: MAIN, message: "m" },
      { scope: "link", projectId: "b", message: "x" },
      { scope: "link", projectId: "a", message: "x" },
      { scope: "link", projectId: "b", message: "x" },
      { scope: "stack", message: "s" },
    ],
  });
  assert.deepEqual(
    report.errors.map((e) => `${e.scope}:${e.projectId ?? e.billingAccount ?? ""}`),
    ["stack:", "link:a", "link:b", `account:${MAIN}`],
  );
});
