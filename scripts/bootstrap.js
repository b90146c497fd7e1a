"use strict";
// Shared bootstrap for the npm scripts: only Node built-ins here, because it runs before `npm ci`.
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: "inherit", cwd: ROOT, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} exited with ${result.status ?? result.signal}`);
  }
  return result;
}

/** Installs npm dependencies when node_modules is missing or older than package-lock.json. */
function ensureNodeModules() {
  const marker = path.join(ROOT, "node_modules", ".package-lock.json");
  const lock = path.join(ROOT, "package-lock.json");
  const stale = !fs.existsSync(marker) || fs.statSync(marker).mtimeMs < fs.statSync(lock).mtimeMs;
  if (stale) {
    console.log("[bootstrap] installing npm dependencies (npm ci)…");
    run("npm", ["ci", "--no-audit", "--no-fund"]);
  }
  ensureSelfLink();
}

/**
 * Links node_modules/gcp-billing-link to this checkout. The serialized provider loads its code by package
 * name (`require("gcp-billing-link/provider-runtime")`), exactly as it does in a user's project where the
 * package is installed; the programs inside this repository need the same name to resolve.
 */
function ensureSelfLink() {
  const link = path.join(ROOT, "node_modules", "gcp-billing-link");
  try {
    if (fs.realpathSync(link) === ROOT) return;
    fs.rmSync(link, { recursive: true, force: true });
  } catch {
    // missing: create it below
  }
  try {
    fs.symlinkSync("..", link, "dir");
  } catch (err) {
    // Another test process may have created it a moment ago; only a wrong link is a problem.
    if (err.code !== "EEXIST" || fs.realpathSync(link) !== ROOT) throw err;
  }
}

const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");

/** Type-checks everything (package, tests, programs, examples, scripts in TypeScript); emits nothing. */
function typeCheck() {
  run(process.execPath, [TSC, "-p", "tsconfig.json"]);
}

/**
 * Compiles the package (sdk, provider, emulator, cli) to dist/: what `gcp-billing-link` resolves to when a
 * program or the serialized provider loads it by name. Programs themselves are never compiled: the engine
 * runs their TypeScript through ts-node.
 */
function build() {
  run(process.execPath, [TSC, "-p", "tsconfig.build.json"]);
}

/** The environment every test and demo process gets: loopback traffic must never go through a proxy. */
function offlineEnv(extra = {}) {
  return {
    ...process.env,
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
    ...extra,
  };
}

module.exports = { ROOT, run, ensureNodeModules, ensureSelfLink, typeCheck, build, offlineEnv };
