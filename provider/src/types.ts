/** The shapes the ProjectBillingLink provider reads and writes. Plain data: no Pulumi Output types. */

export const DELETION_POLICIES = ["unlink", "abandon", "restore"] as const;

/**
 * What `pulumi destroy` (or removing the resource) does to the project's billing:
 * - `restore` (default): undo exactly what this resource did. A project it moved from account X goes back to
 *   X; a project it linked from no account is unlinked; a link it adopted (already as declared) is left
 *   alone. Only if the project is still linked to the account this resource set.
 * - `unlink`: unlink the project (which stops its paid services), again only if it is still linked to the
 *   account this resource set — even when the link existed before the stack adopted it.
 * - `abandon`: leave the link as it is and only forget it.
 */
export type DeletionPolicy = (typeof DELETION_POLICIES)[number];

/** The policy of a link that declares none. The one place this default is written. */
export const DEFAULT_DELETION_POLICY: DeletionPolicy = "restore";

/**
 * The policy that version 0.1 of this package recorded for links that declared none. State written by it
 * says `"unlink"` with no marker, and keeps behaving that way until the program declares a policy.
 */
export const LEGACY_DEFAULT_DELETION_POLICY: DeletionPolicy = "unlink";

export type DeletionPolicyOrigin = "declared" | "default" | "legacy-default";

/**
 * Inputs after `check`: validated and in canonical form. Type aliases (not interfaces) so that they are
 * assignable to the loose `Record<string, unknown>` the provider accepts from state written by any version.
 */
export type ProjectBillingLinkInputs = {
  projectId: string;
  /** Canonical `billingAccounts/XXXXXX-XXXXXX-XXXXXX`. */
  billingAccount: string;
  /** The policy in force: declared by the program, or the default recorded when the link was created. */
  deletionPolicy: DeletionPolicy;
  /**
   * Where `deletionPolicy` came from: the program, the default when the link was created, or the default
   * of version 0.1 (`"unlink"`, recorded without this marker), which such a link keeps until the program
   * declares a policy.
   */
  __deletionPolicyOrigin?: DeletionPolicyOrigin;
  /**
   * The resource's URN, computed by the program. Dynamic providers are never told which resource they act
   * on; the provider needs it to attach warnings to the resource and to name both resources of a
   * duplicate. Keys starting with `__` are internal: the engine leaves them out of diffs.
   */
  __urn?: string;
};

export type ProjectBillingLinkOutputs = ProjectBillingLinkInputs & {
  /** The live state: true only when linked to an open account. */
  billingEnabled: boolean;
  /** The account the project had before this resource took it over; "" when it had none. */
  previousBillingAccount: string;
  /**
   * The account this resource last wrote or adopted. Unlike `billingAccount`, `read` never changes it, so
   * `delete` can tell "still linked to what we set" from "someone relinked it" even after a refresh.
   */
  appliedBillingAccount: string;
};
