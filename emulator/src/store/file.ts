import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { MemoryStore } from "./memory";
import { emulatorStateSchema, type EmulatorState } from "./state";

export class StateFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StateFileError";
  }
}

/** The persisted state, or undefined when the file does not exist yet. */
function readStateFile(file: string): EmulatorState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if (err instanceof Error && "code" in err && err.code === "ENOENT") return undefined;
    throw new StateFileError(`cannot read state file ${file}`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new StateFileError(`state file ${file} is not valid JSON; delete it to start again from the seed`, {
      cause,
    });
  }
  const parsed = emulatorStateSchema.safeParse(raw);
  if (!parsed.success) {
    throw new StateFileError(
      `state file ${file} does not match this emulator's format; delete it to start again from the seed:\n${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

/**
 * The memory store plus a JSON state file that holds the whole world after every write. Reads never touch
 * the file: this process is its only writer, so the copy in memory is always the newest.
 *
 * Each write goes to a temporary file in the same directory, which is then renamed over the target. Rename is
 * atomic on POSIX, so a crash leaves either the old or the new state, never half a file. Writes are
 * synchronous, so two requests cannot interleave them, and a change is on disk before its response is sent.
 */
export class FileStore extends MemoryStore {
  private sequence = 0;

  private constructor(
    private readonly file: string,
    state: EmulatorState,
  ) {
    super(state);
  }

  /** Opens the state file, or creates it from `initial()` when there is none. */
  static open(file: string, initial: () => EmulatorState): FileStore {
    const persisted = readStateFile(file);
    const store = new FileStore(file, persisted ?? initial());
    if (!persisted) store.commit();
    return store;
  }

  protected override persist(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.${++this.sequence}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.state, null, 2) + "\n", { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}
