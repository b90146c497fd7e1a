import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe } from "@jest/globals";
import { FileStore } from "../../emulator/src/store/file";
import { MemoryStore } from "../../emulator/src/store/memory";
import type { EmulatorState } from "../../emulator/src/store/state";
import type { StateStore } from "../../emulator/src/store/store";

/**
 * One emulator store implementation, as a suite sees it. Every suite given to `forEachStore` runs once per
 * implementation, so the memory and file stores must pass the same tests.
 */
export interface StoreUnderTest {
  readonly kind: "memory" | "file";
  /** A new store holding `initial`; it becomes the store `reopen` reopens. */
  open(initial: EmulatorState): StateStore;
  /**
   * The world as a restarted emulator would load it: the file store reads its file again, the memory store
   * has no other copy and returns itself. A change that reached the first but not the second was not durable.
   */
  reopen(): StateStore;
}

function memoryStores(): StoreUnderTest {
  let current: StateStore | undefined;
  return {
    kind: "memory",
    open: (initial) => (current = new MemoryStore(initial)),
    reopen: () => {
      if (!current) throw new Error("reopen() before open()");
      return current;
    },
  };
}

/** File stores in a temporary directory made before the suite and removed after it. */
function fileStores(): StoreUnderTest {
  let dir = "";
  let file = "";
  let opened = 0;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-store-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return {
    kind: "file",
    open: (initial) => {
      file = path.join(dir, `state-${++opened}.json`);
      return FileStore.open(file, () => initial);
    },
    reopen: () => {
      if (!file) throw new Error("reopen() before open()");
      return FileStore.open(file, () => {
        throw new Error(`state file ${file} vanished`);
      });
    },
  };
}

/** Runs `suite` once against the memory store and once against the file store, each in its own describe. */
export function forEachStore(suite: (stores: StoreUnderTest) => void): void {
  describe("memory store", () => suite(memoryStores()));
  describe("file store", () => suite(fileStores()));
}
