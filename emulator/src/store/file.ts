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
 * The memory store plus a JSON state file that holds the whole world. Reads never touch the file: this
 * process is its only writer, so the copy in memory is always the newest.
 *
 * Each save writes a temporary file in the same directory and renames it over the target. Rename is atomic
 * on POSIX, so a crash leaves either the old or the new state, never half a file. Saves are synchronous, so
 * two of them cannot interleave.
 *
 * A save writes the whole state, so one per change would make N concurrent writes cost N whole-file writes.
 * Typed writes (the Cloud Billing methods') are therefore saved together: the first schedules a save for
 * the end of the current turn of the event loop, and every write made before that save runs shares it.
 * Their requests wait for `settled()` before answering, so no answer reports a change a crash could lose.
 * `commit()`, used by OAuth and operator changes and by `replace()`, saves at once.
 */
export class FileStore extends MemoryStore {
  private sequence = 0;
  /** Whether `state` holds changes the file does not. */
  #unsaved = false;
  /** The scheduled save of the typed writes made since the last save, if any. */
  #saving: Promise<void> | undefined;

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

  override commit(): void {
    this.save();
    this.#unsaved = false;
  }

  override settled(): Promise<void> {
    return this.#saving ?? Promise.resolve();
  }

  protected override changed(): void {
    this.#unsaved = true;
    this.#saving ??= this.saveAfterThisTurn();
  }

  /** `setImmediate` runs after the I/O callbacks of this turn, so every request read in it shares the save. */
  private saveAfterThisTurn(): Promise<void> {
    const saving = new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        this.#saving = undefined;
        try {
          if (this.#unsaved) this.commit();
          resolve();
        } catch (err) {
          reject(err);
        }
      });
    });
    // The requests that wrote await it and answer 500 on failure. Should none wait, the failure must not end
    // the process: the changes stay unsaved, and the next save writes them.
    saving.catch(() => undefined);
    return saving;
  }

  private save(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.${++this.sequence}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.state, null, 2) + "\n", { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}
