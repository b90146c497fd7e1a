#!/usr/bin/env node
// Runs a TypeScript entry point through ts-node so `npm run emulator` works straight after `npm ci`,
// without a build step. Usage: node scripts/run-ts.js <file.ts> [args...]
"use strict";
const { spawnSync } = require("node:child_process");
const path = require("node:path");

const [entry, ...args] = process.argv.slice(2);
const root = path.resolve(__dirname, "..");
const result = spawnSync(
  process.execPath,
  ["-r", path.join(__dirname, "register-ts.js"), path.resolve(root, entry), ...args],
  { stdio: "inherit", cwd: process.cwd() },
);
process.exit(result.status ?? 1);
