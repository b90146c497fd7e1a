// check/diff logic of the ProjectBillingLink provider, and its config mapping: pure, no network.
import assert from "node:assert/strict";
import { describe, test } from "@jest/globals";
import { canonicalAccount, normaliseInputs, UNKNOWN_VALUE } from "../../provider/src/inputs";
import { ProjectBillingLinkProvider } from "../../provider/src/projectBillingLinkProvider";
import { settingsFromConfig } from "../../provider/src/providerConfig";

const ACCOUNT = "billingAccounts/01A2B3-C4D5E6-F7A8B9";

function offlineProvider(): ProjectBillingLinkProvider {
  const provider = new ProjectBillingLinkProvider();
  provider.configure({ get: (key) => (key === "gcp-billing:preflight" ? "false" : undefined) });
  return provider;
}

describe("normaliseInputs", () => {
  test("canonicalises both account forms, trims and upper-cases", () => {
    for (const raw of ["01a2b3-c4d5e6-f7a8b9", " billingAccounts/01A2B3-C4D5E6-F7A8B9 "]) {
      const { inputs, failures } = normaliseInputs({ projectId: "demo-app", billingAccount: raw });
      assert.deepEqual(failures, []);
      assert.deepEqual(inputs, { projectId: "demo-app", billingAccount: ACCOUNT, deletionPolicy: "unlink" });
    }
  });

  test("names the property and shows the accepted forms", () => {
    const { failures } = normaliseInputs({
      projectId: "projects/demo-app",
      billingAccount: "billingAccounts/billingAccounts/x",
    });
    assert.equal(failures.length, 2);
    assert.equal(failures[0].property, "projectId");
    assert.match(failures[0].reason, /projectId/);
    assert.equal(failures[1].property, "billingAccount");
    assert.match(failures[1].reason, /012345-567890-ABCDEF/);
  });

  test("requires projectId and billingAccount, rejects an unknown deletionPolicy", () => {
    const { failures } = normaliseInputs({ deletionPolicy: "delete" });
    assert.deepEqual(
      failures.map((f) => f.property),
      ["projectId", "billingAccount", "deletionPolicy"],
    );
    assert.match(failures[2].reason, /"unlink", "abandon", "restore"/);
  });

  test("passes values unknown during preview through untouched", () => {
    const { inputs, failures } = normaliseInputs({ projectId: UNKNOWN_VALUE, billingAccount: UNKNOWN_VALUE });
    assert.deepEqual(failures, []);
    assert.equal(inputs.projectId, UNKNOWN_VALUE);
    assert.equal(inputs.billingAccount, UNKNOWN_VALUE);
  });

  test("canonicalAccount tolerates empty and hand-edited state", () => {
    assert.equal(canonicalAccount(undefined), "");
    assert.equal(canonicalAccount(""), "");
    assert.equal(canonicalAccount("01a2b3-c4d5e6-f7a8b9"), ACCOUNT);
    assert.equal(canonicalAccount("garbage"), "garbage");
  });
});

describe("diff", () => {
  const olds = {
    projectId: "demo-app",
    billingAccount: ACCOUNT,
    deletionPolicy: "unlink",
    billingEnabled: true,
  };

  test("no diff when only the account's spelling differs", async () => {
    const result = await offlineProvider().diff("demo-app", olds, {
      ...olds,
      billingAccount: "01A2B3-C4D5E6-F7A8B9",
    });
    assert.deepEqual(result, { changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test("no diff on __provider alone", async () => {
    const result = await offlineProvider().diff(
      "demo-app",
      { ...olds, __provider: "old code" },
      { ...olds, __provider: "new code" },
    );
    assert.equal(result.changes, false);
  });

  test("an account change updates in place", async () => {
    const result = await offlineProvider().diff("demo-app", olds, {
      ...olds,
      billingAccount: "billingAccounts/0B1C2D-3E4F5A-6B7C8D",
    });
    assert.deepEqual(result, { changes: true, replaces: [], deleteBeforeReplace: false });
  });

  test("a project change replaces", async () => {
    const result = await offlineProvider().diff("demo-app", olds, { ...olds, projectId: "other-app" });
    assert.deepEqual(result, { changes: true, replaces: ["projectId"], deleteBeforeReplace: false });
  });

  test("drift after a refresh: live unlinked vs declared account is a change", async () => {
    const result = await offlineProvider().diff("demo-app", { ...olds, billingAccount: "" }, olds);
    assert.equal(result.changes, true);
  });

  test("a deletionPolicy change is an in-place update", async () => {
    const result = await offlineProvider().diff("demo-app", olds, { ...olds, deletionPolicy: "abandon" });
    assert.deepEqual(result, { changes: true, replaces: [], deleteBeforeReplace: false });
  });
});

describe("check", () => {
  test("returns failures naming the property, without calling the API when preflight is off", async () => {
    const result = await offlineProvider().check({}, { projectId: "Bad_Project", billingAccount: ACCOUNT });
    assert.equal(result.failures?.length, 1);
    assert.equal(result.failures?.[0].property, "projectId");
  });
});

describe("configure with invalid config", () => {
  test("the error is kept: later operations fail with it instead of running on defaults", async () => {
    const provider = new ProjectBillingLinkProvider();
    const bad = { get: (key: string) => (key === "gcp-billing:requestsPerMinute" ? "1,000" : undefined) };
    assert.throws(() => provider.configure(bad), /gcp-billing:requestsPerMinute/);
    const inputs = { projectId: "demo-app", billingAccount: ACCOUNT, deletionPolicy: "unlink" };
    await assert.rejects(provider.check({}, inputs), /gcp-billing:requestsPerMinute/);
    await assert.rejects(provider.create(inputs), /gcp-billing:requestsPerMinute/);
    await assert.rejects(
      provider.delete("demo-app", { ...inputs, appliedBillingAccount: ACCOUNT }),
      /requestsPerMinute/,
    );
    // A corrected config clears it.
    provider.configure({ get: (key) => (key === "gcp-billing:preflight" ? "false" : undefined) });
    assert.deepEqual((await provider.check({}, inputs)).failures, []);
  });
});

describe("settingsFromConfig", () => {
  const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

  test("nothing set: credentials and endpoints come from the environment", () => {
    const settings = settingsFromConfig(config({}));
    assert.equal(settings.client.credentials, undefined);
    assert.deepEqual(settings.client.endpoints, {});
    assert.equal(settings.preflight, true);
  });

  test("credentials as JSON contents or as a path; endpoints and quota project", () => {
    const json = settingsFromConfig(
      config({
        "gcp-billing:credentials": '{"type":"authorized_user"}',
        "gcp-billing:quotaProject": "quota-home",
        "gcp-billing:apiEndpoint": "http://127.0.0.1:1/",
      }),
    );
    assert.deepEqual(json.client.credentials, { credentialsJson: '{"type":"authorized_user"}' });
    assert.equal(json.client.quotaProject, "quota-home");
    assert.deepEqual(json.client.endpoints, { apiRoot: "http://127.0.0.1:1/" });
    const file = settingsFromConfig(config({ "gcp-billing:credentials": "/home/me/adc.json" }));
    assert.deepEqual(file.client.credentials, { credentialsFile: "/home/me/adc.json" });
  });

  test("requestsPerMinute sets the client-side rate; a bad value names the key", () => {
    assert.equal(settingsFromConfig(config({})).client.rateLimit, undefined);
    const raised = settingsFromConfig(config({ "gcp-billing:requestsPerMinute": "975" }));
    assert.deepEqual(raised.client.rateLimit, { requestsPerSecond: 975 / 60 });
    for (const bad of ["0", "-5", "fast"]) {
      assert.throws(
        () => settingsFromConfig(config({ "gcp-billing:requestsPerMinute": bad })),
        /gcp-billing:requestsPerMinute must be a positive number/,
      );
    }
  });

  test("a bad preflight value is an error that names the key", () => {
    assert.throws(
      () => settingsFromConfig(config({ "gcp-billing:preflight": "yes" })),
      /gcp-billing:preflight/,
    );
  });
});
