import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { emulatorStateSchema, type EmulatorState } from "./state";
import type { StateStore } from "./store";

export class StateFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StateFileError";
  }
}

/**
 * Persists state as JSON. Each save writes a temporary file in the same directory and renames it
 * over the target: rename is atomic on POSIX, so a crash leaves either the old or the new state,
 * never half a file. Writes are synchronous, so concurrent requests cannot interleave them.
 */
export class FileStore implements StateStore {
  private sequence = 0;

  constructor(private readonly file: string) {}

  load(): EmulatorState | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.file, "utf8");
    } catch (err) {
      if (err instanceof Error && "code" in err && err.code === "ENOENT") return undefined;
      throw new StateFileError(`cannot read state file ${this.file}`, { cause: err });
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (cause) {
      throw new StateFileError(
        `state file ${this.file} is not valid JSON; delete it to start again from the seed`,
        { cause },
      );
    }
    const parsed = emulatorStateSchema.safeParse(raw);
    if (!parsed.success) {
      throw new StateFileError(
        `state file ${this.file} does not match this emulator's format; delete it to start again from the seed:\n${z.prettifyError(parsed.error)}`,
      );
    }
    return parsed.data;
  }

  save(state: EmulatorState): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.${++this.sequence}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}
