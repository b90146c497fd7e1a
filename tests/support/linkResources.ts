// Reading ProjectBillingLink resources out of a mocked program run.
import type { MockResource } from "./programWithMocks";

export const PROJECT_BILLING_LINK = "pulumi-nodejs:dynamic/gcp-billing:ProjectBillingLink";

export interface DeclaredLink {
  name: string;
  inputs: Record<string, unknown>;
}

/** Each ProjectBillingLink's name and inputs, without the serialized provider (`__provider`). */
export function declaredLinks(resources: MockResource[]): DeclaredLink[] {
  return resources
    .filter((r) => r.type === PROJECT_BILLING_LINK)
    .map((r) => {
      const inputs: Record<string, unknown> = { ...r.inputs };
      delete inputs.__provider;
      return { name: r.name, inputs };
    });
}

/** The state of a link the "provider" made true exactly as declared: what the stack outputs read. */
export function linkedAsDeclared(resource: MockResource): Record<string, unknown> {
  return { ...resource.inputs, billingEnabled: true, previousBillingAccount: "" };
}
