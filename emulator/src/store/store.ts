import type { EmulatorState } from "./state";

/**
 * Where state lives between requests. Handlers mutate the in-memory state synchronously and then
 * call `save`, so every response is sent after the change is durable and no two writes interleave.
 */
export interface StateStore {
  /** The persisted state, or undefined when there is none yet (a fresh start from the seed). */
  load(): EmulatorState | undefined;
  save(state: EmulatorState): void;
}
