/** One in-flight operation shared by every caller that needs it at the same time (token grants). */

interface Flight<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiters: number;
}

/**
 * One operation shared by every caller that needs it at the same time. Each caller stops waiting when
 * its own signal aborts; the operation itself is aborted once every caller has stopped waiting.
 */
export class SharedFlight<T> {
  #flight: Flight<T> | undefined;

  join(start: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<T> {
    const flight = (this.#flight ??= this.#start(start));
    flight.waiters++;
    return new Promise<T>((resolve, reject) => {
      const leave = (): void => {
        signal.removeEventListener("abort", onAbort);
        if (--flight.waiters === 0 && !settled) this.#abort(flight);
      };
      const onAbort = (): void => {
        leave();
        reject(new Error("aborted"));
      };
      let settled = false;
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      flight.promise.then(
        (value) => ((settled = true), leave(), resolve(value)),
        (err: unknown) => ((settled = true), leave(), reject(err)),
      );
    });
  }

  #start(start: (signal: AbortSignal) => Promise<T>): Flight<T> {
    const controller = new AbortController();
    const flight: Flight<T> = { controller, waiters: 0, promise: Promise.resolve() as Promise<T> };
    flight.promise = start(controller.signal).finally(() => {
      if (this.#flight === flight) this.#flight = undefined;
    });
    flight.promise.catch(() => undefined); // every waiter handles it; no unhandled rejection if none is left
    return flight;
  }

  #abort(flight: Flight<T>): void {
    // Later callers start afresh instead of joining an operation that is being cancelled.
    if (this.#flight === flight) this.#flight = undefined;
    flight.controller.abort();
  }
}
