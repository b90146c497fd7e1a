/**
 * Verification after a billing-info write whose own response did not show the write. The API is eventually
 * consistent (docs/cloud-billing-api.md §9), so the client then reads back, with backoff and a bounded
 * number of reads, until the new `billingAccountName` is visible. A response that shows the write needs no
 * read-back (cloudBillingClient.ts).
 */
import { VerificationTimeoutError } from "./errors";
import type { Clock, ProjectBillingInfo, VerifyOptions } from "./types";

export const DEFAULT_VERIFY: Required<VerifyOptions> = { maxReads: 8, initialDelayMs: 250, maxDelayMs: 4000 };

export function verifyOptions(v: VerifyOptions = {}): Required<VerifyOptions> {
  return {
    maxReads: v.maxReads ?? DEFAULT_VERIFY.maxReads,
    initialDelayMs: v.initialDelayMs ?? DEFAULT_VERIFY.initialDelayMs,
    maxDelayMs: v.maxDelayMs ?? DEFAULT_VERIFY.maxDelayMs,
  };
}

/** Reads until the project shows `target` ("" = unlinked); returns that read, or throws. */
export async function readBackUntil(
  read: () => Promise<ProjectBillingInfo>,
  projectId: string,
  target: string,
  verify: Required<VerifyOptions>,
  clock: Clock,
  signal?: AbortSignal,
): Promise<ProjectBillingInfo> {
  let delayMs = verify.initialDelayMs;
  let last: ProjectBillingInfo | undefined;
  for (let reads = 1; reads <= verify.maxReads; reads++) {
    last = await read();
    if (last.billingAccountName === target) return last;
    if (reads === verify.maxReads) break;
    await clock.sleep(delayMs, signal);
    delayMs = Math.min(verify.maxDelayMs, delayMs * 2);
  }
  throw new VerificationTimeoutError(
    `projects.updateBillingInfo projects/${projectId} was accepted, but after ${verify.maxReads} reads the project still shows ${last?.billingAccountName || "(unlinked)"} instead of ${target || "(unlinked)"}.`,
    {
      method: "projects.updateBillingInfo",
      resource: `projects/${projectId}`,
      status: "DEADLINE_EXCEEDED",
      hint: "The change may still propagate; re-run (`pulumi up --refresh`) in a minute, or raise `verify.maxReads`.",
    },
  );
}
