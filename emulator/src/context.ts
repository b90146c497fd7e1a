import { CloudBilling } from "./billing/cloudBilling";
import { EmulatorClock } from "./clock";
import { mergeKnobs, type Knobs, type PartialKnobs } from "./knobs";
import { RequestLog } from "./requestLog";
import type { Seed } from "./seed";
import { stateFromSeed, type EmulatorState } from "./store/state";
import type { StateStore } from "./store/store";

/**
 * Everything a request handler may touch. Billing handlers go through `billing`, the domain over the store.
 * The OAuth side changes `state` synchronously and then calls `commit()`; because Node runs one handler
 * step at a time, no change can interleave with another request's.
 */
export class EmulatorContext {
  knobs: Knobs;
  readonly clock = new EmulatorClock();
  readonly log = new RequestLog();
  readonly rateWindows = new Map<string, { windowStartMs: number; count: number }>();
  /** Requests per `method path` that drew a random fault number, for `faultSeed` (faults.ts). */
  readonly faultDraws = new Map<string, number>();
  readonly billing: CloudBilling;

  constructor(
    readonly seed: Seed,
    readonly store: StateStore,
    private readonly knobOverrides: PartialKnobs | undefined,
  ) {
    this.knobs = mergeKnobs(seed.knobs, knobOverrides);
    this.billing = new CloudBilling(store, () => this.knobs);
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
    this.billing.forgetStaleReads();
    this.rateWindows.clear();
    this.faultDraws.clear();
  }

  setKnobs(k: PartialKnobs): void {
    this.knobs = mergeKnobs(this.knobs, k);
    // A seed set again starts its sequences over, so a scenario can replay the same faults.
    if (k.faultSeed !== undefined) this.faultDraws.clear();
  }
}
