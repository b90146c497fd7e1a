#!/usr/bin/env node
// Runs a TypeScript entry point through ts-node so `npm run emulator` works straight after `npm ci`,
// without a build step. Usage: node scripts/run-ts.js <file.ts> [args...]
"use strict";
const path = require("node:path");
const { runNodeInForeground } = require("./runNodeInForeground");

const [entry, ...args] = process.argv.slice(2);
const root = path.resolve(__dirname, "..");
// A child process, not spawnSync: a blocked launcher could not pass SIGTERM on to the server.
runNodeInForeground(["-r", path.join(__dirname, "register-ts.js"), path.resolve(root, entry), ...args], {
  cwd: process.cwd(),
});
