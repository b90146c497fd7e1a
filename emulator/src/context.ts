import { EmulatorClock } from "./clock";
import { mergeKnobs, type Knobs, type PartialKnobs } from "./knobs";
import { RequestLog } from "./requestLog";
import type { Seed } from "./seed";
import { stateFromSeed, type EmulatorState } from "./store/state";
import type { StateStore } from "./store/store";

/** A value a project showed before its last write, served to the next few reads (propagation lag knob). */
export interface StaleRead {
  billingAccountId: string | null;
  remainingReads: number;
}

/**
 * Everything a request handler may touch. Handlers change `state` synchronously and then call
 * `commit()`; because Node runs one handler step at a time, a check-then-write (the link quota) can
 * never interleave with another request's write.
 */
export class EmulatorContext {
  knobs: Knobs;
  readonly clock = new EmulatorClock();
  readonly log = new RequestLog();
  readonly staleReads = new Map<string, StaleRead>();
  readonly rateWindows = new Map<string, { windowStartMs: number; count: number }>();

  constructor(
    readonly seed: Seed,
    readonly store: StateStore,
    private readonly knobOverrides: PartialKnobs | undefined,
  ) {
    this.knobs = mergeKnobs(seed.knobs, knobOverrides);
  }

  /** The whole world, as the state file holds it. */
  get state(): EmulatorState {
    return this.store.state;
  }

  commit(): void {
    this.store.commit();
  }

  /** Back to the seed: links, grants, knobs, clock, log and every in-memory side table. */
  reset(): void {
    const previousTokens = this.state.accessTokens;
    const state = stateFromSeed(this.seed);
    // Clients cache access tokens (and google-auth-library will not refresh one whose expiry is in
    // the future), so tokens survive a reset as long as the grant they came from is in the seed.
    for (const [token, record] of Object.entries(previousTokens)) {
      if (record.grantId === null || state.grants[record.grantId]) state.accessTokens[token] = record;
    }
    this.store.replace(state);
    this.knobs = mergeKnobs(this.seed.knobs, this.knobOverrides);
    this.clock.reset();
    this.log.clear();
    this.staleReads.clear();
    this.rateWindows.clear();
  }

  setKnobs(k: PartialKnobs): void {
    this.knobs = mergeKnobs(this.knobs, k);
  }
}
