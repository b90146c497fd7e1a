/**
 * Runs the built CLI as a real child process (dist/cli/src/main.js, what `npx gcp-billing-link` runs), as a
 * user would, with a clean environment: no inherited GOOGLE_* variables, HOME and CLOUDSDK_CONFIG in a temp
 * dir so no real gcloud credentials can leak in, and only 127.0.0.1 reachable without a proxy.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";
import type { RunningEmulator } from "../../../emulator/src/index";
import { builtFile } from "../../support/builtPackage";
import { ADC_CLIENT_ID, ADC_CLIENT_SECRET, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from "../../support/seed";

export const ROOT = resolve(__dirname, "..", "..", "..");

export { ADC_CLIENT_ID, ADC_CLIENT_SECRET, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET };

/** Environment pointing the CLI (through the sdk's GCP_BILLING_LINK_* variables) at the emulator. */
export function emulatorEnv(
  emu: RunningEmulator,
  home: string,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    CLOUDSDK_CONFIG: join(home, "gcloud"),
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
    GCP_BILLING_LINK_API_ROOT: emu.apiRoot,
    GCP_BILLING_LINK_OAUTH_AUTH_URL: emu.oauth.authUrl,
    GCP_BILLING_LINK_OAUTH_TOKEN_URL: emu.oauth.tokenUrl,
    GCP_BILLING_LINK_OAUTH_TOKENINFO_URL: emu.oauth.tokenInfoUrl,
    GCP_BILLING_LINK_OAUTH_REVOKE_URL: emu.oauth.revokeUrl,
    ...extra,
  };
}

export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exit: Promise<number>;
}

/** `login` as the tests run it: the demo client, no browser of its own, a bounded wait, a chosen file. */
export function loginArgs(outFile: string, extraArgs: string[] = []): string[] {
  return [
    "login",
    "--client-id",
    DEMO_CLIENT_ID,
    "--no-browser",
    "--timeout-seconds",
    "60",
    "--out",
    outFile,
    ...extraArgs,
  ];
}

export function startCli(args: string[], env: NodeJS.ProcessEnv): CliRun {
  const child = spawn(process.execPath, [builtFile("cli/src/main.js"), ...args], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const waiters: Array<() => void> = [];
  child.stdout?.setEncoding("utf8").on("data", (c: string) => {
    out += c;
    for (const w of waiters) w();
  });
  child.stderr?.setEncoding("utf8").on("data", (c: string) => {
    err += c;
  });
  const exit = new Promise<number>((res) => child.once("close", (code) => res(code ?? -1)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    waitForLine(pattern, timeoutMs = 20_000) {
      return new Promise((res, rej) => {
        const timer = setTimeout(
          () =>
            rej(
              new Error(
                `no line matching ${pattern} within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`,
              ),
            ),
          timeoutMs,
        );
        const check = (): void => {
          const line = out.split("\n").find((l) => pattern.test(l));
          if (line !== undefined) {
            clearTimeout(timer);
            res(line);
          }
        };
        waiters.push(check);
        check();
        void exit.then(() => setTimeout(check, 0));
      });
    },
  };
}

/** Runs the CLI to completion. */
export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = startCli(args, env);
  const code = await run.exit;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}
