"use strict";
// Runs a Node.js child as if it were this process, the way a shell runs a foreground job: the signals an
// operator uses to stop a program are passed on to the child, and this process ends the way the child
// ended (same exit code, or killed by the same signal). Both processes stop when whoever started them
// goes away (see stopWhenOrphaned.js).
const { spawn } = require("node:child_process");
const os = require("node:os");
const path = require("node:path");
const { setTimeout } = require("node:timers");

/** kill's default, Ctrl+C, and a closed terminal or a parent that hung up. */
const FORWARDED_SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP"];
const STOP_WHEN_ORPHANED = path.join(__dirname, "stopWhenOrphaned.js");

/** Spawns `node --require stopWhenOrphaned.js ...nodeArgs` with inherited stdio and never returns. */
function runNodeInForeground(nodeArgs, options = {}) {
  require(STOP_WHEN_ORPHANED);
  const child = spawn(process.execPath, ["--require", STOP_WHEN_ORPHANED, ...nodeArgs], {
    stdio: "inherit",
    ...options,
  });
  // Ctrl+C in a terminal reaches the child too (same process group), so it may see SIGINT twice.
  const forward = (signal) => child.kill(signal);
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);

  child.once("error", (err) => {
    console.error(`cannot start ${process.execPath}: ${err.message}`);
    process.exit(1);
  });
  child.once("exit", (code, signal) => {
    for (const s of FORWARDED_SIGNALS) process.removeListener(s, forward);
    if (signal === null) process.exit(code ?? 1);
    // Die of the same signal so our own parent sees it; the timer only matters if it is ignored here.
    setTimeout(() => process.exit(128 + (os.constants.signals[signal] ?? 0)), 1000);
    process.kill(process.pid, signal);
  });
}

module.exports = { runNodeInForeground };
