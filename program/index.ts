/**
 * The root program: one ProjectBillingLink per entry of `billing-links:links`, and a stack output
 * summarising what is linked where. See program/linksConfig.ts for the config it reads.
 */
import * as pulumi from "@pulumi/pulumi";
import { ProjectBillingLink } from "gcp-billing-link";
import { readLinksConfig } from "./linksConfig";

const config = new pulumi.Config();
const { links, deletionPolicy } = readLinksConfig(config, pulumi.getProject());

const resources = links.map(
  (link) =>
    new ProjectBillingLink(link.projectId, {
      projectId: link.projectId,
      billingAccount: link.billingAccount,
      deletionPolicy,
    }),
);

/** projectId → { billingAccount, billingEnabled, previousBillingAccount } */
export const billingLinks = pulumi
  .all(
    resources.map((r) =>
      pulumi.all([r.projectId, r.billingAccount, r.billingEnabled, r.previousBillingAccount]),
    ),
  )
  .apply((rows) =>
    Object.fromEntries(
      rows.map(([projectId, billingAccount, billingEnabled, previousBillingAccount]) => [
        projectId,
        { billingAccount, billingEnabled, previousBillingAccount },
      ]),
    ),
  );
export const linkedProjectCount = resources.length;
