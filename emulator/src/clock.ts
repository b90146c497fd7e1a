/**
 * The emulator's notion of "now". Token expiry and rate-limit windows read it, so tests can expire a
 * token by advancing the clock instead of sleeping.
 */
export class EmulatorClock {
  private offsetMs = 0;

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`advanceClock: ms must be a non-negative number, got ${ms}`);
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
