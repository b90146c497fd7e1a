// Per-test cleanup, jest's counterpart of `t.after(fn)` in Node's test runner: a test registers what it must
// undo as soon as it has created it, and the file's afterEach runs it even when the test failed half-way.
import { afterEach } from "@jest/globals";

export class Cleanups {
  private pending: Array<() => unknown> = [];

  /** Registers `fn` to run after the current test, before anything registered earlier. */
  add(fn: () => unknown): void {
    this.pending.push(fn);
  }

  /** Runs every registered cleanup, newest first; one that fails does not stop the others. */
  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (let fn = this.pending.pop(); fn; fn = this.pending.pop()) {
      try {
        await fn();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} cleanups failed`);
  }
}

/** A Cleanups whose pending work runs after each test of the calling file. */
export function cleanupAfterEach(): Cleanups {
  const cleanups = new Cleanups();
  afterEach(() => cleanups.run());
  return cleanups;
}
