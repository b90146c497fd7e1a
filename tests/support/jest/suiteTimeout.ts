// Applies the suite's time limit (jest.config.ts) to every test and hook of a test file. jest-circus only
// honours the top-level `testTimeout`, not a project's own, so each project passes its limit in `globals`.
import { jest } from "@jest/globals";

const { suiteTimeoutMs } = globalThis as { suiteTimeoutMs?: unknown };
if (typeof suiteTimeoutMs !== "number") {
  throw new Error("jest.config.ts must set globals.suiteTimeoutMs for every project");
}
jest.setTimeout(suiteTimeoutMs);
