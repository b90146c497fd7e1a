// One Google Cloud project linked to one billing account.
//
//   pulumi config set projectId my-app-prod
//   pulumi config set billingAccount 012345-567890-ABCDEF   # or billingAccounts/012345-567890-ABCDEF
//   pulumi up
import * as pulumi from "@pulumi/pulumi";
import { ProjectBillingLink } from "gcp-billing-link";

const config = new pulumi.Config();

const link = new ProjectBillingLink("app", {
  projectId: config.require("projectId"),
  billingAccount: config.require("billingAccount"),
  // Optional. The default, "restore", makes `pulumi destroy` undo exactly what this stack did: back to
  // the account the project had before (unlinked only if it had none), and nothing at all when the stack
  // adopted an existing link. "unlink" always unlinks, which stops the project's paid services;
  // "abandon" leaves the link in place. None touches a project someone has since linked elsewhere.
  deletionPolicy: "restore",
});

/** The project ID (also the resource ID). */
export const projectId = link.projectId;
/** The linked account, always in the canonical `billingAccounts/…` form. */
export const billingAccount = link.billingAccount;
/** True when the project is linked to an open billing account. */
export const billingEnabled = link.billingEnabled;
/** The account the project had before this stack linked it; "" when it had none. */
export const previousBillingAccount = link.previousBillingAccount;
