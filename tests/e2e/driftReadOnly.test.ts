// The drift check with read-only credentials: the links need only read access to the projects (so the
// cloud-billing.readonly scope works), the --unmanaged listing needs billing.resourceAssociations.list
// (roles/billing.viewer) on each declared account, and a caller without it gets an error that says so,
// never an empty list. Seed: the default one, where viewer@example.com is not a billing viewer of the
// sandbox account.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, test } from "@jest/globals";
import { DEFAULT_SEED_PATH, type SeedObject } from "../../emulator/src";
import {
  ACCOUNTS,
  createBillingStack,
  writeCredentialsFile,
  type BillingStack,
} from "../support/billingStack";
import { EXIT, runDrift } from "../support/driftCheck";

function seedWithoutViewerOnSandbox(): SeedObject {
  const seed = JSON.parse(fs.readFileSync(DEFAULT_SEED_PATH, "utf8")) as SeedObject & {
    iam: Array<{ resource: string; role: string; members: string[] }>;
  };
  seed.iam = seed.iam.filter((b) => !(b.resource === ACCOUNTS.sandbox && b.role === "roles/billing.viewer"));
  return seed;
}

describe("drift: read-only credentials", () => {
  let env: BillingStack;
  beforeAll(async () => {
    env = await createBillingStack({ seed: seedWithoutViewerOnSandbox() });
    await env.declare([
      { name: "prod", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main },
      { name: "data", projectId: "demo-data", billingAccount: ACCOUNTS.sandbox },
    ]);
    await env.stack.up();
  });
  afterAll(() => env.cleanup());

  async function useCredentials(refreshToken: string): Promise<void> {
    await env.stack.setConfig("gcp-billing:credentials", {
      value: writeCredentialsFile(env.stateDir, refreshToken),
    });
  }

  test("a cloud-billing.readonly token checks the links and lists the accounts", async () => {
    await useCredentials("emu-rt-alice-readonly");
    const run = await runDrift(env, ["--unmanaged"]);
    // quota-home is billed to the main account in the seed, and no link declares it.
    assert.equal(run.code, EXIT.findings, run.stdout + run.stderr);
    assert.deepEqual(run.report.errors, []);
    assert.deepEqual(
      run.report.links.map((l) => l.status),
      ["inSync", "inSync"],
    );
    assert.deepEqual(
      run.report.findings.map((f) => [f.kind, f.projectId]),
      [["unmanaged", "quota-home"]],
    );
  });

  test("where Google reads the readonly scope strictly, the scope error names the fix", async () => {
    env.emulator.setKnobs({ strictReadonlyScope: true });
    try {
      const run = await runDrift(env);
      assert.equal(run.code, EXIT.error, run.stdout + run.stderr);
      assert.equal(run.report.errors.length, 2);
      for (const e of run.report.errors) assert.match(`${e.message} ${e.hint ?? ""}`, /scope/i);
    } finally {
      env.emulator.setKnobs({ strictReadonlyScope: false });
    }
  });

  test("a project viewer without billing roles: the links pass, the listing it may not do is an error", async () => {
    await useCredentials("emu-rt-viewer-cloud-billing");
    const links = await runDrift(env);
    assert.equal(links.code, EXIT.clean, links.stdout + links.stderr);

    const run = await runDrift(env, ["--unmanaged"]);
    assert.equal(run.code, EXIT.error, run.stdout + run.stderr);
    assert.deepEqual(run.report.accounts, [
      { billingAccount: ACCOUNTS.main, status: "listed", projectCount: 2, unmanagedCount: 1 },
      { billingAccount: ACCOUNTS.sandbox, status: "error", projectCount: null, unmanagedCount: null },
    ]);
    assert.deepEqual(run.report.errors, [
      {
        scope: "account",
        billingAccount: ACCOUNTS.sandbox,
        message: `cannot list the projects billed to ${ACCOUNTS.sandbox}: the caller lacks billing.resourceAssociations.list on it, so its unmanaged projects are unknown.`,
        hint: `Grant roles/billing.viewer on ${ACCOUNTS.sandbox} (read-only is enough) to the identity the check runs as, or run the check without --unmanaged.`,
      },
    ]);
    // What could be checked is still reported.
    assert.deepEqual(
      run.report.findings.map((f) => [f.kind, f.projectId]),
      [["unmanaged", "quota-home"]],
    );
    assert.match(run.stdout, new RegExp(`! cannot list the projects billed to ${ACCOUNTS.sandbox}`));
    assert.match(run.stdout, /Result: ERROR/);
  });
});
