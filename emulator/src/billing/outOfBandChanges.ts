import type { BillingStore } from "../store/store";

/**
 * Changes to the billing world that the Cloud Billing API cannot make, done by the operator surface
 * (`control.ts`) as someone would outside the API. Neither checks IAM. Both throw on an unknown name, which
 * the operator route answers with 400.
 */

/**
 * Deletes a project as Resource Manager would (`gcloud projects delete`): `purge: false` marks it
 * DELETE_REQUESTED (billing reads then show no account), `purge: true` removes it and its IAM bindings, as
 * after the 30-day grace period.
 */
export function deleteProject(store: BillingStore, projectId: string, purge: boolean): void {
  if (!store.project(projectId)) throw new Error(`deleteProject: unknown project ${projectId}`);
  if (purge) store.removeProject(projectId);
  else store.markProjectDeleteRequested(projectId);
}

/**
 * Closes or reopens a billing account, as its administrator would in the Cloud console. Links stay in place:
 * while the account is closed, every project linked to it reports `billingEnabled` false.
 */
export function setBillingAccountOpen(store: BillingStore, accountId: string, open: boolean): void {
  if (!store.billingAccount(accountId))
    throw new Error(`setBillingAccountOpen: unknown billing account ${accountId}`);
  store.setBillingAccountOpen(accountId, open);
}
