/** A value a project showed before its last writes, served to the next few reads. */
interface StaleValue {
  billingAccountId: string | null;
  remainingReads: number;
}

/**
 * The `propagationDelayReads` knob: after a write, getBillingInfo keeps answering the previous value for N
 * reads, like a lagging replica (docs/cloud-billing-api.md §9). Kept in memory only: a restart or a reset
 * ends the lag, as the state file holds only the world itself.
 */
export class PropagationLag {
  readonly #stale = new Map<string, StaleValue>();

  /**
   * Starts (or restarts) the lag after a write that changed what readers see. A burst of writes keeps the
   * value from before the first of them, until `delayReads` reads have passed since the last.
   */
  recordWrite(projectId: string, before: string | null, after: string | null, delayReads: number): void {
    if (delayReads <= 0 || before === after) return;
    const lagging = this.#stale.get(projectId);
    this.#stale.set(projectId, {
      billingAccountId: lagging ? lagging.billingAccountId : before,
      remainingReads: delayReads,
    });
  }

  /** The stale value this read must see, if any; each call uses up one read of the lag. */
  takeStaleRead(projectId: string): { billingAccountId: string | null } | undefined {
    const stale = this.#stale.get(projectId);
    if (!stale) return undefined;
    stale.remainingReads -= 1;
    if (stale.remainingReads <= 0) this.#stale.delete(projectId);
    return { billingAccountId: stale.billingAccountId };
  }

  clear(): void {
    this.#stale.clear();
  }
}
