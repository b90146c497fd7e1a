/**
 * Stores a value as a Pulumi stack secret with the pulumi CLI. The value goes to the child's stdin,
 * never its argv: argv is visible to every user on the machine (`ps`) and often logged by CI.
 * `pulumi config set` reads the value from stdin when none is given and stdin is not a terminal.
 */
import { spawn } from "node:child_process";

export interface PulumiSecretRequest {
  stack: string;
  key: string;
  value: string;
}

export interface PulumiRunResult {
  exitCode: number;
  /** stderr, for the error message; pulumi never echoes the value it read. */
  stderr: string;
}

export type PulumiRunner = (args: string[], stdin: string) => Promise<PulumiRunResult>;

export function pulumiArgs(req: Omit<PulumiSecretRequest, "value">): string[] {
  return ["config", "set", "--secret", "--stack", req.stack, req.key, "--non-interactive"];
}

/** Runs `pulumi` from PATH (or $PULUMI_COMMAND) in the current directory. */
export function systemPulumiRunner(env: NodeJS.ProcessEnv = process.env): PulumiRunner {
  return (args, stdin) =>
    new Promise((resolve, reject) => {
      const child = spawn(env.PULUMI_COMMAND || "pulumi", args, { stdio: ["pipe", "ignore", "pipe"], env });
      let stderr = "";
      child.stderr.setEncoding("utf8");
      child.stderr.on("data", (chunk: string) => {
        if (stderr.length < 4000) stderr += chunk;
      });
      child.once("error", reject);
      child.once("close", (code) => resolve({ exitCode: code ?? 1, stderr }));
      child.stdin.end(stdin);
    });
}
