/**
 * A record, kept by the provider on the machine that runs Pulumi, of the account a link is to return to
 * (its `restore` target), written before each billing write.
 *
 * Why: `restore` needs the account a project had before the stack took it over, and that lives only in
 * the resource's state. Two things lose it (docs/provider.md, "Crash recovery"):
 * - `pulumi up` killed after the write but before the engine saved the resource: the next `up` finds the
 *   project already on the declared account and adopts it, recording the current account as previous;
 * - a rename without `aliases`: the new resource adopts the project before the old one is deleted.
 * The engine's own record of an interrupted create (a pending operation) is never shown to a dynamic
 * provider, and the Cloud Billing API has nowhere to keep it, so the provider keeps this one. A later
 * adoption of the same project in the same stack, finding the project on the account the record says
 * was written, takes the record's restore target instead of the current account.
 *
 * Entries are keyed by stack, Pulumi project and Google project (from the resource's URN), hold no
 * secret, and are forgotten when the link is deleted. They live in `GCP_BILLING_LINK_JOURNAL_DIR`, else
 * `$PULUMI_HOME/gcp-billing-link/journal` (default `~/.pulumi/…`): a CI job that must survive being killed
 * keeps that directory between runs, as it would keep its Pulumi home.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** An entry older than this is a leftover, not a run that was interrupted. */
export const JOURNAL_TTL_MS = 30 * 24 * 3600_000;

export interface JournalEntry {
  stack: string;
  project: string;
  projectId: string;
  /** The account `restore` returns the project to ("" = unlinked). */
  restoreTo: string;
  /** The account the write set. */
  written: string;
  writtenAtMs: number;
}

export function journalDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GCP_BILLING_LINK_JOURNAL_DIR) return env.GCP_BILLING_LINK_JOURNAL_DIR;
  const home = env.PULUMI_HOME || path.join(env.HOME || os.homedir(), ".pulumi");
  return path.join(home, "gcp-billing-link", "journal");
}

/** `urn:pulumi:<stack>::<project>::<type>::<name>` → stack and project; undefined for anything else. */
function scopeOf(urn: string | undefined): { stack: string; project: string } | undefined {
  const m = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(urn ?? "");
  return m ? { stack: m[1], project: m[2] } : undefined;
}

export class LinkJournal {
  constructor(
    private readonly dir: string = journalDir(),
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Records, before a write, where `restore` must take the project back to. No URN: nothing to key on. */
  recordWrite(urn: string | undefined, projectId: string, restoreTo: string, written: string): void {
    const scope = scopeOf(urn);
    if (!scope) return;
    const entry: JournalEntry = { ...scope, projectId, restoreTo, written, writtenAtMs: this.nowMs() };
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = this.file(scope, projectId);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(entry), { mode: 0o600 });
    fs.renameSync(tmp, file);
  }

  /**
   * The restore target a write in this stack recorded for a project now found on `live`, if that write is
   * what put it there; undefined otherwise (a genuine adoption).
   */
  restoreTargetFor(urn: string | undefined, projectId: string, live: string): string | undefined {
    const scope = scopeOf(urn);
    if (!scope || live === "") return undefined;
    const entry = this.read(this.file(scope, projectId));
    if (!entry || entry.written !== live || entry.stack !== scope.stack || entry.project !== scope.project)
      return undefined;
    return this.nowMs() - entry.writtenAtMs <= JOURNAL_TTL_MS ? entry.restoreTo : undefined;
  }

  /** Drops the entry once its link is gone from the stack. */
  forget(urn: string | undefined, projectId: string): void {
    const scope = scopeOf(urn);
    if (scope) fs.rmSync(this.file(scope, projectId), { force: true });
  }

  private file(scope: { stack: string; project: string }, projectId: string): string {
    const key = createHash("sha256")
      .update(`${scope.stack}\u0000${scope.project}\u0000${projectId}`)
      .digest("hex");
    return path.join(this.dir, `${key.slice(0, 32)}.json`);
  }

  private read(file: string): JournalEntry | undefined {
    try {
      const raw = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<JournalEntry>;
      const text = (v: unknown): v is string => typeof v === "string";
      if (!text(raw.stack) || !text(raw.project) || !text(raw.projectId) || !text(raw.restoreTo))
        return undefined;
      if (!text(raw.written) || typeof raw.writtenAtMs !== "number") return undefined;
      return raw as JournalEntry;
    } catch {
      return undefined; // missing or unreadable: as if nothing was recorded
    }
  }
}
