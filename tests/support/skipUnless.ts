// Skipping with a reason, as `{ skip: reason }` did in Node's test runner: jest's describe.skip/test.skip
// take no reason, so it is printed once when the file is collected. `false` means "run".
import { describe, test } from "@jest/globals";

type Block = (name: string, fn: () => void) => void;
type Test = (name: string, fn: () => Promise<unknown>, timeoutMs?: number) => void;

function warnSkipped(reason: string, what: string): void {
  console.warn(`skipped ${what}: ${reason}`);
}

/** `describe`, or `describe.skip` with the reason printed when `reason` is a string. */
export function describeUnless(reason: string | false): Block {
  if (!reason) return describe;
  return (name, fn) => {
    warnSkipped(reason, `"${name}"`);
    describe.skip(name, fn);
  };
}

/** `test`, or `test.skip` with the reason printed when `reason` is a string. */
export function testUnless(reason: string | false): Test {
  if (!reason) return test;
  return (name, fn, timeoutMs) => {
    warnSkipped(reason, `"${name}"`);
    test.skip(name, fn, timeoutMs);
  };
}
