import type { StateStore } from "./store";

/** No persistence: state lives as long as the process. */
export class MemoryStore implements StateStore {
  load(): undefined {
    return undefined;
  }

  save(): void {
    // Nothing to do: the live state object is the only copy.
  }
}
