// The emulator's server packages are optional peer dependencies: without them, the emulator's entry point
// says what to install instead of failing with "Cannot find module".
import assert from "node:assert/strict";
import { test } from "@jest/globals";
import { assertServerDependencies } from "../../emulator/src/serverDependencies";

const resolverWithout =
  (...missing: string[]) =>
  (name: string): string => {
    if (missing.includes(name))
      throw Object.assign(new Error(`Cannot find module '${name}'`), { code: "MODULE_NOT_FOUND" });
    return `/node_modules/${name}/index.js`;
  };

test("both present: nothing to say", () => {
  assert.doesNotThrow(() => assertServerDependencies(resolverWithout()));
});

test("a missing package is named, with the command that installs both", () => {
  assert.throws(
    () => assertServerDependencies(resolverWithout("@fastify/formbody")),
    /needs @fastify\/formbody, which only the emulator uses[\s\S]*npm install --save-dev fastify@\^5 @fastify\/formbody@\^9/,
  );
  assert.throws(
    () => assertServerDependencies(resolverWithout("fastify", "@fastify/formbody")),
    /needs fastify and @fastify\/formbody/,
  );
});
