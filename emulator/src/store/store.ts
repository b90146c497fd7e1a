import type { IamBinding } from "../iam";
import type { BillingAccountRecord, EmulatorState, ProjectRecord } from "./state";

/**
 * The billing world as the billing domain (`billing/cloudBilling.ts`) reads and changes it.
 *
 * Every method is synchronous, and a write shows in every later read at once. Node runs one synchronous
 * step at a time, so a check followed by a write (the link quota) can never interleave with another
 * request's write, and no lock is needed. When a write is durable is the `StateStore`'s business. Records
 * come back read-only: a change that bypassed the write methods would also bypass persistence.
 */
export interface BillingStore {
  /** Looked up by project id only; see `projectByNumber`. */
  project(projectId: string): Readonly<ProjectRecord> | undefined;
  projectByNumber(projectNumber: string): Readonly<ProjectRecord> | undefined;
  billingAccount(accountId: string): Readonly<BillingAccountRecord> | undefined;
  billingAccounts(): ReadonlyArray<Readonly<BillingAccountRecord>>;
  /** Every project whose link names the account, whatever its lifecycle state. */
  projectsLinkedTo(accountId: string): ReadonlyArray<Readonly<ProjectRecord>>;
  iamBindings(): readonly IamBinding[];

  /** Links the project to the account, or unlinks it (null). */
  setProjectBillingAccount(projectId: string, accountId: string | null): void;
  /** Resource Manager's soft delete: the project stays, pending deletion. */
  markProjectDeleteRequested(projectId: string): void;
  /** Removes the project and the IAM bindings set on it, as Resource Manager does once deletion is final. */
  removeProject(projectId: string): void;
  setBillingAccountOpen(accountId: string, open: boolean): void;
}

/**
 * The whole emulator world (the state file's schema, `state.ts`) and its persistence. The billing domain
 * uses only `BillingStore`; the OAuth side (`tokens.ts`, `routes/oauth.ts`) still edits `state` in place
 * and then calls `commit()`.
 */
export interface StateStore extends BillingStore {
  readonly state: EmulatorState;
  /** Makes every change so far durable before it returns, in-place edits of `state` included. */
  commit(): void;
  /**
   * Resolves once every change so far, typed writes included, is durable; rejects if saving them failed.
   * An answer that depends on a change must wait for this before it is sent.
   */
  settled(): Promise<void>;
  /** Swaps in a whole new world (a reset to the seed) and makes it durable before it returns. */
  replace(state: EmulatorState): void;
}
