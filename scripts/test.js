#!/usr/bin/env node
"use strict";
// `npm test [-- suite...]`: installs what is missing, type-checks and builds, makes the pinned Pulumi
// engine available (for the e2e suite), then runs the suites with Node's test runner.
// Suites: unit, conformance, integration, browser, e2e (default: all, in that order).
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { ROOT, ensureNodeModules, build, offlineEnv } = require("./bootstrap");

const ALL_SUITES = ["unit", "conformance", "integration", "browser", "e2e"];

function testFiles(suite) {
  const dir = path.join(ROOT, "tests", suite);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .filter((f) => String(f).endsWith(".test.ts"))
    .map((f) => path.join(dir, String(f)))
    .sort();
}

function main() {
  const requested = process.argv.slice(2);
  const suites = requested.length ? requested : ALL_SUITES;
  for (const s of suites) {
    if (!ALL_SUITES.includes(s))
      throw new Error(`unknown suite "${s}"; expected one of ${ALL_SUITES.join(", ")}`);
  }
  ensureNodeModules();
  build();
  const env = offlineEnv();
  if (suites.includes("e2e")) {
    const { ensureEngine } = require("./engine");
    env.GCP_BILLING_LINK_PULUMI_ROOT = ensureEngine().root;
  }
  const files = suites.flatMap(testFiles);
  if (files.length === 0) throw new Error(`no test files found for suites: ${suites.join(", ")}`);
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "--test", "--test-concurrency=2", ...files],
    {
      stdio: "inherit",
      cwd: ROOT,
      env,
    },
  );
  process.exit(result.status ?? 1);
}

try {
  main();
} catch (err) {
  console.error(`npm test: ${err.message}`);
  process.exit(1);
}
