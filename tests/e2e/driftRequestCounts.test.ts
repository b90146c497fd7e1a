// What a drift check costs and touches, through the typed API Automation API users call
// (`gcp-billing-link/drift`): exactly one projects.getBillingInfo per link, plus with `unmanaged` one
// billingAccounts.projects.list per declared account and page, one token refresh per process, and
// nothing else: no preflight, no billingAccounts.get, no write, no state change, and the user's current
// stack left selected. Seed: the default one plus a "Bulk" account with 150 linked projects (two pages).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, test } from "@jest/globals";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { checkDrift, type DriftOptions } from "../../cli/src/drift";
import { DEFAULT_SEED_PATH, type SeedObject } from "../../emulator/src";
import { ACCOUNTS, createBillingStack, providerCalls, type BillingStack } from "../support/billingStack";
import { backendSnapshot } from "../support/driftCheck";
import { schemaErrors } from "../support/driftReports";

const BULK_ID = "0A0B0C-1D1E1F-2A2B2C";
const BULK = `billingAccounts/${BULK_ID}`;
const BULK_PROJECTS = Array.from({ length: 150 }, (_, i) => `bulk-${String(i + 1).padStart(3, "0")}`);

function seedWithBulkAccount(): SeedObject {
  const seed = JSON.parse(fs.readFileSync(DEFAULT_SEED_PATH, "utf8")) as {
    billingAccounts: unknown[];
    projects: unknown[];
    iam: unknown[];
  };
  seed.billingAccounts.push({
    id: BULK_ID,
    displayName: "Bulk",
    open: true,
    currencyCode: "USD",
    projectLinkQuota: 1000,
  });
  BULK_PROJECTS.forEach((projectId, i) =>
    seed.projects.push({ projectId, projectNumber: String(300000000000 + i), billingAccount: BULK_ID }),
  );
  seed.iam.push(
    { resource: BULK, role: "roles/billing.user", members: ["user:alice@example.com"] },
    { resource: "projects/bulk-001", role: "roles/owner", members: ["user:alice@example.com"] },
    { resource: "projects/bulk-002", role: "roles/owner", members: ["user:alice@example.com"] },
  );
  return seed as SeedObject;
}

describe("drift: what a check costs", () => {
  let env: BillingStack;
  let options: DriftOptions;
  beforeAll(async () => {
    env = await createBillingStack({ seed: seedWithBulkAccount() });
    await env.declare([
      { name: "b1", projectId: "bulk-001", billingAccount: BULK },
      { name: "b2", projectId: "bulk-002", billingAccount: BULK },
      { name: "data", projectId: "demo-data", billingAccount: ACCOUNTS.sandbox },
    ]);
    await env.stack.up();
    options = {
      workDir: env.stack.workspace.workDir,
      stackName: env.stack.name,
      env: env.envVars,
      pulumiCommand: await PulumiCommand.get({ root: path.dirname(env.engineBinDir) }),
    };
  });
  afterAll(() => env.cleanup());

  test("links only: one getBillingInfo per link and one token refresh, nothing else", async () => {
    env.emulator.clearLog();
    const report = await checkDrift(options);
    assert.equal(report.status, "clean", JSON.stringify(report.errors));
    assert.deepEqual(providerCalls(env.emulator), { "oauth.token": 1, "projects.getBillingInfo": 3 });
    assert.equal(env.emulator.requestLog().length, 4, "no request from anyone else either");
  });

  test("--unmanaged: plus one projects.list per account and page, and this process's token refresh", async () => {
    env.emulator.clearLog();
    const report = await checkDrift({ ...options, unmanaged: true });
    assert.deepEqual(schemaErrors(JSON.parse(JSON.stringify(report))), []);
    assert.deepEqual(providerCalls(env.emulator), {
      "oauth.token": 2, // the engine's provider process and this one: one each
      "projects.getBillingInfo": 3,
      "billingAccounts.projects.list": 3,
    });
    const lists = env.emulator
      .requestLog()
      .filter((r) => r.method === "billingAccounts.projects.list")
      .map((r) => r.path)
      .sort();
    assert.deepEqual(lists, [
      `/v1/${BULK}/projects`,
      `/v1/${BULK}/projects`,
      `/v1/${ACCOUNTS.sandbox}/projects`,
    ]);
    assert.deepEqual(report.accounts, [
      { billingAccount: BULK, status: "listed", projectCount: 150, unmanagedCount: 148 },
      { billingAccount: ACCOUNTS.sandbox, status: "listed", projectCount: 1, unmanagedCount: 0 },
    ]);
    assert.equal(report.status, "findings");
    assert.equal(report.summary.byKind.unmanaged, 148);
    assert.ok(
      report.findings.some((f) => f.projectId === "bulk-150"),
      "the second page was read",
    );
  });

  test("changes nothing: not the state's files, nor which stack is selected", async () => {
    const other = `${env.stack.name}-other`;
    await env.stack.workspace.createStack(other); // and selects it, as `pulumi stack init` does
    try {
      const before = backendSnapshot(env);
      const report = await checkDrift(options);
      assert.equal(report.stack.name, env.stack.name);
      assert.equal(report.status, "clean");
      assert.deepEqual(backendSnapshot(env), before);
      assert.equal(
        (await env.stack.workspace.stack())?.name,
        other,
        "the user's current stack stays selected",
      );
    } finally {
      await env.stack.workspace.removeStack(other, { force: true });
      fs.rmSync(path.join(env.stack.workspace.workDir, `Pulumi.${other}.yaml`), { force: true });
    }
  });
});
