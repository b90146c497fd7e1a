// The programs in examples/ under the real engine against the emulator: each one is run as a user would
// (`up`, a no-change `preview`, `destroy`) and the emulator's live links are checked after every step.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, test } from "@jest/globals";
import { CommandError } from "@pulumi/pulumi/automation";
import { CONFIG_KEYS } from "../../provider/src";
import {
  ACCOUNTS,
  ALICE_REFRESH_TOKEN,
  authorizedUserJson,
  createBillingStack,
  DEMO_CLIENT_SECRET,
  providerCalls,
  type BillingStack,
} from "../support/billingStack";

const EXAMPLES = path.join(__dirname, "..", "..", "examples");

// The emulator's stand-in for gcloud's ADC OAuth client: its tokens need a quota project, as on Google.
const ADC_CLIENT_ID = "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com";
const ADC_CLIENT_SECRET = "gcloud-adc-secret-not-a-real-secret";
const ALICE_ADC_REFRESH_TOKEN = "emu-rt-alice-adc";

// The suite type-checks every example first (against the published types in exampleTypes.test.ts, and in
// `npm test`'s tsc), so the engine runs here transpile only: the setup docs/typescript-programs.md
// recommends for CI. The type-checking default is what the demo, rootProgram and typescriptRuntime run.
const EXAMPLE_ENV = { PULUMI_NODEJS_TRANSPILE_ONLY: "true" };

function outputValues(outputs: Record<string, { value: unknown }>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value]));
}

test("every example is a TypeScript project as `pulumi new typescript` makes it, with a README the index lists", () => {
  const index = fs.readFileSync(path.join(EXAMPLES, "README.md"), "utf8");
  for (const name of ["single-link", "multi-project", "stack-config-credentials"]) {
    for (const file of ["Pulumi.yaml", "package.json", "tsconfig.json", "index.ts", "README.md"]) {
      assert.ok(fs.existsSync(path.join(EXAMPLES, name, file)), `examples/${name}/${file} is missing`);
    }
    assert.equal(fs.existsSync(path.join(EXAMPLES, name, "index.js")), false, `examples/${name}/index.js`);
    assert.ok(index.includes(`(${name}/)`), `examples/README.md does not link ${name}/`);
    const project = fs.readFileSync(path.join(EXAMPLES, name, "Pulumi.yaml"), "utf8");
    assert.match(project, new RegExp(`^name: ${name}$`, "m"));
    // The nodejs runtime with TypeScript on and the default main: Pulumi runs index.ts through ts-node.
    assert.match(project, /^runtime:\n {2}name: nodejs\n {2}options:\n(?: {4}#.*\n)* {4}typescript: true$/m);
    assert.doesNotMatch(project, /^main:/m);
    const manifest = JSON.parse(fs.readFileSync(path.join(EXAMPLES, name, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    assert.deepEqual(Object.keys(manifest.dependencies ?? {}).sort(), ["@pulumi/pulumi", "gcp-billing-link"]);
    for (const tool of ["ts-node", "typescript"])
      assert.ok(manifest.devDependencies?.[tool], `${name}: ${tool}`);
  }
});

test("the stack-config-credentials README lists every gcp-billing:* key", () => {
  const readme = fs.readFileSync(path.join(EXAMPLES, "stack-config-credentials", "README.md"), "utf8");
  const listed = [...readme.matchAll(/^\| `gcp-billing:(\w+)`/gm)].map((m) => m[1]);
  assert.deepEqual(listed.sort(), Object.keys(CONFIG_KEYS).sort());
});

describe("examples/single-link", () => {
  let env: BillingStack;
  beforeAll(async () => {
    env = await createBillingStack({
      workDir: path.join(EXAMPLES, "single-link"),
      envVars: EXAMPLE_ENV,
      config: {
        "single-link:projectId": { value: "demo-app-staging" },
        "single-link:billingAccount": { value: "0B1C2D-3E4F5A-6B7C8D" },
      },
    });
  });
  afterAll(() => env.cleanup());

  test("up links the project and exports its outputs", async () => {
    assert.equal(await env.liveAccount("demo-app-staging"), "");
    env.emulator.clearLog();
    const up = await env.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { create: 2 });
    assert.deepEqual(outputValues(up.outputs), {
      projectId: "demo-app-staging",
      billingAccount: ACCOUNTS.sandbox,
      billingEnabled: true,
      previousBillingAccount: "",
    });
    assert.equal(await env.liveAccount("demo-app-staging"), ACCOUNTS.sandbox);
    assert.equal(providerCalls(env.emulator)["projects.updateBillingInfo"], 1);
  });

  test("a second preview expects no changes", async () => {
    const preview = await env.stack.preview({ expectNoChanges: true, refresh: true });
    assert.deepEqual(preview.changeSummary, { same: 2 });
  });

  test("destroy unlinks it again", async () => {
    const destroy = await env.stack.destroy();
    assert.deepEqual(destroy.summary.resourceChanges, { delete: 2 });
    assert.equal(await env.liveAccount("demo-app-staging"), "");
  });
});

describe("examples/multi-project", () => {
  let env: BillingStack;
  beforeAll(async () => {
    env = await createBillingStack({
      workDir: path.join(EXAMPLES, "multi-project"),
      envVars: EXAMPLE_ENV,
      config: { "multi-project:defaultBillingAccount": { value: "01A2B3-C4D5E6-F7A8B9" } },
    });
  });
  afterAll(() => env.cleanup());

  test("a config mistake fails preview with a message naming the key", async () => {
    await env.stack.setConfig("multi-project:projects", {
      value: JSON.stringify({ "demo-app-prod": { deletionPolicy: "keep" } }),
    });
    await assert.rejects(env.stack.preview(), (err: unknown) => {
      assert.ok(err instanceof CommandError);
      assert.match(
        String(err),
        /multi-project:projects\.demo-app-prod\.deletionPolicy must be one of unlink, abandon, restore/,
      );
      return true;
    });
    assert.equal(await env.liveAccount("demo-app-prod"), "");
  });

  test("up links every project: the default account, an explicit one, and a takeover", async () => {
    await env.stack.setConfig("multi-project:projects", {
      value: JSON.stringify({
        "demo-app-prod": null,
        "demo-app-staging": {
          billingAccount: "billingAccounts/0B1C2D-3E4F5A-6B7C8D",
          deletionPolicy: "abandon",
        },
        "demo-data": { deletionPolicy: "restore" },
        "sandbox-one": "0B1C2D-3E4F5A-6B7C8D",
      }),
    });
    assert.equal(await env.liveAccount("demo-data"), ACCOUNTS.sandbox);
    const up = await env.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { create: 5 });
    assert.deepEqual(outputValues(up.outputs), {
      links: {
        "demo-app-prod": {
          billingAccount: ACCOUNTS.main,
          billingEnabled: true,
          previousBillingAccount: "",
          deletionPolicy: "restore", // none declared: the default
        },
        "demo-app-staging": {
          billingAccount: ACCOUNTS.sandbox,
          billingEnabled: true,
          previousBillingAccount: "",
          deletionPolicy: "abandon",
        },
        "demo-data": {
          billingAccount: ACCOUNTS.main,
          billingEnabled: true,
          previousBillingAccount: ACCOUNTS.sandbox,
          deletionPolicy: "restore",
        },
        "sandbox-one": {
          billingAccount: ACCOUNTS.sandbox,
          billingEnabled: true,
          previousBillingAccount: "",
          deletionPolicy: "restore", // none declared: the default
        },
      },
      projectsByAccount: {
        [ACCOUNTS.main]: ["demo-app-prod", "demo-data"],
        [ACCOUNTS.sandbox]: ["demo-app-staging", "sandbox-one"],
      },
      linkedProjectCount: 4,
    });
    assert.equal(await env.liveAccount("demo-app-prod"), ACCOUNTS.main);
    assert.equal(await env.liveAccount("demo-app-staging"), ACCOUNTS.sandbox);
    assert.equal(await env.liveAccount("demo-data"), ACCOUNTS.main);
    assert.equal(await env.liveAccount("sandbox-one"), ACCOUNTS.sandbox);
  });

  test("a second preview expects no changes", async () => {
    const preview = await env.stack.preview({ expectNoChanges: true, refresh: true });
    assert.deepEqual(preview.changeSummary, { same: 5 });
  });

  test("removing one project from the map releases only that project (restore: it had no account)", async () => {
    const projects = JSON.parse((await env.stack.getConfig("multi-project:projects")).value) as Record<
      string,
      unknown
    >;
    delete projects["sandbox-one"];
    await env.stack.setConfig("multi-project:projects", { value: JSON.stringify(projects) });
    const up = await env.stack.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 4, delete: 1 });
    assert.equal(await env.liveAccount("sandbox-one"), "");
    assert.equal(up.outputs.linkedProjectCount.value, 3);
  });

  test("destroy honours each project's deletionPolicy", async () => {
    const destroy = await env.stack.destroy();
    assert.deepEqual(destroy.summary.resourceChanges, { delete: 4 });
    assert.equal(await env.liveAccount("demo-app-prod"), "", "restore, from no account");
    assert.equal(await env.liveAccount("demo-app-staging"), ACCOUNTS.sandbox, "abandon");
    assert.equal(await env.liveAccount("demo-data"), ACCOUNTS.sandbox, "restore");
  });
});

describe("examples/stack-config-credentials", () => {
  let env: BillingStack;
  let credentialsFile: string;
  beforeAll(async () => {
    env = await createBillingStack({
      workDir: path.join(EXAMPLES, "stack-config-credentials"),
      envVars: EXAMPLE_ENV,
      credentials: "none",
      config: {
        "stack-config-credentials:projectId": { value: "sandbox-one" },
        "stack-config-credentials:billingAccount": { value: "01A2B3-C4D5E6-F7A8B9" },
      },
    });
    // What `gcloud auth application-default login` writes: its tokens need a quota project.
    credentialsFile = path.join(env.stateDir, "application_default_credentials.json");
    fs.writeFileSync(
      credentialsFile,
      JSON.stringify({
        type: "authorized_user",
        client_id: ADC_CLIENT_ID,
        client_secret: ADC_CLIENT_SECRET,
        refresh_token: ALICE_ADC_REFRESH_TOKEN,
      }),
      { mode: 0o600 },
    );
    await env.stack.setConfig("gcp-billing:credentials", { value: credentialsFile });
  });
  afterAll(() => env.cleanup());

  test("without gcp-billing:quotaProject, gcloud-client credentials fail at preview", async () => {
    await assert.rejects(env.stack.preview(), (err: unknown) => {
      assert.ok(err instanceof CommandError);
      assert.match(String(err), /SERVICE_DISABLED/);
      assert.match(String(err), /These user credentials need a quota project/);
      return true;
    });
    assert.equal(await env.liveAccount("sandbox-one"), "");
  });

  test("with gcp-billing:quotaProject, up links the project and reports the source, not the secret", async () => {
    await env.stack.setConfig("gcp-billing:quotaProject", { value: "quota-home" });
    let output = "";
    const up = await env.stack.up({ onOutput: (text) => (output += text) });
    assert.deepEqual(up.summary.resourceChanges, { create: 2 });
    assert.deepEqual(outputValues(up.outputs), {
      credentialSource: "gcp-billing:credentials (file path)",
      quotaProject: "quota-home",
      apiEndpoint: env.emulator.apiRoot,
      projectId: "sandbox-one",
      billingAccount: ACCOUNTS.main,
      billingEnabled: true,
    });
    assert.equal(await env.liveAccount("sandbox-one"), ACCOUNTS.main);
    assert.doesNotMatch(output, /inline JSON/);
    // The path form: state records the path, never what is in the file.
    const exported = JSON.stringify(await env.stack.exportStack()); // with --show-secrets
    assert.ok(exported.includes(credentialsFile));
    assert.equal(exported.includes(ALICE_ADC_REFRESH_TOKEN), false, "refresh token in state");
    assert.equal(exported.includes(ADC_CLIENT_SECRET), false, "client secret in state");
    assert.equal(output.includes(ALICE_ADC_REFRESH_TOKEN), false, "refresh token in CLI output");
  });

  test("a second preview expects no changes", async () => {
    const preview = await env.stack.preview({ expectNoChanges: true, refresh: true });
    assert.deepEqual(preview.changeSummary, { same: 2 });
  });

  test("the inline-JSON form works but lands in state, and the program warns about it", async () => {
    await env.stack.removeConfig("gcp-billing:quotaProject");
    await env.stack.setConfig("gcp-billing:credentials", {
      value: authorizedUserJson(ALICE_REFRESH_TOKEN),
      secret: true,
    });
    let output = "";
    const up = await env.stack.up({ onOutput: (text) => (output += text) });
    assert.deepEqual(up.summary.resourceChanges, { same: 2 });
    assert.equal(up.outputs.credentialSource.value, "gcp-billing:credentials (inline JSON)");
    assert.match(output, /gcp-billing:credentials holds the JSON itself/);
    assert.equal(output.includes(ALICE_REFRESH_TOKEN), false, "refresh token in CLI output");
    // The trade-off the README describes: stack config is recorded in state (encrypted; shown here
    // because exportStack passes --show-secrets).
    const exported = JSON.stringify(await env.stack.exportStack());
    assert.ok(exported.includes(ALICE_REFRESH_TOKEN));
    assert.ok(exported.includes(DEMO_CLIENT_SECRET));
  });

  test("destroy unlinks the project", async () => {
    const destroy = await env.stack.destroy();
    assert.deepEqual(destroy.summary.resourceChanges, { delete: 2 });
    assert.equal(await env.liveAccount("sandbox-one"), "");
  });
});
