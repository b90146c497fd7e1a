/**
 * The test suites, one jest project each, so that one runs alone: `npx jest --selectProjects unit`.
 * `npm test` (scripts/test.js) type-checks and builds first, then runs them all; see README.md#tests.
 * jest reads this file through ts-node, transpiling only: tsc type-checks it with everything else.
 *
 * @jest-config-loader ts-node
 * @jest-config-loader-options {"transpileOnly": true}
 */
import type { Config } from "jest";

// gaxios 7 (inside google-auth-library and our sdk) loads node-fetch with `import()`, which jest can only
// serve with Node's --experimental-vm-modules (googleapis/google-auth-library-nodejs#2040). Test files run
// in worker processes (see workerIdleMemoryLimit below), and workers inherit the flag through NODE_OPTIONS.
const VM_MODULES_FLAG = "--experimental-vm-modules";
if (!process.execArgv.includes(VM_MODULES_FLAG) && !process.env.NODE_OPTIONS?.includes(VM_MODULES_FLAG)) {
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, VM_MODULES_FLAG].filter(Boolean).join(" ");
}

type ProjectConfig = Exclude<NonNullable<Config["projects"]>[number], string>;

/** Per-test (and per-hook) time limits: one e2e test drives several real engine runs of 5–60 s each. */
const SUITE_TIMEOUT_MS = {
  unit: 30_000,
  conformance: 30_000,
  integration: 60_000,
  browser: 120_000,
  e2e: 600_000,
  reliability: 600_000,
} as const;

function suite(name: keyof typeof SUITE_TIMEOUT_MS): ProjectConfig {
  return {
    displayName: name,
    rootDir: __dirname,
    testMatch: [`<rootDir>/tests/${name}/**/*.test.ts`],
    testEnvironment: "<rootDir>/tests/support/jest/nodeRealmEnvironment.ts",
    globals: { suiteTimeoutMs: SUITE_TIMEOUT_MS[name] },
    setupFilesAfterEnv: ["<rootDir>/tests/support/jest/suiteTimeout.ts"],
    // Transpile only: `npm test` type-checks the whole tree with tsc before jest starts.
    transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: { isolatedModules: true } }] },
    // The package's own name resolves to its sources, as tsconfig.json's `paths` does for tsc.
    moduleNameMapper: {
      "^gcp-billing-link$": "<rootDir>/provider/src/index.ts",
      "^gcp-billing-link/sdk$": "<rootDir>/sdk/src/index.ts",
      "^gcp-billing-link/emulator$": "<rootDir>/emulator/src/index.ts",
    },
  };
}

const config: Config = {
  // Two test files at a time, as before under Node's test runner: the machine has two cores, and an e2e
  // file mostly waits on engine processes.
  maxWorkers: 2,
  // Setting a limit makes jest always use workers, even for a single file (so the flag above applies),
  // and recycles a worker that grew past it: each test file loads its own copy of every module.
  workerIdleMemoryLimit: "1GB",
  projects: (Object.keys(SUITE_TIMEOUT_MS) as Array<keyof typeof SUITE_TIMEOUT_MS>).map(suite),
};

export default config;
