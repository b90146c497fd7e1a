// SIGKILL a process and everything it started, the way a CI runner kills a job's container. Killing the
// Pulumi CLI's process group is not enough: the engine starts its language host and provider plugins in
// process groups of their own, and they would live on as orphans (still holding sockets and, for a
// provider mid-call, still writing).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";

/** `root` and all its descendants, parents first, read from `ps` at this instant. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  const table = execFileSync("ps", ["-e", "-o", "pid=,ppid="], { encoding: "utf8" });
  for (const line of table.split("\n")) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (!pid) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/**
 * SIGKILLs the whole tree. It is frozen first (SIGSTOP), so a plugin being started at that instant is
 * listed on the second look instead of escaping; a process already gone is fine.
 */
export function killProcessTree(root: number): void {
  for (const pid of processTree(root)) signal(pid, "SIGSTOP");
  for (const pid of processTree(root)) signal(pid, "SIGKILL");
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // exited between the listing and the signal
  }
}

/** Environment variable every engine process a test stack starts carries (tests/support/engine.ts). */
export const TEST_RUN_MARKER = "GCP_BILLING_LINK_TEST_RUN";

/**
 * Processes whose environment carries `TEST_RUN_MARKER=<run>` and that still run. A zombie (exited, not
 * yet reaped: this container's PID 1 reaps nobody) holds no socket and writes nothing, so it is not one.
 */
export function markedProcesses(run: string): number[] {
  const needle = Buffer.from(`\0${TEST_RUN_MARKER}=${run}\0`);
  const marked: number[] = [];
  if (!fs.existsSync("/proc")) return marked; // Linux only: elsewhere the jest time limit is the only bound
  for (const entry of fs.readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const environ = Buffer.concat([Buffer.from([0]), fs.readFileSync(`/proc/${pid}/environ`)]);
      if (environ.includes(needle) && !isZombie(pid)) marked.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return marked;
}

function isZombie(pid: number): boolean {
  // /proc/<pid>/stat is "pid (comm) state ...", and comm may itself hold spaces or parentheses.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "latin1");
  return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
}

/**
 * SIGKILLs every process whose environment carries `TEST_RUN_MARKER=<run>` (a stack's CLI, language hosts
 * and providers, orphaned or not, found even after their parent died), and waits until none still runs:
 * a SIGKILLed process lingers while the kernel tears it down. Returns how many it killed.
 */
export async function killMarkedProcesses(run: string, waitMs = 10_000): Promise<number> {
  const killed = new Set<number>();
  const deadline = Date.now() + waitMs;
  for (;;) {
    const live = markedProcesses(run);
    if (live.length === 0) return killed.size;
    if (Date.now() > deadline)
      throw new Error(`processes ${live.join(", ")} of test run ${run} outlived SIGKILL for ${waitMs} ms`);
    for (const pid of live) signal(pid, "SIGSTOP");
    for (const pid of live) {
      signal(pid, "SIGKILL");
      killed.add(pid);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
