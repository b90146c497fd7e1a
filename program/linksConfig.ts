/**
 * The root program's stack config: which project goes to which billing account.
 *
 *   billing-links:defaultBillingAccount  012345-567890-ABCDEF   (optional)
 *   billing-links:deletionPolicy         restore | unlink | abandon (optional; unset = the provider's
 *                                        default, "restore": destroy undoes only what the stack did)
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
  /** Undefined when not configured: each link then gets the provider's default. */
  deletionPolicy?: DeletionPolicy;
}

const linksSchema = z.record(z.string(), z.union([z.string(), z.null()]));

export interface ConfigReader {
  get(key: string): string | undefined;
  getObject<T>(key: string): T | undefined;
}

/** Reads the links config; every problem is reported at once, each naming its key and the fix. */
export function readLinksConfig(config: ConfigReader, project: string): LinksConfig {
  const problems: string[] = [];
  const parsed = linksSchema.safeParse(config.getObject<unknown>("links") ?? {});
  if (!parsed.success) {
    problems.push(
      `${project}:links must map project IDs to billing accounts, e.g. ` +
        `{"my-project": "012345-567890-ABCDEF"}; set one with ` +
        "`pulumi config set --path 'links.my-project' 012345-567890-ABCDEF`",
    );
  }
  const fallback = config.get("defaultBillingAccount");
  const links: DeclaredLink[] = [];
  for (const [projectId, account] of Object.entries(parsed.success ? parsed.data : {})) {
    const billingAccount = account || fallback;
    if (billingAccount) links.push({ projectId, billingAccount });
    else
      problems.push(
        `${project}:links.${projectId} has no billing account and ${project}:defaultBillingAccount is not set; ` +
          "give the link an account or set a default",
      );
  }
  const policy = config.get("deletionPolicy");
  if (policy !== undefined && !(DELETION_POLICIES as readonly string[]).includes(policy)) {
    problems.push(
      `${project}:deletionPolicy must be one of ${DELETION_POLICIES.join(", ")}; got "${policy}"`,
    );
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return policy === undefined ? { links } : { links, deletionPolicy: policy as DeletionPolicy };
}
