// Reading ProjectBillingLink resources out of a mocked program run.
import { DEFAULT_DELETION_POLICY } from "../../provider/src";
import type { MockResource } from "./programWithMocks";

export const PROJECT_BILLING_LINK = "pulumi-nodejs:dynamic/gcp-billing:ProjectBillingLink";

export interface DeclaredLink {
  name: string;
  inputs: Record<string, unknown>;
}

/**
 * Each ProjectBillingLink's name and declared inputs, without the internal ones the engine also hides from
 * diffs (`__provider`, the serialized provider; `__urn`, the URN the resource passes to its provider).
 * Sorted by name: resources register as their inputs resolve, so their order is not the program's.
 */
export function declaredLinks(resources: MockResource[]): DeclaredLink[] {
  return resources
    .filter((r) => r.type === PROJECT_BILLING_LINK)
    .map((r) => {
      const inputs = Object.fromEntries(Object.entries(r.inputs).filter(([key]) => !key.startsWith("__")));
      return { name: r.name, inputs };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The state of a link the "provider" made true exactly as declared: what the stack outputs read. A link
 * that declares no deletionPolicy gets the provider's default, as `check` gives it.
 */
export function linkedAsDeclared(resource: MockResource): Record<string, unknown> {
  return {
    ...resource.inputs,
    deletionPolicy: resource.inputs.deletionPolicy ?? DEFAULT_DELETION_POLICY,
    billingEnabled: true,
    previousBillingAccount: "",
  };
}
