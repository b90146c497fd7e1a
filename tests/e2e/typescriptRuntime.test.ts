// How the engine runs a TypeScript program: through the repository's own ts-node and TypeScript (not the
// ts-node 7 / TypeScript 3.8 that @pulumi/pulumi vendors), type-checking by default, and transpiling only
// when PULUMI_NODEJS_TRANSPILE_ONLY=true or the tsconfig sets noCheck (docs/typescript-programs.md).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, test } from "@jest/globals";
import { CommandError } from "@pulumi/pulumi/automation";
import type { LocalWorkspace } from "@pulumi/pulumi/automation";
import { createTestStack, type TestStack } from "../support/engine";

// The TypeScript the repository installs, which Pulumi's run.js must have picked up.
const TYPESCRIPT_VERSION = String(
  JSON.parse(fs.readFileSync(require.resolve("typescript/package.json"), "utf8")).version,
);

const FIXTURE = path.join(__dirname, "fixtures", "typescript");

interface Toolchain {
  typescript: string;
  transpileOnly: boolean;
  tsconfig: string;
}

describe("TypeScript programs under the engine", () => {
  let env: TestStack;
  beforeAll(async () => {
    env = await createTestStack({ workDir: FIXTURE, stackName: `t${Date.now().toString(36)}` });
  });
  afterAll(async () => {
    await env.cleanup();
    fs.rmSync(path.join(FIXTURE, `Pulumi.${env.stack.name}.yaml`), { force: true });
  });

  /** An `up` of the fixture with these switches (and no others). */
  async function runWith(switches: { loadTypeError: boolean; env?: Record<string, string> }) {
    const envVars = (env.stack.workspace as LocalWorkspace).envVars;
    delete envVars.PULUMI_NODEJS_TRANSPILE_ONLY;
    delete envVars.PULUMI_NODEJS_TSCONFIG_PATH;
    Object.assign(envVars, switches.env);
    await env.stack.setConfig("loadTypeError", { value: String(switches.loadTypeError) });
    return env.stack.up();
  }

  test("run through our ts-node and TypeScript with the program's tsconfig, type-checked", async () => {
    const up = await runWith({ loadTypeError: false });
    assert.deepEqual(up.outputs.toolchain.value as Toolchain, {
      typescript: TYPESCRIPT_VERSION,
      transpileOnly: false,
      tsconfig: path.join(FIXTURE, "tsconfig.json"),
    });
    assert.match(TYPESCRIPT_VERSION, /^5\./);
  });

  test("a type error fails the run, naming the error and the file", async () => {
    await assert.rejects(runWith({ loadTypeError: true }), (err: unknown) => {
      assert.ok(err instanceof CommandError);
      assert.match(
        String(err),
        /typeError\.ts[\s\S]*TS2322: Type 'string' is not assignable to type 'number'/,
      );
      return true;
    });
  });

  test("PULUMI_NODEJS_TRANSPILE_ONLY=true skips the type-check: the same program runs", async () => {
    const up = await runWith({ loadTypeError: true, env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } });
    assert.deepEqual(up.outputs.toolchain.value as Toolchain, {
      typescript: TYPESCRIPT_VERSION,
      transpileOnly: true,
      tsconfig: path.join(FIXTURE, "tsconfig.json"),
    });
  });

  test("noCheck in the program's tsconfig skips the type-check too", async () => {
    const up = await runWith({
      loadTypeError: true,
      env: { PULUMI_NODEJS_TSCONFIG_PATH: "tsconfig.nocheck.json" },
    });
    assert.deepEqual(up.outputs.toolchain.value as Toolchain, {
      typescript: TYPESCRIPT_VERSION,
      transpileOnly: true,
      tsconfig: path.join(FIXTURE, "tsconfig.nocheck.json"),
    });
  });
});
