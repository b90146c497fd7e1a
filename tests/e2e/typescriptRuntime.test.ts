// How the engine runs a TypeScript program: through the repository's own ts-node and TypeScript (not the
// ts-node 7 / TypeScript 3.8 that @pulumi/pulumi vendors), type-checking by default, and transpiling only
// when PULUMI_NODEJS_TRANSPILE_ONLY=true or the tsconfig sets noCheck (docs/typescript-programs.md).
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, test } from "@jest/globals";
import { CommandError } from "@pulumi/pulumi/automation";
import { cleanupAfterEach } from "../support/cleanups";
import { createTestStack, type TestStack } from "../support/engine";

// The versions the repository installs, which Pulumi's run.js must have picked up.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const TYPESCRIPT_VERSION = (require("typescript/package.json") as { version: string }).version;

const FIXTURE = path.join(__dirname, "fixtures", "typescript");
const cleanups = cleanupAfterEach();

interface Toolchain {
  typescript: string;
  transpileOnly: boolean;
  tsconfig: string;
}

async function fixtureStack(envVars: Record<string, string> = {}): Promise<TestStack> {
  const env = await createTestStack({
    workDir: FIXTURE,
    stackName: `t${Math.random().toString(16).slice(2, 12)}`,
    envVars,
  });
  cleanups.add(() => env.cleanup());
  return env;
}

async function toolchainOf(env: TestStack): Promise<Toolchain> {
  const up = await env.stack.up();
  return up.outputs.toolchain.value as Toolchain;
}

describe("TypeScript programs under the engine", () => {
  test("run through our ts-node and TypeScript with the program's tsconfig, type-checked", async () => {
    const env = await fixtureStack();
    assert.deepEqual(await toolchainOf(env), {
      typescript: TYPESCRIPT_VERSION,
      transpileOnly: false,
      tsconfig: path.join(FIXTURE, "tsconfig.json"),
    });
    assert.match(TYPESCRIPT_VERSION, /^5\./);
  });

  test("a type error fails the preview, naming the error and the file", async () => {
    const env = await fixtureStack();
    await env.stack.setConfig("loadTypeError", { value: "true" });
    await assert.rejects(env.stack.preview(), (err: unknown) => {
      assert.ok(err instanceof CommandError);
      assert.match(
        String(err),
        /typeError\.ts[\s\S]*TS2322: Type 'string' is not assignable to type 'number'/,
      );
      return true;
    });
  });

  test("PULUMI_NODEJS_TRANSPILE_ONLY=true skips the type-check: the same program runs", async () => {
    const env = await fixtureStack({ PULUMI_NODEJS_TRANSPILE_ONLY: "true" });
    await env.stack.setConfig("loadTypeError", { value: "true" });
    const toolchain = await toolchainOf(env);
    assert.equal(toolchain.transpileOnly, true);
    assert.equal(toolchain.typescript, TYPESCRIPT_VERSION);
  });

  test("noCheck in the program's tsconfig skips the type-check too", async () => {
    const env = await fixtureStack({ PULUMI_NODEJS_TSCONFIG_PATH: "tsconfig.nocheck.json" });
    await env.stack.setConfig("loadTypeError", { value: "true" });
    assert.deepEqual(await toolchainOf(env), {
      typescript: TYPESCRIPT_VERSION,
      transpileOnly: true,
      tsconfig: path.join(FIXTURE, "tsconfig.nocheck.json"),
    });
  });
});
