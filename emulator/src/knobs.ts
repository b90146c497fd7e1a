import { z } from "zod";

/**
 * One deterministic fault, consumed by the first request whose method matches (or any request when `method`
 * is unset): an error status, `"reset"` (the connection is destroyed), `"slow"` (the request is held for
 * `delayMs`, then handled as usual) or `"hang"` (never answered: only the client giving up ends it).
 */
export const injectedFaultSchema = z
  .strictObject({
    status: z.union([
      z.literal(429),
      z.literal(500),
      z.literal(503),
      z.literal("reset"),
      z.literal("slow"),
      z.literal("hang"),
    ]),
    method: z.string().optional(),
    retryAfterSeconds: z.number().int().nonnegative().optional(),
    /** How long a `"slow"` request is held before it is handled. */
    delayMs: z.number().int().nonnegative().optional(),
  })
  .refine((f) => (f.status === "slow") === (f.delayMs !== undefined), {
    message: 'delayMs is required with status "slow", and only allowed with it',
    path: ["delayMs"],
  });
export type InjectedFault = z.infer<typeof injectedFaultSchema>;

/**
 * Realism switches. All are off by default so tests are deterministic; each one exists because
 * Google's behaviour is either non-deterministic (latency, faults) or unknown (see docs/emulator.md).
 */
export const knobsSchema = z.strictObject({
  /** Added to every Google API and OAuth response, in wall-clock milliseconds. */
  latencyMs: z.number().int().nonnegative(),
  /** Calls per minute per consumer project before 429 RESOURCE_EXHAUSTED; 0 disables the limit. */
  rateLimitPerMinute: z.number().int().nonnegative(),
  /** Probability in [0,1] that a request fails with `failureStatus`. */
  failureRate: z.number().min(0).max(1),
  failureStatus: z.union([z.literal(500), z.literal(503)]),
  /** Queue of deterministic faults for tests. */
  failNext: z.array(injectedFaultSchema),
  /** Probability in [0,1] that the socket is destroyed without an answer. */
  dropConnectionRate: z.number().min(0).max(1),
  /** Probability in [0,1] of a 429 RESOURCE_EXHAUSTED (OAuth: `rate_limit_exceeded`) with `Retry-After`. */
  throttleRate: z.number().min(0).max(1),
  /** The `Retry-After` (and RetryInfo delay) of the 429s `throttleRate` injects, in seconds. */
  throttleRetryAfterSeconds: z.number().int().nonnegative(),
  /**
   * Makes the random faults reproducible: whether the n-th request to a path is dropped, failed or throttled
   * depends only on this seed, the method, the path and n — not on timing, nor on the order in which other
   * requests arrived. `null`: `Math.random()`.
   */
  faultSeed: z.number().int().nullable(),
  /** After a billing-info write, this many getBillingInfo reads still see the previous value. */
  propagationDelayReads: z.number().int().nonnegative(),
  /**
   * A billing-info write answers with what the project showed before it, as a lagging replica would (the
   * writer does not see its own write either); by default the write's response shows the write.
   */
  staleWriteResponses: z.boolean(),
  /**
   * Reject cloud-billing.readonly on projects.getBillingInfo (Google's prose docs vs discovery,
   * docs/cloud-billing-api.md §2.1).
   */
  strictReadonlyScope: z.boolean(),
  /** Print default-valued proto3 fields (`"billingAccountName": ""`, `"billingEnabled": false`). */
  printDefaults: z.boolean(),
  /** Answer FAILED_PRECONDITION to a link to a closed account instead of accepting it with billingEnabled=false. */
  closedAccountLinkRejected: z.boolean(),
  /** Projects pending deletion keep counting toward their link quota (docs/cloud-billing-api.md §10). */
  deletedProjectsCountTowardQuota: z.boolean(),
  /** When set to a seeded principal's email, the consent page approves immediately as that principal. */
  autoApproveAs: z.string().nullable(),
});
export type Knobs = z.infer<typeof knobsSchema>;

export const partialKnobsSchema = knobsSchema.partial();
export type PartialKnobs = z.infer<typeof partialKnobsSchema>;

export const DEFAULT_KNOBS: Readonly<Knobs> = Object.freeze({
  latencyMs: 0,
  rateLimitPerMinute: 0,
  failureRate: 0,
  failureStatus: 503,
  failNext: [],
  dropConnectionRate: 0,
  throttleRate: 0,
  throttleRetryAfterSeconds: 1,
  faultSeed: null,
  propagationDelayReads: 0,
  staleWriteResponses: false,
  strictReadonlyScope: false,
  printDefaults: false,
  closedAccountLinkRejected: false,
  deletedProjectsCountTowardQuota: false,
  autoApproveAs: null,
});

/** Returns a fresh knob set: defaults, then each override in order. `failNext` arrays are copied, never shared. */
export function mergeKnobs(...overrides: Array<PartialKnobs | undefined>): Knobs {
  const merged: Knobs = { ...DEFAULT_KNOBS, failNext: [] };
  for (const o of overrides) {
    if (!o) continue;
    const parsed = partialKnobsSchema.parse(o);
    Object.assign(merged, parsed);
    if (parsed.failNext) merged.failNext = [...parsed.failNext];
  }
  // The random faults share one draw (faults.ts): each rate is its share of all requests, so together they
  // cannot exceed every request.
  const randomFaults = merged.dropConnectionRate + merged.failureRate + merged.throttleRate;
  if (randomFaults > 1 + 1e-9)
    throw new Error(
      `dropConnectionRate + failureRate + throttleRate is ${randomFaults}; together they may be at most 1`,
    );
  return merged;
}
