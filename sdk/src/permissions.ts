/**
 * The IAM permissions Cloud Billing checks for the calls this project makes (docs/cloud-billing-api.md
 * §2): the one place they are written, for the provider's preflight, `doctor` and the hint table.
 */

/** Linking a project needs this on the billing account (granted by roles/billing.user). */
export const LINK_PERMISSION = "billing.resourceAssociations.create";

/** …and this on the project (roles/billing.projectManager or roles/owner). */
export const PROJECT_LINK_PERMISSION = "resourcemanager.projects.createBillingAssignment";

/** Reading a project's billing info needs this on the project (roles/viewer or roles/browser). */
export const PROJECT_READ_PERMISSION = "resourcemanager.projects.get";
