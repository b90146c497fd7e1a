/** The shapes the ProjectBillingLink provider reads and writes. Plain data: no Pulumi Output types. */

export const DELETION_POLICIES = ["unlink", "abandon", "restore"] as const;

/**
 * What `pulumi destroy` (or removing the resource) does to the project's billing:
 * - `unlink` (default): unlink the project, but only if it is still linked to the account this resource set.
 * - `abandon`: leave the link as it is and only forget it.
 * - `restore`: relink the project to the account it had before this resource took it over (or unlink it if it
 *   had none), again only if it is still linked to the account this resource set.
 */
export type DeletionPolicy = (typeof DELETION_POLICIES)[number];

/** Inputs after `check`: validated and in canonical form. */
export interface ProjectBillingLinkInputs {
  projectId: string;
  /** Canonical `billingAccounts/XXXXXX-XXXXXX-XXXXXX`. */
  billingAccount: string;
  deletionPolicy: DeletionPolicy;
}

export interface ProjectBillingLinkOutputs extends ProjectBillingLinkInputs {
  /** The live state: true only when linked to an open account. */
  billingEnabled: boolean;
  /** The account the project had before this resource took it over; "" when it had none. */
  previousBillingAccount: string;
  /**
   * The account this resource last wrote or adopted. Unlike `billingAccount`, `read` never changes it, so
   * `delete` can tell "still linked to what we set" from "someone relinked it" even after a refresh.
   */
  appliedBillingAccount: string;
}
