// What a stack's state says about its links, and how many declared links are not true: in state, or
// in the API. This is the `lost` figure of a scenario.
import type { BillingStack, DeclaredLink } from "../../support/billingStack";
import { PROJECT_BILLING_LINK } from "../../support/linkResources";

export interface StateLink {
  urn: string;
  projectId: string;
  billingAccount: string;
}

interface ExportedResource {
  urn: string;
  type: string;
  outputs?: Record<string, unknown>;
}

/** Every ProjectBillingLink in the stack's last checkpoint. */
export async function linksInState(env: BillingStack): Promise<StateLink[]> {
  const exported = (await env.stack.exportStack()) as { deployment: { resources?: ExportedResource[] } };
  return (exported.deployment.resources ?? [])
    .filter((r) => r.type === PROJECT_BILLING_LINK)
    .map((r) => ({
      urn: r.urn,
      projectId: String(r.outputs?.projectId ?? ""),
      billingAccount: String(r.outputs?.billingAccount ?? ""),
    }));
}

/** `billingAccounts/X` for a declared `X` or `billingAccounts/X`. */
function canonical(account: string): string {
  return account.startsWith("billingAccounts/") ? account : `billingAccounts/${account}`;
}

/**
 * Projects whose declared link is not true in state or in the API, or that are in state undeclared.
 * Reads the API as the admin, so run it with the fault knobs off.
 */
export async function lostLinks(
  env: BillingStack,
  declared: readonly DeclaredLink[],
): Promise<{ lost: number; problems: string[] }> {
  const state = await linksInState(env);
  const problems: string[] = [];
  const lostProjects = new Set<string>();
  const problem = (projectId: string, text: string): void => {
    lostProjects.add(projectId);
    problems.push(`${projectId}: ${text}`);
  };
  for (const link of declared) {
    const want = canonical(link.billingAccount);
    const inState = state.filter((s) => s.projectId === link.projectId);
    if (inState.length !== 1 || inState[0].billingAccount !== want)
      problem(link.projectId, `state has ${JSON.stringify(inState.map((s) => s.billingAccount))}`);
    const live = await env.liveAccount(link.projectId);
    if (live !== want) problem(link.projectId, `the API says ${live || "(unlinked)"}, not ${want}`);
  }
  const declaredIds = new Set(declared.map((l) => l.projectId));
  for (const s of state)
    if (!declaredIds.has(s.projectId)) problem(s.projectId, "in state, declared by nothing");
  return { lost: lostProjects.size, problems };
}
