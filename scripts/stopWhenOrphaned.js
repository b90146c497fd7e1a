"use strict";
// Requiring this file (`node --require`, like a `…/register` module) makes the process send itself
// SIGTERM once the process that started it is gone, so its own SIGTERM handling runs. Linux has no
// portable "die with my parent" for Node, so it polls: an orphan is re-parented to init or a subreaper,
// which changes process.ppid. Elsewhere (Windows keeps the old ppid) it never fires.
//
// Why: `npm run emulator` is npm → sh → scripts/run-ts.js → node. On SIGTERM npm signals sh, and sh
// dies without passing it on; a launcher killed with SIGKILL cannot pass anything on either.

const { setInterval, clearInterval } = require("node:timers");

const POLL_INTERVAL_MS = 250;
const startedBy = process.ppid;

// Started directly by init (pid 1): there is no parent whose death we could notice.
if (startedBy > 1) {
  const timer = setInterval(() => {
    if (process.ppid === startedBy) return;
    clearInterval(timer);
    process.kill(process.pid, "SIGTERM");
  }, POLL_INTERVAL_MS);
  // Never the reason the process stays alive.
  timer.unref();
}
