/**
 * Classification, as pure functions: the stack's links and what was read about them go in, the report's
 * links, findings and account listings come out. No I/O, so every rule here has a unit test
 * (tests/unit/driftClassify.test.ts); docs/drift.md explains the mapping from API answers to kinds.
 */
import {
  FINDING_KINDS,
  type AccountListing,
  type Finding,
  type FindingKind,
  type LinkResult,
  type ReportError,
} from "./report";

/** A ProjectBillingLink as the stack's state records it. */
export interface StackLink {
  urn: string;
  /** The resource's name in the program. */
  resource: string;
  projectId: string;
  /** Canonical `billingAccounts/…` from the inputs of the last `pulumi up`. */
  declaredBillingAccount: string;
}

/** What the refresh read for one link: its live link, or that the project no longer exists (404). */
export type LinkReading =
  { kind: "live"; billingAccount: string; billingEnabled: boolean } | { kind: "gone" };

/** Projects billed to one declared account (every page), or null when the listing failed. */
export interface ProjectListing {
  billingAccount: string;
  projectIds: readonly string[] | null;
}

export function classifyLink(link: StackLink, reading: LinkReading | undefined): LinkResult {
  const base = {
    resource: link.resource,
    urn: link.urn,
    projectId: link.projectId,
    declaredBillingAccount: link.declaredBillingAccount,
  };
  if (reading === undefined)
    return { ...base, liveBillingAccount: null, billingEnabled: null, status: "unread" };
  if (reading.kind === "gone") {
    return { ...base, liveBillingAccount: null, billingEnabled: null, status: "projectGone" };
  }
  const live = { liveBillingAccount: reading.billingAccount, billingEnabled: reading.billingEnabled };
  if (reading.billingAccount === "") return { ...base, ...live, status: "unlinked" };
  if (reading.billingAccount !== link.declaredBillingAccount) return { ...base, ...live, status: "relinked" };
  // Linked as declared: billing is off only when the account is closed (the API's billingEnabled).
  return { ...base, ...live, status: reading.billingEnabled ? "inSync" : "billingDisabled" };
}

/** The finding a link's status calls for, or undefined when it is in sync or was not read. */
export function linkFinding(r: LinkResult): Finding | undefined {
  const base = {
    projectId: r.projectId,
    resource: r.resource,
    declaredBillingAccount: r.declaredBillingAccount,
    liveBillingAccount: r.liveBillingAccount,
  };
  const declared = r.declaredBillingAccount;
  const name = `"${r.resource}"`;
  switch (r.status) {
    case "inSync":
    case "unread":
      return undefined;
    case "relinked":
      return {
        kind: "relinked",
        ...base,
        summary:
          `${r.projectId} is linked to ${r.liveBillingAccount}, not to ${declared} as declared` +
          (r.billingEnabled === false ? " (and billing is disabled there: that account is closed)." : "."),
        action:
          `Someone moved it outside Pulumi. If that was intended, change billingAccount of ${name} in the ` +
          `program; otherwise \`pulumi up --refresh\` links it back to ${declared}.`,
      };
    case "unlinked":
      return {
        kind: "unlinked",
        ...base,
        summary: `${r.projectId} is not linked to any billing account (declared: ${declared}), so its paid services are stopped.`,
        action:
          "Someone unlinked it outside Pulumi, or the project is pending deletion (Cloud Billing reports both " +
          `alike). \`pulumi up --refresh\` links it again; if the project is being deleted, remove ${name} ` +
          "from the program instead.",
      };
    case "projectGone":
      return {
        kind: "projectGone",
        ...base,
        summary: `project ${r.projectId} no longer exists (declared on ${declared}).`,
        action: `Remove ${name} from the program, then run \`pulumi up --refresh\`, which drops it from the state.`,
      };
    case "billingDisabled":
      return {
        kind: "billingDisabled",
        ...base,
        summary: `${r.projectId} is linked to ${declared} as declared, but billing is disabled: the account is closed, so its paid services are stopped.`,
        action:
          `A billing administrator must reopen ${declared}, or change billingAccount of ${name} to an open ` +
          "account and run `pulumi up`.",
      };
  }
}

/** Every billing account the stack declares, once each, sorted. */
export function declaredAccounts(links: readonly StackLink[]): string[] {
  return [...new Set(links.map((l) => l.declaredBillingAccount).filter((a) => a !== ""))].sort();
}

/** Projects billed to a declared account that no link of the stack declares. */
export function unmanagedFindings(
  links: readonly StackLink[],
  listings: readonly ProjectListing[],
): { findings: Finding[]; accounts: AccountListing[] } {
  const declaredProjects = new Set(links.map((l) => l.projectId));
  const findings: Finding[] = [];
  const accounts: AccountListing[] = [];
  for (const listing of listings) {
    if (listing.projectIds === null) {
      accounts.push({
        billingAccount: listing.billingAccount,
        status: "error",
        projectCount: null,
        unmanagedCount: null,
      });
      continue;
    }
    const unmanaged = [...new Set(listing.projectIds)].filter((p) => !declaredProjects.has(p)).sort();
    accounts.push({
      billingAccount: listing.billingAccount,
      status: "listed",
      projectCount: listing.projectIds.length,
      unmanagedCount: unmanaged.length,
    });
    for (const projectId of unmanaged) {
      findings.push({
        kind: "unmanaged",
        projectId,
        resource: null,
        declaredBillingAccount: null,
        liveBillingAccount: listing.billingAccount,
        summary: `${projectId} is billed to ${listing.billingAccount}, but no ProjectBillingLink in this stack declares it.`,
        action:
          "If it belongs to this stack, declare it with a ProjectBillingLink; otherwise the account's owners " +
          "should move it to the account it belongs to, or unlink it.",
      });
    }
  }
  return { findings, accounts };
}

/** Unread links must never pass silently: each gets an error unless one already names its project. */
export function unreadLinkErrors(
  results: readonly LinkResult[],
  errors: readonly ReportError[],
): ReportError[] {
  const named = new Set(errors.filter((e) => e.projectId !== undefined).map((e) => e.projectId));
  return results
    .filter((r) => r.status === "unread" && !named.has(r.projectId))
    .map((r) => ({
      scope: "link" as const,
      projectId: r.projectId,
      message: `the link of ${r.projectId} ("${r.resource}") was not read: the refresh stopped before reading it.`,
    }));
}

export function countByKind(findings: readonly Finding[]): Record<FindingKind, number> {
  const counts = Object.fromEntries(FINDING_KINDS.map((k) => [k, 0])) as Record<FindingKind, number>;
  for (const f of findings) counts[f.kind] += 1;
  return counts;
}

/** Findings in a stable order: by kind (as FINDING_KINDS lists them), then project. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank = (k: FindingKind): number => FINDING_KINDS.indexOf(k);
  return [...findings].sort((a, b) => rank(a.kind) - rank(b.kind) || a.projectId.localeCompare(b.projectId));
}
