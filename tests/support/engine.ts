// Gives tests the pinned Pulumi engine and isolated, throwaway local stacks driven by the Automation API.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { assertPackageBuilt } from "./builtPackage";
import { killMarkedProcesses, TEST_RUN_MARKER } from "./processTree";

// scripts/engine.js is plain CommonJS shared with the npm scripts.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureEngine, engineEnv } = require("../../scripts/engine.js") as {
  ensureEngine(): { root: string; binDir: string; version: string };
  engineEnv(binDir: string, extra?: Record<string, string>): Record<string, string>;
};

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureSelfLink } = require("../../scripts/bootstrap.js") as { ensureSelfLink(): void };

export const TEST_PASSPHRASE = "gcp-billing-link-tests";

/**
 * The longest one engine call (an `up`, a `preview`, one CLI run) may take. Past it, every process of the
 * stack is killed and the call fails saying so: a hung engine fails its test instead of hanging the suite.
 */
export function engineCallTimeoutMs(): number {
  return Number(process.env.GCP_BILLING_LINK_ENGINE_CALL_TIMEOUT_MS ?? 300_000);
}

export interface TestStackOptions {
  /** Directory holding Pulumi.yaml (the program runs from here and resolves node_modules upwards). */
  workDir: string;
  stackName?: string;
  config?: Record<string, { value: string; secret?: boolean }>;
  envVars?: Record<string, string>;
}

export interface TestStack {
  stack: Stack;
  stateDir: string;
  engineBinDir: string;
  envVars: Record<string, string>;
  /**
   * Runs the pinned CLI on this stack, as a pipeline would, and resolves with its exit code and output
   * (the Automation API hides the exit code; drift checks are all about it).
   */
  cli(args: string[]): Promise<CliResult>;
  cleanup(): Promise<void>;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A fresh stack on a private file backend. The engine is located (or built, once per machine) by
 * scripts/engine.js; `npm test` passes its root in GCP_BILLING_LINK_PULUMI_ROOT.
 */
export async function createTestStack(options: TestStackOptions): Promise<TestStack> {
  const engine = ensureEngine();
  ensureSelfLink(); // programs load the provider by package name, as in a user's project
  assertPackageBuilt(); // …which resolves to dist/
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "gbl-stack-"));
  fs.mkdirSync(path.join(stateDir, "backend"));
  fs.mkdirSync(path.join(stateDir, "home"));
  // Marks every process this stack starts, plugins included, so they can be found and killed (processTree.ts).
  const run = path.basename(stateDir);
  const envVars = {
    ...engineEnv(engine.binDir),
    [TEST_RUN_MARKER]: run,
    PULUMI_HOME: path.join(stateDir, "home"),
    PULUMI_BACKEND_URL: `file://${path.join(stateDir, "backend")}`,
    PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE,
    NO_COLOR: "1",
    ...options.envVars,
  };
  const stack = await PulumiCommand.get({ root: engine.root })
    .then((pulumiCommand) =>
      LocalWorkspace.createOrSelectStack(
        { stackName: options.stackName ?? "test", workDir: options.workDir },
        { pulumiCommand, pulumiHome: envVars.PULUMI_HOME, envVars },
      ),
    )
    .catch((err: unknown) => {
      fs.rmSync(stateDir, { recursive: true, force: true });
      throw new Error(
        `could not create a test stack with the Pulumi CLI in ${engine.binDir}: ${String(err)}`,
      );
    });
  const bounded = boundedStack(stack, run);
  if (options.config) await bounded.setAllConfig(options.config);
  return {
    stack: bounded,
    stateDir,
    engineBinDir: engine.binDir,
    envVars,
    cli: (args) =>
      withinBound(
        `pulumi ${args.join(" ")}`,
        run,
        runCli(path.join(engine.binDir, "pulumi"), [...args, "--stack", stack.name, "--non-interactive"], {
          cwd: options.workDir,
          env: envVars,
        }),
      ),
    async cleanup() {
      await killMarkedProcesses(run); // leftovers of a killed or timed-out run hold the stack's lock
      await withinBound("removeStack", run, stack.workspace.removeStack(stack.name, { force: true })).catch(
        () => undefined,
      );
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** The stack with every engine call bounded by engineCallTimeoutMs() (see withinBound). */
function boundedStack(stack: Stack, run: string): Stack {
  return new Proxy(stack, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || property === "constructor") return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        return result instanceof Promise ? withinBound(`stack.${String(property)}`, run, result) : result;
      };
    },
  });
}

/** Resolves as `call` does, unless it outlasts the bound: then the stack's processes are killed. */
async function withinBound<T>(what: string, run: string, call: Promise<T>): Promise<T> {
  const boundMs = engineCallTimeoutMs();
  let timer: NodeJS.Timeout | undefined;
  let expiry: Promise<never> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const bound = `${what} did not finish within ${boundMs / 1000} s`;
      const hint = "Raise GCP_BILLING_LINK_ENGINE_CALL_TIMEOUT_MS if the machine is just slow.";
      expiry = killMarkedProcesses(run).then(
        (killed) => {
          throw new Error(`${bound}; killed its ${killed} engine process(es). ${hint}`);
        },
        (e: Error) => {
          throw new Error(`${bound}, and ${e.message}. ${hint}`);
        },
      );
      expiry.catch(reject);
    }, boundMs);
  });
  try {
    return await Promise.race([call, expired]);
  } catch (err) {
    // The call failed because the bound killed its processes: the bound is the news, not the SIGKILL.
    if (expiry) return await expiry;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

function runCli(
  pulumi: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(pulumi, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}
