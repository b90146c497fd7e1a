/** What the figures were measured on: they mean little without it. */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// scripts/engine.js is plain CommonJS shared with the npm scripts.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureEngine } = require("../../scripts/engine.js") as { ensureEngine(): { version: string } };

const ROOT = path.resolve(__dirname, "..", "..");

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  pulumiEngine: string;
  pulumiNodejsSdk: string;
  commit: string;
}

export function machine(): Machine {
  const version = (pkg: string): string =>
    (
      JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as {
        version: string;
      }
    ).version;
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    // not a git checkout
  }
  return {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    pulumiEngine: ensureEngine().version,
    pulumiNodejsSdk: version("@pulumi/pulumi"),
    commit,
  };
}
