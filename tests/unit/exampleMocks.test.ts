// Each program in examples/ under Pulumi's mocks: which ProjectBillingLinks its stack config declares,
// with which inputs, and what its stack outputs report. The engine runs of the same programs are in
// tests/e2e/examples.test.ts.
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, test } from "@jest/globals";
import { declaredLinks, linkedAsDeclared } from "../support/linkResources";
import { runProgramWithMocks } from "../support/programWithMocks";
import { ACCOUNTS, ACCOUNT_IDS } from "../support/seed";

const EXAMPLES = path.join(__dirname, "..", "..", "examples");
const MAIN = ACCOUNT_IDS.main;
const SANDBOX = ACCOUNTS.sandbox;

function runExample(name: string, config: Record<string, string>, secretKeys?: string[]) {
  return runProgramWithMocks(path.join(EXAMPLES, name, "index.ts"), {
    project: name,
    config,
    secretKeys,
    state: linkedAsDeclared,
  });
}

describe("examples/single-link with mocks", () => {
  test("one link named app, from projectId and billingAccount, deletionPolicy restore", async () => {
    const { resources, outputs } = await runExample("single-link", {
      "single-link:projectId": "my-app-prod",
      "single-link:billingAccount": MAIN,
    });
    assert.deepEqual(declaredLinks(resources), [
      { name: "app", inputs: { projectId: "my-app-prod", billingAccount: MAIN, deletionPolicy: "restore" } },
    ]);
    assert.deepEqual(outputs, {
      projectId: "my-app-prod",
      billingAccount: MAIN,
      billingEnabled: true,
      previousBillingAccount: "",
    });
  });

  test("without billingAccount the program fails, naming the key", async () => {
    await assert.rejects(
      runExample("single-link", { "single-link:projectId": "my-app-prod" }),
      /Missing required configuration variable 'single-link:billingAccount'/,
    );
  });
});

describe("examples/multi-project with mocks", () => {
  const projects = {
    "demo-app-prod": null,
    "demo-app-staging": { billingAccount: SANDBOX, deletionPolicy: "abandon" },
    "demo-data": { deletionPolicy: "restore" },
    "sandbox-one": SANDBOX,
  };

  test("one link per project: the default account, an explicit one, and per-project policies", async () => {
    const { resources, outputs } = await runExample("multi-project", {
      "multi-project:defaultBillingAccount": MAIN,
      "multi-project:projects": JSON.stringify(projects),
    });
    assert.deepEqual(declaredLinks(resources), [
      {
        name: "demo-app-prod",
        // No policy declared: none is passed, and the provider applies its default.
        inputs: { projectId: "demo-app-prod", billingAccount: MAIN },
      },
      {
        name: "demo-app-staging",
        inputs: { projectId: "demo-app-staging", billingAccount: SANDBOX, deletionPolicy: "abandon" },
      },
      {
        name: "demo-data",
        inputs: { projectId: "demo-data", billingAccount: MAIN, deletionPolicy: "restore" },
      },
      {
        name: "sandbox-one",
        inputs: { projectId: "sandbox-one", billingAccount: SANDBOX },
      },
    ]);
    assert.deepEqual(outputs.projectsByAccount, {
      [MAIN]: ["demo-app-prod", "demo-data"],
      [SANDBOX]: ["demo-app-staging", "sandbox-one"],
    });
    assert.equal(outputs.linkedProjectCount, 4);
    assert.deepEqual(outputs.links, {
      "demo-app-prod": {
        billingAccount: MAIN,
        billingEnabled: true,
        previousBillingAccount: "",
        deletionPolicy: "restore",
      },
      "demo-app-staging": {
        billingAccount: SANDBOX,
        billingEnabled: true,
        previousBillingAccount: "",
        deletionPolicy: "abandon",
      },
      "demo-data": {
        billingAccount: MAIN,
        billingEnabled: true,
        previousBillingAccount: "",
        deletionPolicy: "restore",
      },
      "sandbox-one": {
        billingAccount: SANDBOX,
        billingEnabled: true,
        previousBillingAccount: "",
        deletionPolicy: "restore",
      },
    });
  });

  test("multi-project:deletionPolicy is the default for entries that name none", async () => {
    const { resources } = await runExample("multi-project", {
      "multi-project:defaultBillingAccount": MAIN,
      "multi-project:deletionPolicy": "abandon",
      "multi-project:projects": JSON.stringify(projects),
    });
    assert.deepEqual(
      declaredLinks(resources).map((l) => [l.name, l.inputs.deletionPolicy]),
      [
        ["demo-app-prod", "abandon"],
        ["demo-app-staging", "abandon"],
        ["demo-data", "restore"],
        ["sandbox-one", "abandon"],
      ],
    );
  });

  test("config mistakes fail the program with the key at fault", async () => {
    await assert.rejects(
      runExample("multi-project", {
        "multi-project:defaultBillingAccount": MAIN,
        "multi-project:projects": JSON.stringify({ "demo-app-prod": { deletionPolicy: "keep" } }),
      }),
      /multi-project:projects\.demo-app-prod\.deletionPolicy must be one of unlink, abandon, restore; got "keep"/,
    );
    await assert.rejects(
      runExample("multi-project", { "multi-project:projects": JSON.stringify({ "demo-data": null }) }),
      /multi-project:projects\.demo-data has no billingAccount and multi-project:defaultBillingAccount is not set/,
    );
    await assert.rejects(
      runExample("multi-project", {
        "multi-project:projects": JSON.stringify({ "demo-data": { billingAccount: 42 } }),
      }),
      /multi-project:projects\.demo-data\.billingAccount must be a string; got 42/,
    );
    await assert.rejects(
      runExample("multi-project", { "multi-project:projects": JSON.stringify(["demo-data"]) }),
      /multi-project:projects must be a map of project ID → billing account/,
    );
  });
});

describe("examples/stack-config-credentials with mocks", () => {
  const link = {
    "stack-config-credentials:projectId": "sandbox-one",
    "stack-config-credentials:billingAccount": MAIN,
  };

  test("one link with the default deletionPolicy; outputs name the credential source, never a value", async () => {
    const { resources, outputs } = await runExample("stack-config-credentials", {
      ...link,
      "gcp-billing:credentials": "/home/me/.config/gcp-billing-link/credentials.json",
      "gcp-billing:quotaProject": "quota-home",
      "gcp-billing:apiEndpoint": "http://127.0.0.1:8085/",
    });
    assert.deepEqual(declaredLinks(resources), [
      { name: "app", inputs: { projectId: "sandbox-one", billingAccount: MAIN } },
    ]);
    assert.deepEqual(outputs, {
      credentialSource: "gcp-billing:credentials (file path)",
      quotaProject: "quota-home",
      apiEndpoint: "http://127.0.0.1:8085/",
      projectId: "sandbox-one",
      billingAccount: MAIN,
      billingEnabled: true,
    });
  });

  test("each credential source is named in the provider's order; credentials in plain config are refused", async () => {
    const source = async (config: Record<string, string>, secretKeys?: string[]) =>
      (await runExample("stack-config-credentials", { ...link, ...config }, secretKeys)).outputs
        .credentialSource;
    assert.equal(
      await source({}),
      "environment: GOOGLE_OAUTH_ACCESS_TOKEN, GOOGLE_CREDENTIALS, GOOGLE_APPLICATION_CREDENTIALS or gcloud ADC",
    );
    assert.equal(
      await source({ "gcp-billing:credentials": '{"type": "authorized_user"}' }, ["gcp-billing:credentials"]),
      "gcp-billing:credentials (inline JSON)",
    );
    assert.equal(
      await source({ "gcp-billing:refreshToken": "rt", "gcp-billing:credentials": "/path" }, [
        "gcp-billing:refreshToken",
      ]),
      "gcp-billing:refreshToken + clientId + clientSecret",
    );
    assert.equal(
      await source({ "gcp-billing:accessToken": "at", "gcp-billing:refreshToken": "rt" }, [
        "gcp-billing:accessToken",
        "gcp-billing:refreshToken",
      ]),
      "gcp-billing:accessToken (static access token)",
    );
    // The same values without --secret would be recorded unencrypted in state: the program is refused.
    await assert.rejects(
      source({ "gcp-billing:accessToken": "at", "gcp-billing:refreshToken": "rt" }),
      /refuses credentials stored as plain stack config[\s\S]*pulumi config set --secret gcp-billing:accessToken/,
    );
  });

  test("with no endpoint or quota project configured, those outputs are empty", async () => {
    const { outputs } = await runExample("stack-config-credentials", link);
    assert.equal(outputs.quotaProject, "");
    assert.equal(outputs.apiEndpoint, "");
  });
});
