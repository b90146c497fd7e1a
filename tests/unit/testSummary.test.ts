// The line CI reports from jest's result, and the runs it must refuse even when jest itself exited 0.
import assert from "node:assert/strict";
import { describe, test } from "@jest/globals";

// scripts/ is plain CommonJS that runs before `npm ci`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { summaryLine } = require("../../scripts/testSummary.js") as {
  summaryLine(result: JestResult): { line: string; problems: string[] };
};

interface JestResult {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numRuntimeErrorTestSuites: number;
  success: boolean;
}

const GREEN: JestResult = {
  numPassedTests: 334,
  numFailedTests: 0,
  numPendingTests: 0,
  numTodoTests: 0,
  numRuntimeErrorTestSuites: 0,
  success: true,
};

describe("the CI summary line", () => {
  test("a green run: passed and failed, no skipped part", () => {
    assert.deepEqual(summaryLine(GREEN), { line: "334 passed, 0 failed", problems: [] });
  });

  test("failures and skips (pending and todo) are counted", () => {
    const r = summaryLine({
      ...GREEN,
      numFailedTests: 2,
      numPendingTests: 3,
      numTodoTests: 1,
      success: false,
    });
    assert.deepEqual(r, { line: "334 passed, 2 failed, 4 skipped", problems: [] });
  });

  test("a test file that could not run counts as one failure, and says so", () => {
    const r = summaryLine({ ...GREEN, numRuntimeErrorTestSuites: 1, success: false });
    assert.equal(r.line, "334 passed, 1 failed");
    assert.match(r.problems.join("\n"), /1 test file\(s\) failed to run/);
  });

  test("a run in which no test ran is a problem, even with everything skipped", () => {
    assert.deepEqual(summaryLine({ ...GREEN, numPassedTests: 0 }).problems, ["no test ran"]);
    const allSkipped = summaryLine({ ...GREEN, numPassedTests: 0, numPendingTests: 5 });
    assert.equal(allSkipped.line, "0 passed, 0 failed, 5 skipped");
    assert.deepEqual(allSkipped.problems, ["no test ran"]);
  });

  test("jest's own failure verdict is kept when no test failed", () => {
    assert.deepEqual(summaryLine({ ...GREEN, success: false }).problems, ["jest reported failure"]);
  });
});
