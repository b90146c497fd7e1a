import { createHash } from "node:crypto";
import type { Caller } from "../caller";
import { hasPermission, permissionsOn, policyBindings } from "../iam";
import type { Knobs } from "../knobs";
import { paginate } from "../pagination";
import { billingAccountName, projectBillingInfoName, projectName } from "../resourceNames";
import { iamPermissionDenied, notFound } from "../rpcErrors";
import type { BillingAccountRecord, ProjectRecord } from "../store/state";
import type { BillingStore } from "../store/store";
import { checkLinkPreconditions, visibleBillingAccountId } from "./linkRules";
import type {
  BillingAccount,
  ListBillingAccountsResponse,
  ListProjectBillingInfoResponse,
  Policy,
  ProjectBillingInfo,
  TestIamPermissionsResponse,
} from "./messages";
import { PropagationLag } from "./propagationLag";
import type {
  AccountListing,
  BillingAccountId,
  Permission,
  ProjectListing,
  ProjectRef,
} from "./requestSyntax";

/** The knobs that change billing behaviour (docs/cloud-billing-api.md §11); read afresh on every call. */
export type BillingKnobs = Pick<
  Knobs,
  | "propagationDelayReads"
  | "staleWriteResponses"
  | "closedAccountLinkRejected"
  | "deletedProjectsCountTowardQuota"
>;

/**
 * The Cloud Billing API v1 methods (docs/cloud-billing-api.md §2) over a `BillingStore`, without HTTP.
 * Their inputs passed the syntax step already (`requestSyntax.ts` builds them); each method then runs the
 * rest of the check order (§7): IAM → existence → preconditions, throwing the emulator's RpcErrors, and
 * answers a response message (`messages.ts`) for the route to render.
 *
 * IAM is checked on the requested name even when nothing exists there, so a missing resource is a 403 to
 * anyone without organization-level access (§10).
 */
export class CloudBilling {
  readonly #lag = new PropagationLag();

  constructor(
    private readonly store: BillingStore,
    private readonly knobs: () => BillingKnobs,
  ) {}

  /** projects.getBillingInfo. A read may still see the value from before a recent write (§9). */
  getBillingInfo(caller: Caller, ref: ProjectRef): ProjectBillingInfo {
    const project = this.findProject(ref);
    this.requirePermission(caller, projectName(project?.projectId ?? ref), "resourcemanager.projects.get");
    if (!project) throw notFound();
    const stale = this.#lag.takeStaleRead(project.projectId);
    return this.billingInfo(
      project.projectId,
      stale ? stale.billingAccountId : visibleBillingAccountId(project),
    );
  }

  /**
   * projects.updateBillingInfo: links or moves the project to `target`, or unlinks it (null). The
   * preconditions and the write run in one synchronous step, so parallel links never overshoot a quota.
   */
  updateBillingInfo(caller: Caller, ref: ProjectRef, target: BillingAccountId | null): ProjectBillingInfo {
    const project = this.findProject(ref);
    this.requireAssignmentPermissions(caller, projectName(project?.projectId ?? ref), target);
    if (!project) throw notFound();
    if (target !== null) {
      const account = this.existingAccount(target);
      checkLinkPreconditions(project, account, this.store.projectsLinkedTo(target), this.knobs());
    }
    const before = visibleBillingAccountId(project);
    this.store.setProjectBillingAccount(project.projectId, target);
    this.#lag.recordWrite(project.projectId, before, target, this.knobs().propagationDelayReads);
    // By default the writer sees its own write at once (only later reads lag); `staleWriteResponses` makes
    // the response lag too. A project pending deletion would show no account, but the only write it can get
    // is an unlink.
    return this.billingInfo(project.projectId, this.knobs().staleWriteResponses ? before : target);
  }

  /** billingAccounts.get. */
  getBillingAccount(caller: Caller, id: BillingAccountId): BillingAccount {
    this.requirePermission(caller, billingAccountName(id), "billing.accounts.get");
    return billingAccountMessage(this.existingAccount(id));
  }

  /** billingAccounts.list: needs no permission to call, and lists only the accounts the caller may view. */
  listBillingAccounts(caller: Caller, listing: AccountListing): ListBillingAccountsResponse {
    const visible = this.store
      .billingAccounts()
      .filter((a) => this.permits(caller, billingAccountName(a.id), "billing.accounts.get"))
      .filter((a) => listing.matches(a))
      .sort((a, b) => a.id.localeCompare(b.id));
    const page = paginate(visible, listing.offset, listing.pageSize, listing.scope);
    return {
      billingAccounts: page.items.map(billingAccountMessage),
      nextPageToken: page.nextPageToken ?? "",
    };
  }

  /** billingAccounts.projects.list: the projects readers see on the account, so none pending deletion. */
  listProjectBillingInfo(caller: Caller, listing: ProjectListing): ListProjectBillingInfoResponse {
    const id = listing.accountId;
    this.requirePermission(caller, billingAccountName(id), "billing.resourceAssociations.list");
    this.existingAccount(id);
    const linked = this.store
      .projectsLinkedTo(id)
      .filter((p) => visibleBillingAccountId(p) === id)
      .sort((a, b) => a.projectId.localeCompare(b.projectId));
    const page = paginate(linked, listing.offset, listing.pageSize, listing.scope);
    return {
      projectBillingInfo: page.items.map((p) => this.billingInfo(p.projectId, id)),
      nextPageToken: page.nextPageToken ?? "",
    };
  }

  /** billingAccounts.testIamPermissions: needs no permission, so a missing account is a 404 to everyone. */
  testIamPermissions(
    caller: Caller,
    id: BillingAccountId,
    requested: readonly Permission[],
  ): TestIamPermissionsResponse {
    this.existingAccount(id);
    const held = permissionsOn(this.store.iamBindings(), caller, billingAccountName(id));
    return { permissions: [...new Set(requested.filter((p) => held.has(p)))] };
  }

  /** billingAccounts.getIamPolicy: the bindings set on the account itself, not inherited ones. */
  getIamPolicy(caller: Caller, id: BillingAccountId): Policy {
    this.requirePermission(caller, billingAccountName(id), "billing.accounts.getIamPolicy");
    this.existingAccount(id);
    const bindings = policyBindings(this.store.iamBindings(), billingAccountName(id));
    return { version: 1, bindings, etag: etagOf(bindings) };
  }

  /** Ends every read lag: a reset puts the world back to the seed, where nothing was written. */
  forgetStaleReads(): void {
    this.#lag.clear();
  }

  /** By number too; the answer then names the project by its id, as Google does. */
  private findProject(ref: ProjectRef): Readonly<ProjectRecord> | undefined {
    return /^[0-9]+$/.test(ref) ? this.store.projectByNumber(ref) : this.store.project(ref);
  }

  private existingAccount(id: BillingAccountId): Readonly<BillingAccountRecord> {
    const account = this.store.billingAccount(id);
    if (!account) throw notFound();
    return account;
  }

  /**
   * Unlinking needs deleteBillingAssignment on the project; linking or moving needs createBillingAssignment
   * on the project, then resourceAssociations.create on the account (§2; docs/emulator.md "IAM").
   */
  private requireAssignmentPermissions(
    caller: Caller,
    project: string,
    target: BillingAccountId | null,
  ): void {
    if (target === null) {
      this.requirePermission(caller, project, "resourcemanager.projects.deleteBillingAssignment");
      return;
    }
    this.requirePermission(caller, project, "resourcemanager.projects.createBillingAssignment");
    this.requirePermission(caller, billingAccountName(target), "billing.resourceAssociations.create");
  }

  private requirePermission(caller: Caller, resource: string, permission: string): void {
    if (!this.permits(caller, resource, permission)) throw iamPermissionDenied(permission, resource);
  }

  private permits(caller: Caller, resource: string, permission: string): boolean {
    return hasPermission(this.store.iamBindings(), caller, resource, permission);
  }

  /** What a reader sees for a project showing `accountId`: billing is enabled only on an open account. */
  private billingInfo(projectId: string, accountId: string | null): ProjectBillingInfo {
    const account = accountId === null ? undefined : this.store.billingAccount(accountId);
    return {
      name: projectBillingInfoName(projectId),
      projectId,
      billingAccountName: accountId === null ? "" : billingAccountName(accountId),
      billingEnabled: account?.open === true,
    };
  }
}

function billingAccountMessage(a: Readonly<BillingAccountRecord>): BillingAccount {
  return {
    name: billingAccountName(a.id),
    open: a.open,
    displayName: a.displayName,
    masterBillingAccount: a.masterBillingAccount ?? "",
    parent: a.parent ?? "",
    currencyCode: a.currencyCode,
  };
}

/** Changes whenever the bindings do, as a policy's etag must. */
function etagOf(bindings: readonly { role: string; members: string[] }[]): string {
  return createHash("sha256").update(JSON.stringify(bindings)).digest().subarray(0, 8).toString("base64");
}
