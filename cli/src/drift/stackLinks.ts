/**
 * The ProjectBillingLinks recorded in a stack's state, from `pulumi stack export` (run without
 * `--show-secrets`: a value the program marked secret stays an encrypted object and never reaches the
 * report). Pure; the export's shape is Pulumi's `apitype.UntypedDeployment` (version 3).
 */
import { RESOURCE_TYPE } from "../../../provider/src/resourceType";
import { canonicalAccount } from "./accountName";
import type { StackLink } from "./classify";

type Raw = Record<string, unknown>;

function isRecord(v: unknown): v is Raw {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The resource name inside a URN (`urn:pulumi:stack::project::type::name`). */
export function resourceNameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

export function stackLinksFromExport(exported: unknown): StackLink[] {
  const deployment = isRecord(exported) && isRecord(exported.deployment) ? exported.deployment : undefined;
  const resources = deployment && Array.isArray(deployment.resources) ? deployment.resources : [];
  const links: StackLink[] = [];
  for (const r of resources) {
    if (!isRecord(r) || r.type !== RESOURCE_TYPE || typeof r.urn !== "string") continue;
    // A resource whose create failed halfway is recorded as pending, without an id; it links nothing yet.
    if (r.delete === true || typeof r.id !== "string" || r.id === "") continue;
    const inputs = isRecord(r.inputs) ? r.inputs : {};
    const outputs = isRecord(r.outputs) ? r.outputs : {};
    // The id is the project ID, and ids are never secret; a secret projectId input would be an object.
    const projectId = typeof inputs.projectId === "string" ? inputs.projectId : r.id;
    const declared =
      canonicalAccount(inputs.billingAccount) || canonicalAccount(outputs.appliedBillingAccount);
    links.push({ urn: r.urn, resource: resourceNameOf(r.urn), projectId, declaredBillingAccount: declared });
  }
  return links;
}
