/**
 * Runs one pulumi command and collects its output. Used for the reads that need no engine events
 * (`stack --show-name`, `config --json`, `stack export`); the refresh itself goes through the Automation
 * API. Never `--show-secrets` on an export: see stackLinks.ts.
 */
import { spawn } from "node:child_process";

export interface PulumiRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface PulumiInvocation {
  /** The pulumi binary (PulumiCommand.command). */
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

const MAX_STDERR_CHARS = 20_000;

export function runPulumi(args: readonly string[], how: PulumiInvocation): Promise<PulumiRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(how.command, [...args, "--non-interactive"], {
      cwd: how.cwd,
      env: how.env,
      stdio: ["ignore", "pipe", "pipe"],
      ...(how.signal ? { signal: how.signal } : {}),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      if (stderr.length < MAX_STDERR_CHARS) stderr += chunk;
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
