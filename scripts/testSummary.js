"use strict";
// Turns jest's --json result into the one line CI reports, `N passed, N failed[, N skipped]`, and the
// reasons the run must fail even if jest exited 0.

/**
 * @param {{ numPassedTests: number, numFailedTests: number, numPendingTests: number, numTodoTests: number,
 *   numRuntimeErrorTestSuites: number, success: boolean }} result jest's aggregated result
 * @returns {{ line: string, problems: string[] }}
 */
function summaryLine(result) {
  const passed = result.numPassedTests;
  // A test file that could not run (a syntax error, a failing import) has no tests to count: it counts as
  // one failure here, so the line can never read "0 failed" for a run that lost a whole file.
  const failed = result.numFailedTests + result.numRuntimeErrorTestSuites;
  const skipped = result.numPendingTests + result.numTodoTests;
  const problems = [];
  if (result.numRuntimeErrorTestSuites > 0) {
    problems.push(`${result.numRuntimeErrorTestSuites} test file(s) failed to run; each counts as 1 failed`);
  }
  if (passed + failed === 0) problems.push("no test ran");
  if (!result.success && failed === 0) problems.push("jest reported failure");
  const line = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`;
  return { line, problems };
}

module.exports = { summaryLine };
