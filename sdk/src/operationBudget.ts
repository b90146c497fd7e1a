/**
 * The time budget of one logical operation. Failing has `deadlineMs` (default 60 s) to end; waiting for the
 * rate quota does not count against it but against `throttleBudgetMs` (default 10 min): the client-side
 * limiter's queue and a 429's Retry-After are the quota doing its job, not the service failing, and a
 * pipeline that shares its quota project with others must be able to wait a minute or two for its turn
 * instead of ending in DeadlineExceeded. Every wait stays bounded (both budgets) and abortable (`signal`).
 */
export class OperationBudget {
  readonly signal: AbortSignal;
  readonly #deadline = new AbortController();
  readonly #startedAt: number;
  #throttledMs = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly deadlineMs: number,
    private readonly throttleBudgetMs: number,
    private readonly now: () => number,
    caller?: AbortSignal,
  ) {
    this.#startedAt = now();
    this.signal = caller ? AbortSignal.any([caller, this.#deadline.signal]) : this.#deadline.signal;
    this.#arm();
  }

  /** Time charged to the deadline so far: what has passed, less the waits charged to the throttling budget. */
  elapsedMs(): number {
    return this.now() - this.#startedAt - this.#throttledMs;
  }

  throttleRemainingMs(): number {
    return this.throttleBudgetMs - this.#throttledMs;
  }

  /**
   * Charges a wait for the rate quota to the throttling budget and moves the deadline out by as much.
   * Returns false, charging nothing, when it does not fit: the wait then counts against the deadline.
   */
  chargeThrottle(ms: number): boolean {
    if (ms <= 0) return true;
    if (ms > this.throttleRemainingMs()) return false;
    this.#throttledMs += ms;
    this.#arm();
    return true;
  }

  /** The operation is over: drop the deadline timer. */
  end(): void {
    clearTimeout(this.#timer);
  }

  #arm(): void {
    clearTimeout(this.#timer);
    const left = this.deadlineMs - this.elapsedMs();
    this.#timer = setTimeout(() => this.#deadline.abort(), Math.max(1, left));
    // Like AbortSignal.timeout: a pending deadline never keeps the process alive.
    this.#timer.unref?.();
  }
}
