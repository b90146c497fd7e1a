// `npm run emulator` as an operator runs it: npm → sh → scripts/run-ts.js (the launcher) → node running
// emulator/src/cli.ts. Stopping any of them by its PID must stop the server and leave no process behind.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { it } from "@jest/globals";
import { setTimeout as sleep } from "node:timers/promises";
import { describeUnless } from "../support/skipUnless";
import { descendantsOf, isRunning, parentOf } from "./helpers/processTree";

const ROOT = path.resolve(__dirname, "..", "..");
const URL_LINE = /Cloud Billing API root: (http:\/\/127\.0\.0\.1:[0-9]+)\//;
const WAIT_MS = 20_000;

interface Started {
  child: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `command`, waits for the emulator to print where it listens. */
async function startEmulatorProcess(command: string, args: string[]): Promise<Started> {
  const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no URL within ${WAIT_MS} ms:\n${output}`));
    }, WAIT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = URL_LINE.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", () => reject(new Error(`exited before listening:\n${output}`)));
  });
  return { child, url, exited };
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/__emulator/health`);
    return res.ok;
  } catch {
    return false;
  }
}

/** Waits until the port refuses connections and none of `pids` is running; fails with what is left. */
async function expectStopped(url: string, pids: number[]): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const listening = await answers(url);
    const alive = pids.filter(isRunning);
    if (!listening && alive.length === 0) return;
    if (Date.now() > deadline)
      assert.fail(`after ${WAIT_MS} ms: port answering=${listening}, still running=${alive.join(",")}`);
    await sleep(100);
  }
}

function launcher(): Promise<Started> {
  return startEmulatorProcess(process.execPath, ["scripts/run-ts.js", "emulator/src/cli.ts", "--port", "0"]);
}

/**
 * Runs one scenario on a freshly started process tree. Whatever the outcome, nothing outlives the test:
 * leftovers would keep this file's pipes open and the test runner waiting.
 */
async function scenario(
  start: () => Promise<Started>,
  body: (started: Started, tree: number[]) => Promise<void>,
): Promise<void> {
  const started = await start();
  const tree = descendantsOf(started.child.pid as number);
  try {
    await body(started, tree);
  } finally {
    for (const pid of [started.child.pid as number, ...tree].filter(isRunning)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Exited between the check and the kill.
      }
    }
    started.child.stdout?.destroy();
    started.child.stderr?.destroy();
  }
}

describeUnless(process.platform !== "linux" && "reads /proc")("stopping the emulator by PID", () => {
  it("SIGTERM to `npm run emulator` stops the server and every process under npm", () =>
    scenario(
      () => startEmulatorProcess("npm", ["run", "emulator", "--", "--port", "0"]),
      async ({ child, url, exited }, tree) => {
        assert.ok(await answers(url));
        assert.ok(tree.length >= 2, `expected sh, the launcher and node under npm, got ${tree.join(",")}`);
        child.kill("SIGTERM");
        await exited;
        await expectStopped(url, tree);
      },
    ));

  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    it(`${signal} to the launcher stops the server, which exits cleanly, and the launcher exits with its status`, () =>
      scenario(launcher, async ({ child, url, exited }, tree) => {
        assert.ok(tree.length >= 1);
        child.kill(signal);
        assert.deepEqual(await exited, { code: 0, signal: null });
        await expectStopped(url, tree);
      }));
  }

  it("SIGKILL to the launcher: the server notices its parent is gone and stops", () =>
    scenario(launcher, async ({ child, url, exited }, tree) => {
      child.kill("SIGKILL");
      assert.deepEqual(await exited, { code: null, signal: "SIGKILL" });
      await expectStopped(url, tree);
    }));

  it("the launcher ends the way the server ended: killed by SIGKILL → the launcher reports SIGKILL", () =>
    scenario(launcher, async ({ child, url, exited }, tree) => {
      const server = tree.find((pid) => parentOf(pid) === child.pid);
      assert.ok(server, "the launcher has a child process");
      process.kill(server, "SIGKILL");
      assert.deepEqual(await exited, { code: null, signal: "SIGKILL" });
      await expectStopped(url, tree);
    }));
});
