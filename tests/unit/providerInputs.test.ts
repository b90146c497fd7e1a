// check/diff logic of the ProjectBillingLink provider, and its config mapping: pure, no network.
import assert from "node:assert/strict";
import { describe, test } from "@jest/globals";
import { canonicalAccount, normalizeInputs, UNKNOWN_VALUE } from "../../provider/src/inputs";
import { provider, ProjectBillingLinkProvider } from "../../provider/src/projectBillingLinkProvider";
import { settingsFromConfig } from "../../provider/src/providerConfig";
import { plaintextSecretProblems } from "../../provider/src/secretConfig";

const ACCOUNT = "billingAccounts/01A2B3-C4D5E6-F7A8B9";

function offlineProvider(): ProjectBillingLinkProvider {
  const provider = new ProjectBillingLinkProvider();
  void provider.configure({
    config: { get: (key) => (key === "gcp-billing:preflight" ? "false" : undefined) },
  });
  return provider;
}

describe("normalizeInputs", () => {
  test("canonicalises both account forms, trims and upper-cases", () => {
    for (const raw of ["01a2b3-c4d5e6-f7a8b9", " billingAccounts/01A2B3-C4D5E6-F7A8B9 "]) {
      const { inputs, failures } = normalizeInputs({ projectId: "demo-app", billingAccount: raw });
      assert.deepEqual(failures, []);
      // No declared policy: the default, marked as such so a later default change never rewrites it.
      assert.deepEqual(inputs, {
        projectId: "demo-app",
        billingAccount: ACCOUNT,
        deletionPolicy: "restore",
        __deletionPolicyOrigin: "default",
      });
    }
  });

  test("names the property and shows the accepted forms", () => {
    const { failures } = normalizeInputs({
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
    const { failures } = normalizeInputs({ deletionPolicy: "delete" });
    assert.deepEqual(
      failures.map((f) => f.property),
      ["projectId", "billingAccount", "deletionPolicy"],
    );
    assert.match(failures[2].reason, /"unlink", "abandon", "restore"/);
  });

  test("passes values unknown during preview through untouched", () => {
    const { inputs, failures } = normalizeInputs({ projectId: UNKNOWN_VALUE, billingAccount: UNKNOWN_VALUE });
    assert.deepEqual(failures, []);
    assert.equal(inputs.projectId, UNKNOWN_VALUE);
    assert.equal(inputs.billingAccount, UNKNOWN_VALUE);
  });

  test("refuses the unknown marker where it can only have been typed in (the program's own check)", () => {
    const { failures } = normalizeInputs(
      { projectId: UNKNOWN_VALUE, billingAccount: UNKNOWN_VALUE, deletionPolicy: UNKNOWN_VALUE },
      {},
      { unknowns: false },
    );
    assert.deepEqual(
      failures.map((f) => f.property),
      ["projectId", "billingAccount", "deletionPolicy"],
    );
    assert.match(failures[0].reason, /^projectId "04da6b54-80e4-46f7-96ec-b56ff0331ba9" is not valid/);
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

  test("a resource the program reported fails even when its value looks unknown here (a typed-in marker)", async () => {
    const news = { projectId: UNKNOWN_VALUE, billingAccount: ACCOUNT, __problemsReportedByProgram: true };
    const result = await offlineProvider().check({}, news);
    assert.deepEqual(
      result.failures?.map((f) => f.property),
      ["projectId"],
    );
    assert.match(result.failures?.[0].reason ?? "", /the program's errors .* give the details/);
    // Without the program's report the same value is a preview-time unknown, and passes.
    const unreported = await offlineProvider().check(
      {},
      { projectId: UNKNOWN_VALUE, billingAccount: ACCOUNT },
    );
    assert.deepEqual(unreported.failures, []);
  });
});

describe("configure with invalid config", () => {
  test("the exported provider's error crosses the boundary: one message naming the key, no stack frames", async () => {
    // The host passes a pulumi Config; the provider reads only `get`.
    type Request = Parameters<typeof provider.configure>[0];
    const bad = { get: (key: string) => (key === "gcp-billing:apiEndpoint" ? "not a url" : undefined) };
    await assert.rejects(provider.configure({ config: bad } as unknown as Request), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.equal(err.name, "ProjectBillingLinkError");
      assert.match(
        err.message,
        /^invalid stack config: gcp-billing:apiEndpoint must be an absolute http\(s\) URL/,
      );
      assert.doesNotMatch(err.stack ?? "", /\.ts:\d+/);
      return true;
    });
    await provider.configure({ config: { get: () => undefined } } as unknown as Request);
  });

  test("the error is kept: later operations fail with it instead of running on defaults", async () => {
    const provider = new ProjectBillingLinkProvider();
    const bad = { get: (key: string) => (key === "gcp-billing:requestsPerMinute" ? "1,000" : undefined) };
    await assert.rejects(provider.configure({ config: bad }), /gcp-billing:requestsPerMinute/);
    const inputs = { projectId: "demo-app", billingAccount: ACCOUNT, deletionPolicy: "unlink" };
    await assert.rejects(provider.check({}, inputs), /gcp-billing:requestsPerMinute/);
    await assert.rejects(provider.create(inputs), /gcp-billing:requestsPerMinute/);
    await assert.rejects(
      provider.delete("demo-app", { ...inputs, appliedBillingAccount: ACCOUNT }),
      /requestsPerMinute/,
    );
    // A corrected config clears it, as soon as configure is called (the engine may not wait for it).
    void provider.configure({
      config: { get: (key) => (key === "gcp-billing:preflight" ? "false" : undefined) },
    });
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
    const { names, ...fromJson } = json.client.credentials ?? {};
    assert.deepEqual(fromJson, { credentialsJson: '{"type":"authorized_user"}' });
    assert.equal(json.client.quotaProject, "quota-home");
    assert.deepEqual(json.client.endpoints, { apiRoot: "http://127.0.0.1:1/" });
    const file = settingsFromConfig(config({ "gcp-billing:credentials": "/home/me/adc.json" }));
    const { names: fileNames, ...fromFile } = file.client.credentials ?? {};
    assert.deepEqual(fromFile, { credentialsFile: "/home/me/adc.json" });
    // sdk errors about these values then name the config key the user set, not an sdk option.
    assert.equal(names?.credentialsJson, "gcp-billing:credentials");
    assert.equal(fileNames?.credentialsFile, "gcp-billing:credentials");
  });

  test("impersonateServiceAccount and the STS / IAM Credentials endpoints map onto sdk options", () => {
    const settings = settingsFromConfig(
      config({
        "gcp-billing:impersonateServiceAccount": "deployer@p.iam.gserviceaccount.com",
        "gcp-billing:stsTokenUrl": "http://127.0.0.1:1/v1/token",
        "gcp-billing:iamCredentialsEndpoint": "http://127.0.0.1:1/",
      }),
    );
    const { names, ...explicit } = settings.client.credentials ?? {};
    // Impersonation alone is not a credential: the sdk still resolves one from the environment under it.
    assert.deepEqual(explicit, { impersonateServiceAccount: "deployer@p.iam.gserviceaccount.com" });
    assert.equal(names?.impersonateServiceAccount, "gcp-billing:impersonateServiceAccount");
    assert.deepEqual(settings.client.endpoints, {
      stsTokenUrl: "http://127.0.0.1:1/v1/token",
      iamCredentialsUrl: "http://127.0.0.1:1/",
    });
    assert.throws(
      () => settingsFromConfig(config({ "gcp-billing:stsTokenUrl": "sts" })),
      /gcp-billing:stsTokenUrl must be an absolute http\(s\) URL/,
    );
  });

  test("a service account key as plain config is refused, never echoed, and told to prefer federation", () => {
    const privateKey = `-----BEGIN PRIVATE KEY-----\nunit-${Math.random()}\n-----END PRIVATE KEY-----\n`;
    const key = JSON.stringify({
      type: "service_account",
      client_email: "a@p.iam.gserviceaccount.com",
      private_key: privateKey,
    });
    const values: Record<string, string> = { "gcp-billing:credentials": key };
    const problems = plaintextSecretProblems(
      (k) => values[k],
      () => false,
    );
    assert.equal(problems.length, 1);
    assert.match(problems[0], /gcp-billing:credentials holds the credentials JSON in plain text/);
    assert.match(
      problems[0],
      /service account key, a long-lived secret: prefer workload identity federation/,
    );
    assert.equal(problems.join("\n").includes(privateKey.split("\n")[1]), false);
    assert.deepEqual(
      plaintextSecretProblems(
        (k) => values[k],
        () => true,
      ),
      [],
      "as a secret it is accepted",
    );
    assert.deepEqual(
      plaintextSecretProblems(
        (k) => ({ "gcp-billing:impersonateServiceAccount": "a@p.iam.gserviceaccount.com" })[k],
        () => false,
      ),
      [],
      "the service account to impersonate is not a secret",
    );
  });

  test("request and operation timeouts set the sdk's retry policy; bad values name the key", () => {
    const set = settingsFromConfig(
      config({ "gcp-billing:requestTimeoutSeconds": "2.5", "gcp-billing:operationTimeoutSeconds": "20" }),
    );
    assert.deepEqual(set.client.retry, { attemptTimeoutMs: 2500, deadlineMs: 20_000 });
    assert.equal(settingsFromConfig(config({})).client.retry, undefined);
    assert.throws(
      () => settingsFromConfig(config({ "gcp-billing:requestTimeoutSeconds": "0" })),
      /gcp-billing:requestTimeoutSeconds must be a positive number of seconds, at least 0\.001 and at most 2147483, got "0"/,
    );
    // Positive, but 0 ms once rounded, or past what a timer holds: either would make Node fire at 1 ms.
    for (const [key, value] of [
      ["requestTimeoutSeconds", "0.0001"],
      ["operationTimeoutSeconds", "3000000"],
      ["requestTimeoutSeconds", "1e10"],
    ])
      assert.throws(
        () => settingsFromConfig(config({ [`gcp-billing:${key}`]: value })),
        new RegExp(`gcp-billing:${key} must be a positive number of seconds.*got "${value}"`),
      );
    const widest = settingsFromConfig(
      config({
        "gcp-billing:requestTimeoutSeconds": "0.001",
        "gcp-billing:operationTimeoutSeconds": "2147483",
      }),
    );
    assert.deepEqual(widest.client.retry, { attemptTimeoutMs: 1, deadlineMs: 2_147_483_000 });
  });

  test("quotaProject takes a project ID or number; anything else names the key", () => {
    for (const good of ["my-project-123", "123456789012", "example.com:my-project"])
      assert.equal(
        settingsFromConfig(config({ "gcp-billing:quotaProject": good })).client.quotaProject,
        good,
      );
    for (const bad of ["projects/my-project", "My Project", "my-project\nX-Other: 1", "x".repeat(100)])
      assert.throws(
        () => settingsFromConfig(config({ "gcp-billing:quotaProject": bad })),
        /gcp-billing:quotaProject must be a project ID or number/,
      );
  });

  test("every invalid value is reported at once, each naming its key", () => {
    assert.throws(
      () =>
        settingsFromConfig(
          config({
            "gcp-billing:requestsPerMinute": "fast",
            "gcp-billing:preflight": "maybe",
            "gcp-billing:apiEndpoint": "cloudbilling.googleapis.com",
          }),
        ),
      (err: unknown) => {
        assert.ok(err instanceof Error);
        assert.match(err.message, /gcp-billing:requestsPerMinute must be a positive number/);
        assert.match(err.message, /gcp-billing:preflight must be "true" or "false", got "maybe"/);
        assert.match(err.message, /gcp-billing:apiEndpoint must be an absolute http\(s\) URL/);
        return true;
      },
    );
  });

  test("requestsPerMinute sets the client-side rate; a bad value names the key", () => {
    assert.equal(settingsFromConfig(config({})).client.rateLimit, undefined);
    const raised = settingsFromConfig(config({ "gcp-billing:requestsPerMinute": "975" }));
    assert.deepEqual(raised.client.rateLimit, { requestsPerMinute: 975 });
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

describe("the runtime module, as serialized shims call it", () => {
  test("configure takes the request (current shims) or the bare config (shims serialized by 0.1)", async () => {
    const { provider } = await import("../../provider/src/projectBillingLinkProvider");
    const bad = { get: (key: string) => (key === "gcp-billing:preflight" ? "maybe" : undefined) };
    await assert.rejects(provider.configure({ config: bad } as never), /gcp-billing:preflight/);
    await assert.rejects(provider.configure(bad as never), /gcp-billing:preflight/);
    await provider.configure({ get: () => undefined } as never);
  });
});
