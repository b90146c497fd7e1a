#!/usr/bin/env node
"use strict";
// `npm run demo`: a short, runnable tutorial. It starts the embedded emulator, links three projects with
// `pulumi up` of the root program, shows that a second `up` changes nothing, relinks a project "by hand"
// through the real API, shows the scheduled drift check failing, repairs the drift, and cleans up.
const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { ROOT, ensureNodeModules, build } = require("./bootstrap");

const STACK = "demo";
const ALICE = {
  type: "authorized_user",
  client_id: "gcp-billing-link-demo.apps.googleusercontent.com",
  client_secret: "demo-client-secret-not-a-real-secret",
  refresh_token: "emu-rt-alice-cloud-billing",
};
const ADMIN_REFRESH_TOKEN = "emu-rt-admin-cloud-platform";
const MAIN = "01A2B3-C4D5E6-F7A8B9";
const SANDBOX = "0B1C2D-3E4F5A-6B7C8D";

let stepNumber = 0;
function step(title, ...explanation) {
  stepNumber += 1;
  console.log(`\n━━ Step ${stepNumber}: ${title}`);
  for (const line of explanation) console.log(`   ${line}`);
  console.log("");
}

function main() {
  step(
    "Bootstrap",
    "Installing npm dependencies if needed, building the gcp-billing-link package that the program imports,",
    "and locating the pinned Pulumi engine (built from the Go module proxy the first time, about 4 minutes;",
    "cached afterwards). The program itself, program/index.ts, is TypeScript that Pulumi runs through ts-node.",
  );
  ensureNodeModules();
  build();
  const { ensureEngine } = require("./engine");
  const { localStackEnv } = require("./pulumi");
  const engine = ensureEngine();
  console.log(`   Pulumi ${engine.version} at ${engine.pulumi} (${engine.source})`);

  const stateDir = process.env.GCP_BILLING_LINK_STATE_DIR || path.join(ROOT, ".pulumi-state");
  const env = localStackEnv(engine.binDir);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];

  /**
   * Runs the pinned CLI on the demo stack; resolves to the exit code. Asynchronous on purpose: the emulator
   * serves from this process's event loop, which a synchronous spawn would block.
   */
  const pulumi = async (args, { allowFailure = false } = {}) => {
    console.log(`$ pulumi ${args.join(" ")}`);
    const child = spawn(engine.pulumi, [...args, "--stack", STACK, "--non-interactive"], {
      cwd: ROOT,
      env,
      stdio: "inherit",
    });
    const status = await new Promise((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (code, signal) => resolve(code ?? signal));
    });
    if (status !== 0 && !allowFailure) throw new Error(`pulumi ${args.join(" ")} exited with ${status}`);
    return status;
  };
  const pulumiQuiet = (args) => spawnSync(engine.pulumi, args, { cwd: ROOT, env, encoding: "utf8" });

  return runTutorial({ stateDir, pulumi, pulumiQuiet });
}

async function runTutorial({ stateDir, pulumi, pulumiQuiet }) {
  const { startEmulator } = require("../dist/emulator/src");
  const { CloudBillingClient } = require("../dist/sdk/src");

  step(
    "Start the emulator",
    "A local Cloud Billing API + Google OAuth server with a default seed: projects, billing accounts,",
    "and users. Pointed at Google's endpoints instead, everything below works unchanged.",
  );
  const emulator = await startEmulator({ port: 0 });
  console.log(`   Cloud Billing API: ${emulator.apiRoot}`);
  console.log(`   OAuth token URL:   ${emulator.oauth.tokenUrl}`);
  try {
    const demoDir = path.join(stateDir, "demo");
    fs.mkdirSync(demoDir, { recursive: true });
    const credentialsFile = path.join(demoDir, "alice-credentials.json");
    fs.writeFileSync(credentialsFile, JSON.stringify(ALICE, null, 2), { mode: 0o600 });
    fs.chmodSync(credentialsFile, 0o600);

    step(
      "Create the demo stack and its config",
      "Credentials: the path of an authorized_user file for alice@example.com (what `gcp-billing-link login`",
      "or gcloud writes). Only the path goes into stack config, so no secret ever lands in Pulumi state.",
      "Links: billing-links:links maps project IDs to billing accounts; an empty value uses the default.",
    );
    if (pulumiQuiet(["stack", "select", STACK]).status === 0) {
      // The emulator starts fresh every run, so yesterday's demo stack describes a world that is gone.
      pulumiQuiet(["stack", "rm", STACK, "--force", "--yes"]);
    }
    // A run that failed half-way may have left the demo stack's config file behind: start clean.
    fs.rmSync(path.join(ROOT, `Pulumi.${STACK}.yaml`), { force: true });
    await pulumi(["stack", "init"]);
    await pulumi(["config", "set", "gcp-billing:apiEndpoint", emulator.apiRoot]);
    // The key name contains "Token", so the CLI asks whether the value is a secret; a URL is not.
    await pulumi(["config", "set", "--plaintext", "gcp-billing:oauthTokenUrl", emulator.oauth.tokenUrl]);
    await pulumi(["config", "set", "gcp-billing:credentials", credentialsFile]);
    await pulumi(["config", "set", "billing-links:defaultBillingAccount", MAIN]);
    await pulumi(["config", "set", "--path", "links.demo-app-prod", ""]);
    await pulumi(["config", "set", "--path", "links.demo-app-staging", `billingAccounts/${MAIN}`]);
    await pulumi(["config", "set", "--path", "links.demo-data", SANDBOX]);

    step(
      "pulumi up: make the links true",
      "demo-app-prod and demo-app-staging are unlinked and get linked; demo-data is already on the",
      "sandbox account, so it is adopted without a write. The output says which, per link, and what",
      "destroy will later do to each.",
    );
    await pulumi(["up", "--yes"]);

    step(
      "pulumi up again: nothing to do",
      "A second run proposes no changes (--expect-no-changes would fail otherwise).",
    );
    await pulumi(["up", "--yes", "--expect-no-changes"]);

    step(
      "Someone relinks a project by hand",
      `An admin moves demo-app-prod to the sandbox account (${SANDBOX}) through the Cloud Billing API,`,
      "as a click in the Cloud console would.",
    );
    const admin = new CloudBillingClient({
      credentials: {
        refreshToken: ADMIN_REFRESH_TOKEN,
        clientId: ALICE.client_id,
        clientSecret: ALICE.client_secret,
      },
      endpoints: { apiRoot: emulator.apiRoot, tokenUrl: emulator.oauth.tokenUrl },
      env: {},
    });
    const moved = await admin.updateProjectBillingInfo("demo-app-prod", SANDBOX);
    console.log(`   demo-app-prod is now linked to ${moved.billingAccountName}`);

    step(
      "The scheduled drift check fails loudly",
      "`pulumi preview --refresh --expect-no-changes` reads every link, sees the drift, and exits non-zero",
      "(exit code 7), which fails the pipeline that runs it. It writes nothing.",
    );
    const code = await pulumi(["preview", "--refresh", "--expect-no-changes", "--diff"], {
      allowFailure: true,
    });
    if (code === 0)
      throw new Error("the drift check passed, but demo-app-prod was relinked: drift went unnoticed");
    console.log(`\n   → the drift check exited with ${code}: drift detected.`);

    step("pulumi up --refresh: repair the drift", "The link is put back to what the program declares.");
    await pulumi(["up", "--refresh", "--yes"]);
    await pulumi(["preview", "--refresh", "--expect-no-changes"]);
    const repaired = await admin.getProjectBillingInfo("demo-app-prod");
    console.log(`\n   demo-app-prod is linked to ${repaired.billingAccountName} again.`);

    step(
      "pulumi destroy: undo exactly what the stack did",
      'With the default deletionPolicy "restore", the projects this stack linked are unlinked again, and',
      "demo-data, which it only adopted, keeps its billing: destroy never disables billing the stack did",
      'not enable. (deletionPolicy "unlink" would unlink it too; "abandon" leaves every link in place.)',
    );
    await pulumi(["destroy", "--yes"]);
    for (const projectId of ["demo-app-prod", "demo-app-staging", "demo-data"]) {
      const after = await admin.getProjectBillingInfo(projectId);
      console.log(`   ${projectId}: ${after.billingAccountName || "no billing account"}`);
    }
    await pulumi(["stack", "rm", "--yes"]);
  } finally {
    await emulator.stop();
  }

  console.log(`
━━ Done
   Explore on your own:
     npm run emulator -- --port 8085 --state .pulumi-state/emulator.json   # a persistent emulator
     npm run pulumi -- stack init mine                                    # then set config as above
   See README.md for using real Google credentials instead.`);
}

Promise.resolve()
  .then(main)
  .catch((err) => {
    console.error(`\ndemo failed: ${err.message}`);
    process.exit(1);
  });
