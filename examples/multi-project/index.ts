// Several projects, each linked to a billing account, declared in stack config:
//
//   multi-project:defaultBillingAccount  012345-567890-ABCDEF          (used by entries without an account)
//   multi-project:deletionPolicy         restore | unlink | abandon    (optional; unset = the provider's
//                                                                       default, "restore")
//   multi-project:projects               a map of project ID → entry, where an entry is
//                                          null                        use the default account
//                                          "0B1C2D-3E4F5A-6B7C8D"      this account
//                                          { billingAccount?, deletionPolicy? }
//
// See README.md for a complete Pulumi.<stack>.yaml.
import * as pulumi from "@pulumi/pulumi";
import { DELETION_POLICIES, ProjectBillingLink, type DeletionPolicy } from "gcp-billing-link";

const config = new pulumi.Config();
const project = pulumi.getProject();

interface Declared {
  projectId: string;
  billingAccount: string;
  /** Undefined: the provider's default ("restore"). */
  deletionPolicy?: DeletionPolicy;
}

function isDeletionPolicy(value: string): value is DeletionPolicy {
  return DELETION_POLICIES.some((policy) => policy === value);
}

/** A config value that may be absent (undefined, null or ""), else must be a string. */
function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw new Error(`${where} must be a string; got ${JSON.stringify(value)}`);
  return value;
}

function deletionPolicyFrom(value: unknown, where: string): DeletionPolicy | undefined {
  const policy = optionalString(value, where);
  if (policy === undefined) return undefined;
  if (!isDeletionPolicy(policy)) {
    throw new Error(`${where} must be one of ${DELETION_POLICIES.join(", ")}; got ${JSON.stringify(value)}`);
  }
  return policy;
}

function readProjects(): Declared[] {
  const defaultAccount = config.get("defaultBillingAccount");
  const defaultPolicy = deletionPolicyFrom(config.get("deletionPolicy"), `${project}:deletionPolicy`);
  const entries = config.requireObject<unknown>("projects");
  if (typeof entries !== "object" || entries === null || Array.isArray(entries)) {
    throw new Error(
      `${project}:projects must be a map of project ID → billing account (or null for the default)`,
    );
  }
  return Object.entries(entries).map(([projectId, entry]: [string, unknown]) => {
    const where = `${project}:projects.${projectId}`;
    const spec: unknown = typeof entry === "string" ? { billingAccount: entry } : (entry ?? {});
    if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
      throw new Error(`${where} must be null, a billing account, or { billingAccount, deletionPolicy }`);
    }
    const fields: { billingAccount?: unknown; deletionPolicy?: unknown } = spec;
    const billingAccount = optionalString(fields.billingAccount, `${where}.billingAccount`) ?? defaultAccount;
    if (!billingAccount) {
      throw new Error(`${where} has no billingAccount and ${project}:defaultBillingAccount is not set`);
    }
    const deletionPolicy =
      deletionPolicyFrom(fields.deletionPolicy, `${where}.deletionPolicy`) ?? defaultPolicy;
    return { projectId, billingAccount, deletionPolicy };
  });
}

// The resource name is the project ID, so adding or removing one project never touches the others.
const resources = readProjects().map(
  (declared) =>
    new ProjectBillingLink(declared.projectId, {
      projectId: declared.projectId,
      billingAccount: declared.billingAccount,
      deletionPolicy: declared.deletionPolicy,
    }),
);

const rows = pulumi.output(
  resources.map((link) =>
    pulumi.output({
      projectId: link.projectId,
      billingAccount: link.billingAccount,
      billingEnabled: link.billingEnabled,
      previousBillingAccount: link.previousBillingAccount,
      deletionPolicy: link.deletionPolicy,
    }),
  ),
);

/** projectId → { billingAccount, billingEnabled, previousBillingAccount, deletionPolicy } */
export const links = rows.apply((all) =>
  Object.fromEntries(all.map(({ projectId, ...rest }) => [projectId, rest])),
);

/** billing account → sorted project IDs linked to it by this stack */
export const projectsByAccount = rows.apply((all) => {
  const byAccount: Record<string, string[]> = {};
  for (const { projectId, billingAccount } of all) (byAccount[billingAccount] ??= []).push(projectId);
  for (const ids of Object.values(byAccount)) ids.sort();
  return byAccount;
});

export const linkedProjectCount = resources.length;
