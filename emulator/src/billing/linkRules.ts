import type { Knobs } from "../knobs";
import { billingAccountName, projectName } from "../resourceNames";
import { linkQuotaExceeded, preconditionFailed } from "../rpcErrors";
import type { BillingAccountRecord, ProjectRecord } from "../store/state";

/**
 * The business rules of a billing link: what readers see, and what a new link must satisfy. Where Google's
 * behaviour is unknown a knob picks one (docs/cloud-billing-api.md §10, §11).
 */

/** The account a project's readers see: none while the project is pending deletion (§10). */
export function visibleBillingAccountId(project: Readonly<ProjectRecord>): string | null {
  return project.lifecycleState === "DELETE_REQUESTED" ? null : project.billingAccountId;
}

/**
 * Step 9 of the check order for a link or move of `project` to `account`, whose current links are
 * `linkedToAccount`: a project pending deletion cannot be linked, a closed account may refuse it, and the
 * account's link quota must have room. The violation types for the first two are ours; Google's are unknown.
 */
export function checkLinkPreconditions(
  project: Readonly<ProjectRecord>,
  account: Readonly<BillingAccountRecord>,
  linkedToAccount: ReadonlyArray<Readonly<ProjectRecord>>,
  knobs: Pick<Knobs, "closedAccountLinkRejected" | "deletedProjectsCountTowardQuota">,
): void {
  if (project.lifecycleState === "DELETE_REQUESTED") {
    throw preconditionFailed(
      "PROJECT_DELETE_REQUESTED",
      projectName(project.projectId),
      `Project ${project.projectId} is pending deletion and cannot be linked to a billing account.`,
    );
  }
  if (!account.open && knobs.closedAccountLinkRejected) {
    throw preconditionFailed(
      "BILLING_ACCOUNT_CLOSED",
      billingAccountName(account.id),
      `Billing account ${billingAccountName(account.id)} is closed.`,
    );
  }
  const alreadyLinked = project.billingAccountId === account.id;
  const used = slotsUsed(linkedToAccount, project.projectId, knobs.deletedProjectsCountTowardQuota);
  if (!alreadyLinked && used >= account.projectLinkQuota)
    throw linkQuotaExceeded(billingAccountName(account.id));
}

/**
 * The link quota counts active projects, and projects pending deletion only with
 * `deletedProjectsCountTowardQuota` (§8). The project being linked is left out, so re-linking it to the
 * account it is on never trips the quota.
 */
function slotsUsed(
  linkedToAccount: ReadonlyArray<Readonly<ProjectRecord>>,
  except: string,
  countDeleted: boolean,
): number {
  return linkedToAccount.filter(
    (p) => p.projectId !== except && (p.lifecycleState === "ACTIVE" || countDeleted),
  ).length;
}
