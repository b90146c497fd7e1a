// Retries, read back from the emulator's request log. The log does not say which attempts belong to one
// logical call, but a call's attempts are requests of one method to one path, sent one after another, and
// only a retryable failure is ever followed by another attempt. So, per method and path, every retryable
// failure that some later request follows is a retry. That is exact when each call ended in an answer
// (the scenarios that count this way assert so) and over-counts only a call that gave up and was made again.
// An answer the client had stopped waiting for (`abandoned`, a slow fault) is a failed attempt too.
import type { LoggedRequest } from "../../../emulator/src";

/** What the sdk retries (sdk/src/retry.ts): no answer (logged as 0: dropped or hung), 408, 429 and 5xx. */
export function isRetryableFailure(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

export interface RetryStats {
  /** Attempts beyond the first of each logical call. */
  retries: number;
  /** Logical calls: each run of attempts on one method and path that ends in an answer, or in a failure. */
  calls: number;
  /** The longest run of consecutive retryable failures on one method and path. */
  longestFailureRun: number;
  /** Calls whose last attempt was a retryable failure (they gave up), as `method path`. */
  unfinished: string[];
}

export function retryStats(log: readonly LoggedRequest[]): RetryStats {
  const byKey = new Map<string, LoggedRequest[]>();
  const stats: RetryStats = { retries: 0, calls: 0, longestFailureRun: 0, unfinished: [] };
  for (const entry of log) {
    // Logged when its late answer went out, after the attempt the client made instead: it is a retry of a
    // call that the rest of the sequence shows, wherever the log put it.
    if (entry.abandoned) {
      stats.retries += 1;
      continue;
    }
    const key = `${entry.method} ${entry.path}`;
    byKey.set(key, [...(byKey.get(key) ?? []), entry]);
  }
  for (const [key, entries] of byKey) {
    let run = 0;
    entries.forEach((entry, i) => {
      const last = i === entries.length - 1;
      if (!isRetryableFailure(entry.status)) {
        stats.calls += 1;
        run = 0;
        return;
      }
      run += 1;
      stats.longestFailureRun = Math.max(stats.longestFailureRun, run);
      if (last) {
        stats.calls += 1;
        stats.unfinished.push(key);
      } else stats.retries += 1;
    });
  }
  return stats;
}
