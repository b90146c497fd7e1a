/**
 * Folds the engine events of `pulumi refresh --preview-only --run-program` into what each link's read
 * found. Pure, and tested against events recorded from the pinned engine
 * (tests/unit/fixtures/drift/). What the engine emits, per resource in the state:
 *
 * - `resourcePreEvent` op `refresh` when its Read starts;
 * - `resOutputsEvent` when the Read returned: `old` is the state before, `new` the refreshed state (op
 *   `same` or `update`), or op `delete` with no `new` when the provider answered "gone" (a 404);
 * - on failure, a `diagnosticEvent` of severity `error` carrying the resource's URN, and no outputs event.
 *
 * Running the program also emits `same` events for resources the program declares but the state does
 * not hold (their `old.id` is empty): they were never read and are ignored here.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { RESOURCE_TYPE } from "../../../provider/src/resourceType";
import { canonicalAccount } from "./accountName";
import type { LinkReading } from "./classify";

export interface EngineError {
  /** The resource the engine attached the error to, if any. */
  urn?: string;
  /** As the engine printed it (not yet redacted or flattened). */
  message: string;
}

export interface RefreshResult {
  /** By URN, for every link whose read finished. */
  readings: Map<string, LinkReading>;
  errors: EngineError[];
}

/** The engine's closing line for any failed preview; it adds nothing when a specific error came first. */
const GENERIC_FAILURE = /^(preview|refresh|update) failed\.?$/i;

export function foldRefreshEvents(events: readonly EngineEvent[]): RefreshResult {
  const readings = new Map<string, LinkReading>();
  const errors: EngineError[] = [];
  for (const event of events) {
    const outputs = event.resOutputsEvent?.metadata;
    if (outputs && outputs.type === RESOURCE_TYPE && outputs.old?.id && !readings.has(outputs.urn)) {
      readings.set(outputs.urn, readingOf(outputs.new));
    }
    const diag = event.diagnosticEvent;
    if (diag && diag.severity === "error") {
      errors.push({ ...(diag.urn ? { urn: diag.urn } : {}), message: diag.message.trim() });
    }
  }
  const specific = errors.filter((e) => !GENERIC_FAILURE.test(e.message));
  return { readings, errors: specific.length > 0 ? specific : errors };
}

function readingOf(state: { id?: string; outputs?: Record<string, unknown> } | undefined): LinkReading {
  // The provider's read answers "gone" only for a 404 (provider/src/projectBillingLinkProvider.ts).
  if (!state || !state.id) return { kind: "gone" };
  const outputs = state.outputs ?? {};
  return {
    kind: "live",
    billingAccount: canonicalAccount(outputs.billingAccount),
    billingEnabled: outputs.billingEnabled === true,
  };
}
