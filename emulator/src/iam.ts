/**
 * The slice of Google Cloud IAM the emulator needs: which permissions each seeded role grants, and
 * which permissions a principal holds on a resource. Role contents follow
 * https://cloud.google.com/iam/docs/roles-permissions/billing and …/resourcemanager, trimmed to the
 * permissions the Cloud Billing API checks; deviations are listed in docs/emulator.md.
 */

export const KNOWN_ROLES = [
  "roles/owner",
  "roles/viewer",
  "roles/billing.admin",
  "roles/billing.user",
  "roles/billing.viewer",
  "roles/billing.projectManager",
  "roles/serviceusage.serviceUsageConsumer",
  "roles/iam.serviceAccountTokenCreator",
  "roles/iam.workloadIdentityUser",
] as const;
export type KnownRole = (typeof KNOWN_ROLES)[number];

const BILLING_ACCOUNT_READ = [
  "billing.accounts.get",
  "billing.accounts.getIamPolicy",
  "billing.accounts.list",
  "billing.resourceAssociations.list",
  "billing.credits.list",
];

export const ROLE_PERMISSIONS: Readonly<Record<KnownRole, readonly string[]>> = {
  // Basic Owner. At organization level it also stands in for Billing Account Administrator so the
  // seeded admin can make out-of-band changes anywhere (documented simplification).
  "roles/owner": [
    "resourcemanager.projects.get",
    "resourcemanager.projects.getIamPolicy",
    "resourcemanager.projects.createBillingAssignment",
    "resourcemanager.projects.deleteBillingAssignment",
    "serviceusage.services.use",
    "serviceusage.services.get",
    "serviceusage.services.list",
    ...BILLING_ACCOUNT_READ,
    "billing.accounts.update",
    "billing.accounts.setIamPolicy",
    "billing.resourceAssociations.create",
    "billing.resourceAssociations.delete",
  ],
  "roles/viewer": [
    "resourcemanager.projects.get",
    "resourcemanager.projects.getIamPolicy",
    "serviceusage.services.get",
    "serviceusage.services.list",
  ],
  "roles/billing.admin": [
    ...BILLING_ACCOUNT_READ,
    "billing.accounts.update",
    "billing.accounts.close",
    "billing.accounts.setIamPolicy",
    "billing.resourceAssociations.create",
    "billing.resourceAssociations.delete",
  ],
  "roles/billing.user": [
    ...BILLING_ACCOUNT_READ,
    "billing.accounts.redeemPromotionalCredits",
    "billing.resourceAssociations.create",
  ],
  "roles/billing.viewer": [
    ...BILLING_ACCOUNT_READ,
    "billing.accounts.getSpendingInformation",
    "billing.accounts.getUsageExportSpec",
  ],
  // Project Billing Manager does NOT include resourcemanager.projects.get on Google either.
  "roles/billing.projectManager": [
    "resourcemanager.projects.createBillingAssignment",
    "resourcemanager.projects.deleteBillingAssignment",
  ],
  "roles/serviceusage.serviceUsageConsumer": [
    "serviceusage.services.use",
    "serviceusage.services.get",
    "serviceusage.services.list",
    "serviceusage.quotas.get",
  ],
  // https://cloud.google.com/iam/docs/roles-permissions/iam: granted on a service account (or its project).
  "roles/iam.serviceAccountTokenCreator": [
    "iam.serviceAccounts.getAccessToken",
    "iam.serviceAccounts.getOpenIdToken",
    "iam.serviceAccounts.implicitDelegation",
    "iam.serviceAccounts.signBlob",
    "iam.serviceAccounts.signJwt",
  ],
  // What workload identity federation guides grant a pool's principalSet on the service account it impersonates.
  "roles/iam.workloadIdentityUser": [
    "iam.serviceAccounts.get",
    "iam.serviceAccounts.getAccessToken",
    "iam.serviceAccounts.getOpenIdToken",
    "iam.serviceAccounts.list",
  ],
};

export interface IamBinding {
  resource: string;
  role: KnownRole;
  members: string[];
}

/**
 * Who is asking: an email (a user or a service account, matched as `user:` or `serviceAccount:`), or
 * the member strings a federated identity matches (`principal://…/subject/S`, `principalSet://…`).
 */
export type Principal = string | { readonly memberIds: readonly string[] };

function isMember(members: readonly string[], who: Principal): boolean {
  if (typeof who !== "string") return who.memberIds.some((id) => members.includes(id));
  return members.includes(`user:${who}`) || members.includes(`serviceAccount:${who}`);
}

/** Organization bindings apply everywhere; a project's also apply to the service accounts in it. */
function bindingApplies(bindingResource: string, resource: string): boolean {
  if (bindingResource === resource || bindingResource.startsWith("organizations/")) return true;
  return (
    bindingResource.startsWith("projects/") && resource.startsWith(`${bindingResource}/serviceAccounts/`)
  );
}

/**
 * Permissions `who` holds on `resource` (`projects/p`, `billingAccounts/X`,
 * `projects/p/serviceAccounts/e`): its own bindings plus every organization-level binding, which the
 * seed's resources all inherit. Bindings on a resource that does not exist still count, as on Google
 * where policies outlive nothing — but the seed only binds existing resources, so in practice only
 * org-level access reaches missing ones.
 */
export function permissionsOn(
  bindings: readonly IamBinding[],
  who: Principal,
  resource: string,
): Set<string> {
  const granted = new Set<string>();
  for (const b of bindings) {
    if (!bindingApplies(b.resource, resource) || !isMember(b.members, who)) continue;
    for (const p of ROLE_PERMISSIONS[b.role]) granted.add(p);
  }
  return granted;
}

export function hasPermission(
  bindings: readonly IamBinding[],
  who: Principal,
  resource: string,
  permission: string,
): boolean {
  return permissionsOn(bindings, who, resource).has(permission);
}

/** The bindings stored directly on `resource`, grouped by role the way getIamPolicy returns them. */
export function policyBindings(
  bindings: readonly IamBinding[],
  resource: string,
): Array<{ role: string; members: string[] }> {
  const byRole = new Map<string, Set<string>>();
  for (const b of bindings) {
    if (b.resource !== resource) continue;
    const members = byRole.get(b.role) ?? new Set<string>();
    b.members.forEach((m) => members.add(m));
    byRole.set(b.role, members);
  }
  return [...byRole.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([role, members]) => ({ role, members: [...members].sort() }));
}
