// The root program (program/index.ts) under Pulumi's mocks: which ProjectBillingLinks a stack config
// declares, with which inputs, and what the stack outputs report. The engine runs of the same program are
// in tests/e2e/rootProgram.test.ts and tests/e2e/demo.test.ts.
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, test } from "@jest/globals";
import { declaredLinks, linkedAsDeclared } from "../support/linkResources";
import { runProgramWithMocks } from "../support/programWithMocks";
import { ACCOUNTS, ACCOUNT_IDS } from "../support/seed";

const PROGRAM = path.join(__dirname, "..", "..", "program", "index.ts");
const MAIN = ACCOUNT_IDS.main;
const SANDBOX = ACCOUNTS.sandbox;

function run(config: Record<string, string> = {}) {
  return runProgramWithMocks(PROGRAM, { project: "billing-links", config, state: linkedAsDeclared });
}

describe("program/index.ts with mocks", () => {
  test("no config: no links, and outputs that say so", async () => {
    const { resources, outputs } = await run();
    assert.deepEqual(declaredLinks(resources), []);
    assert.deepEqual(outputs, { billingLinks: {}, linkedProjectCount: 0 });
  });

  test("one ProjectBillingLink per links entry, named by project, empty entries on the default account", async () => {
    const { resources, outputs } = await run({
      "billing-links:defaultBillingAccount": MAIN,
      "billing-links:links": JSON.stringify({ "app-prod": null, "app-dev": "", "data-lake": SANDBOX }),
    });
    assert.deepEqual(declaredLinks(resources), [
      // No billing-links:deletionPolicy: none is passed, and the provider applies its default.
      { name: "app-dev", inputs: { projectId: "app-dev", billingAccount: MAIN } },
      { name: "app-prod", inputs: { projectId: "app-prod", billingAccount: MAIN } },
      { name: "data-lake", inputs: { projectId: "data-lake", billingAccount: SANDBOX } },
    ]);
    assert.deepEqual(outputs, {
      billingLinks: {
        "app-prod": { billingAccount: MAIN, billingEnabled: true, previousBillingAccount: "" },
        "app-dev": { billingAccount: MAIN, billingEnabled: true, previousBillingAccount: "" },
        "data-lake": { billingAccount: SANDBOX, billingEnabled: true, previousBillingAccount: "" },
      },
      linkedProjectCount: 3,
    });
    // Each resource passes its own URN to the provider (an internal input), which dynamic providers are
    // otherwise never told: warnings are attached to it.
    const appProd = resources.find((r) => r.name === "app-prod");
    assert.equal(
      appProd?.inputs.__urn,
      "urn:pulumi:test::billing-links::pulumi-nodejs:dynamic/gcp-billing:ProjectBillingLink::app-prod",
    );
  });

  test("billing-links:deletionPolicy applies to every link", async () => {
    const { resources } = await run({
      "billing-links:deletionPolicy": "restore",
      "billing-links:links": JSON.stringify({ "app-prod": MAIN, "app-dev": SANDBOX }),
    });
    assert.deepEqual(
      declaredLinks(resources).map((l) => l.inputs.deletionPolicy),
      ["restore", "restore"],
    );
  });

  test("a bad links map fails the program with the key and the fix", async () => {
    await assert.rejects(
      run({ "billing-links:links": JSON.stringify({ "app-prod": null }) }),
      /billing-links:links\.app-prod has no billing account and billing-links:defaultBillingAccount is not set/,
    );
  });
});
