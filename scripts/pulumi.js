#!/usr/bin/env node
"use strict";
// `npm run pulumi -- <args>`: runs the pinned Pulumi CLI against this project's local state.
// State lives in .pulumi-state/ (git-ignored); nothing talks to the Pulumi Cloud or downloads plugins.
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { ensureEngine, engineEnv } = require("./engine");

const ROOT = path.resolve(__dirname, "..");

/** The passphrase for local demo stacks. It protects nothing of value: demo secrets are emulator fakes. */
const DEMO_PASSPHRASE = "gcp-billing-link-local-demo";

/** Environment for running the CLI against the project-local file backend. */
function localStackEnv(binDir, extra = {}) {
  // GCP_BILLING_LINK_STATE_DIR lets a test run the demo without touching the developer's .pulumi-state.
  const stateDir = process.env.GCP_BILLING_LINK_STATE_DIR || path.join(ROOT, ".pulumi-state");
  fs.mkdirSync(path.join(stateDir, "backend"), { recursive: true });
  fs.mkdirSync(path.join(stateDir, "home"), { recursive: true });
  return engineEnv(binDir, {
    PULUMI_HOME: path.join(stateDir, "home"),
    PULUMI_BACKEND_URL: `file://${path.join(stateDir, "backend")}`,
    PULUMI_CONFIG_PASSPHRASE:
      process.env.PULUMI_CONFIG_PASSPHRASE ??
      (process.env.PULUMI_CONFIG_PASSPHRASE_FILE ? undefined : DEMO_PASSPHRASE),
    ...extra,
  });
}

module.exports = { localStackEnv, DEMO_PASSPHRASE, ROOT };

if (require.main === module) {
  try {
    const engine = ensureEngine();
    const env = localStackEnv(engine.binDir);
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
    const result = spawnSync(engine.pulumi, process.argv.slice(2), {
      stdio: "inherit",
      cwd: process.cwd(),
      env,
    });
    process.exit(result.status ?? 1);
  } catch (err) {
    console.error(`pulumi: ${err.message}`);
    process.exit(1);
  }
}
