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

/** Whether a process with this id is alive (EPERM: alive, someone else's). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err instanceof Error && "code" in err && err.code === "EPERM";
  }
}

/**
 * Deletes the temporary files of saves a crash cut off (`<file>.<pid>.<n>.tmp`), which would otherwise pile
 * up one per crash. Only those of processes that are gone, or of this one (its saves are synchronous, so
 * none of its own is under way now): another emulator still running on the file keeps its own.
 */
function removeAbandonedSaves(file: string): void {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // no directory yet: nothing to remove
  }
  for (const name of names) {
    const match = name.startsWith(prefix) ? /^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length)) : null;
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || !isRunning(pid)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/** fsync of a directory, which makes a rename in it durable; Windows cannot open a directory for it. */
function syncDirectory(dir: string): void {
  if (process.platform === "win32") return;
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The memory store plus a JSON state file that holds the whole world. Reads never touch the file: this
 * process is its only writer, so the copy in memory is always the newest.
 *
 * Each save writes a temporary file in the same directory, fsyncs it, renames it over the target and fsyncs
 * the directory. Rename is atomic on POSIX, so a killed process leaves either the old or the new state,
 * never half a file. The fsyncs are for a crash of the machine: without the first, the rename can reach the
 * disk before the data and leave an empty file (ext4 without auto_da_alloc, XFS); without the second, a save
 * already acknowledged can be undone. Saves are synchronous, so two of them cannot interleave. Opening the
 * file removes the temporary files that killed saves left behind.
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
    removeAbandonedSaves(file);
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
    const fd = fs.openSync(tmp, "w", 0o600);
    try {
      try {
        fs.writeFileSync(fd, JSON.stringify(this.state, null, 2) + "\n");
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, this.file);
    } catch (err) {
      fs.rmSync(tmp, { force: true }); // a failed save (ENOSPC) leaves no half-written file behind
      throw err;
    }
    syncDirectory(path.dirname(this.file));
  }
}
