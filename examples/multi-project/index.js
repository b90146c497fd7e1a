"use strict";
// Several projects, each linked to a billing account, declared in stack config:
//
//   multi-project:defaultBillingAccount  012345-567890-ABCDEF          (used by entries without an account)
//   multi-project:deletionPolicy         unlink | abandon | restore    (optional; default "unlink")
//   multi-project:projects               a map of project ID → entry, where an entry is
//                                          null                        use the default account
//                                          "0B1C2D-3E4F5A-6B7C8D"      this account
//                                          { billingAccount?, deletionPolicy? }
//
// See README.md for a complete Pulumi.<stack>.yaml.
const pulumi = require("@pulumi/pulumi");
const { ProjectBillingLink, DELETION_POLICIES } = require("gcp-billing-link");

const config = new pulumi.Config();
const project = pulumi.getProject();

/**
 * @typedef {"unlink" | "abandon" | "restore"} DeletionPolicy
 * @typedef {{ projectId: string, billingAccount: string, deletionPolicy: DeletionPolicy }} Declared
 */

/** @param {unknown} value @param {string} where @returns {DeletionPolicy | undefined} */
function deletionPolicyFrom(value, where) {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string" || !(/** @type {readonly string[]} */ (DELETION_POLICIES).includes(value))) {
    throw new Error(`${where} must be one of ${DELETION_POLICIES.join(", ")}; got ${JSON.stringify(value)}`);
  }
  return /** @type {DeletionPolicy} */ (value);
}

/** @returns {Declared[]} */
function readProjects() {
  const defaultAccount = config.get("defaultBillingAccount");
  const defaultPolicy =
    deletionPolicyFrom(config.get("deletionPolicy"), `${project}:deletionPolicy`) ?? "unlink";
  const entries = config.requireObject("projects");
  if (typeof entries !== "object" || entries === null || Array.isArray(entries)) {
    throw new Error(
      `${project}:projects must be a map of project ID → billing account (or null for the default)`,
    );
  }
  return Object.entries(entries).map(([projectId, entry]) => {
    const where = `${project}:projects.${projectId}`;
    const spec = typeof entry === "string" ? { billingAccount: entry } : (entry ?? {});
    if (typeof spec !== "object" || Array.isArray(spec)) {
      throw new Error(`${where} must be null, a billing account, or { billingAccount, deletionPolicy }`);
    }
    const billingAccount = spec.billingAccount || defaultAccount;
    if (!billingAccount) {
      throw new Error(`${where} has no billingAccount and ${project}:defaultBillingAccount is not set`);
    }
    const deletionPolicy =
      deletionPolicyFrom(spec.deletionPolicy, `${where}.deletionPolicy`) ?? defaultPolicy;
    return { projectId, billingAccount, deletionPolicy };
  });
}

// The resource name is the project ID, so adding or removing one project never touches the others.
const links = readProjects().map(
  (declared) =>
    new ProjectBillingLink(declared.projectId, {
      projectId: declared.projectId,
      billingAccount: declared.billingAccount,
      deletionPolicy: declared.deletionPolicy,
    }),
);

const rows = pulumi.output(
  links.map((link) =>
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
exports.links = rows.apply((all) =>
  Object.fromEntries(all.map(({ projectId, ...rest }) => [projectId, rest])),
);

/** billing account → sorted project IDs linked to it by this stack */
exports.projectsByAccount = rows.apply((all) => {
  /** @type {Record<string, string[]>} */
  const byAccount = {};
  for (const { projectId, billingAccount } of all) (byAccount[billingAccount] ??= []).push(projectId);
  for (const ids of Object.values(byAccount)) ids.sort();
  return byAccount;
});

exports.linkedProjectCount = links.length;
