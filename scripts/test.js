#!/usr/bin/env node
"use strict";
// `npm test [-- suite...] [-- jest options]`: installs what is missing, type-checks and builds, makes the
// pinned Pulumi engine available (for the e2e suite), then runs the suites with jest (jest.config.ts).
// Suites: unit, conformance, integration, browser, e2e, reliability (default: all). Anything after the suite names goes
// to jest unchanged, e.g. `npm test -- unit -t "parses"`.
// The last line printed is jest's own count, `N passed, N failed[, N skipped]`, which CI reports.
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { ROOT, ensureNodeModules, typeCheck, build, offlineEnv } = require("./bootstrap");
const { summaryLine } = require("./testSummary");

const ALL_SUITES = ["unit", "conformance", "integration", "browser", "e2e", "reliability"];
const RESULTS_FILE = path.join(ROOT, "test-artifacts", "jest-results.json");

function parseArgs(argv) {
  const firstOption = argv.findIndex((a) => a.startsWith("-"));
  const suites = firstOption === -1 ? argv : argv.slice(0, firstOption);
  const jestArgs = firstOption === -1 ? [] : argv.slice(firstOption);
  for (const s of suites) {
    if (!ALL_SUITES.includes(s))
      throw new Error(`unknown suite "${s}"; expected one of ${ALL_SUITES.join(", ")}`);
  }
  return { suites: suites.length ? suites : ALL_SUITES, jestArgs };
}

function main() {
  const { suites, jestArgs } = parseArgs(process.argv.slice(2));
  ensureNodeModules();
  typeCheck();
  build();
  const env = offlineEnv();
  if (suites.includes("e2e") || suites.includes("reliability")) {
    const { ensureEngine } = require("./engine");
    env.GCP_BILLING_LINK_PULUMI_ROOT = ensureEngine().root;
  }
  fs.rmSync(RESULTS_FILE, { force: true });
  const jest = path.join(ROOT, "node_modules", "jest", "bin", "jest.js");
  const result = spawnSync(
    process.execPath,
    [jest, "--selectProjects", ...suites, "--json", `--outputFile=${RESULTS_FILE}`, ...jestArgs],
    { stdio: "inherit", cwd: ROOT, env },
  );
  if (result.error) throw result.error;
  if (!fs.existsSync(RESULTS_FILE)) {
    throw new Error(`jest exited with ${result.status ?? result.signal} and wrote no results`);
  }
  const summary = summaryLine(JSON.parse(fs.readFileSync(RESULTS_FILE, "utf8")));
  for (const problem of summary.problems) console.error(`npm test: ${problem}`);
  console.log(summary.line);
  process.exit(result.status === 0 && summary.problems.length === 0 ? 0 : 1);
}

try {
  main();
} catch (err) {
  console.error(`npm test: ${err.message}`);
  process.exit(1);
}
