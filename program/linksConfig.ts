/**
 * The root program's stack config: which project goes to which billing account.
 *
 *   billing-links:defaultBillingAccount  012345-567890-ABCDEF   (optional)
 *   billing-links:deletionPolicy         unlink | abandon | restore (optional, default unlink)
 *   billing-links:links                  { "<projectId>": "<billing account>" | null, ... }
 *                                        null (or "") means "use defaultBillingAccount"
 *
 * Set a link with: pulumi config set --path 'links.my-project' 012345-567890-ABCDEF
 */
import { z } from "zod";
import { DELETION_POLICIES, type DeletionPolicy } from "gcp-billing-link";

export interface DeclaredLink {
  projectId: string;
  billingAccount: string;
}

export interface LinksConfig {
  links: DeclaredLink[];
  deletionPolicy: DeletionPolicy;
}

const linksSchema = z.record(z.string(), z.union([z.string(), z.null()]));

export interface ConfigReader {
  get(key: string): string | undefined;
  getObject<T>(key: string): T | undefined;
}

export function readLinksConfig(config: ConfigReader, project: string): LinksConfig {
  const parsed = linksSchema.safeParse(config.getObject<unknown>("links") ?? {});
  if (!parsed.success) {
    throw new Error(
      `${project}:links must map project IDs to billing accounts, e.g. ` +
        `{"my-project": "012345-567890-ABCDEF"}; set one with ` +
        "`pulumi config set --path 'links.my-project' 012345-567890-ABCDEF`",
    );
  }
  const fallback = config.get("defaultBillingAccount");
  const links = Object.entries(parsed.data).map(([projectId, account]) => {
    const billingAccount = account || fallback;
    if (!billingAccount) {
      throw new Error(
        `${project}:links.${projectId} has no billing account and ${project}:defaultBillingAccount is not set; ` +
          "give the link an account or set a default",
      );
    }
    return { projectId, billingAccount };
  });
  const policy = config.get("deletionPolicy") ?? "unlink";
  if (!(DELETION_POLICIES as readonly string[]).includes(policy)) {
    throw new Error(
      `${project}:deletionPolicy must be one of ${DELETION_POLICIES.join(", ")}; got "${policy}"`,
    );
  }
  return { links, deletionPolicy: policy as DeletionPolicy };
}
