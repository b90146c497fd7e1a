/** Assembles a DriftReport from what the run read. Pure: the same inputs give the same report. */
import {
  classifyLink,
  countByKind,
  linkFinding,
  sortFindings,
  unmanagedFindings,
  unreadLinkErrors,
  type LinkReading,
  type ProjectListing,
  type StackLink,
} from "./classify";
import {
  DRIFT_REPORT_SCHEMA_VERSION,
  reportStatus,
  type DriftReport,
  type Finding,
  type ReportError,
} from "./report";

export interface ReportInput {
  stack: { name: string; project: string };
  generator: string;
  checkedAt: Date;
  links: readonly StackLink[];
  /** Readings by URN; a link without one is `unread`. */
  readings: ReadonlyMap<string, LinkReading>;
  /** The `--unmanaged` listings; undefined when that check did not run. */
  listings?: readonly ProjectListing[];
  errors: readonly ReportError[];
}

export function buildReport(input: ReportInput): DriftReport {
  const links = [...input.links]
    .sort((a, b) => a.projectId.localeCompare(b.projectId) || a.urn.localeCompare(b.urn))
    .map((link) => classifyLink(link, input.readings.get(link.urn)));
  const findings: Finding[] = links.flatMap((r) => linkFinding(r) ?? []);
  const unmanaged = input.listings ? unmanagedFindings(input.links, input.listings) : undefined;
  if (unmanaged) findings.push(...unmanaged.findings);
  const errors = sortErrors(uniqueErrors([...input.errors, ...unreadLinkErrors(links, input.errors)]));
  const sorted = sortFindings(findings);
  return {
    schemaVersion: DRIFT_REPORT_SCHEMA_VERSION,
    generator: input.generator,
    checkedAt: input.checkedAt.toISOString(),
    stack: { ...input.stack },
    status: reportStatus(sorted, errors),
    checks: { links: true, unmanaged: input.listings !== undefined },
    summary: {
      links: links.length,
      inSync: links.filter((l) => l.status === "inSync").length,
      findings: sorted.length,
      errors: errors.length,
      byKind: countByKind(sorted),
    },
    links,
    findings: sorted,
    accounts: unmanaged?.accounts ?? [],
    errors,
  };
}

/** The engine may report one failure twice (on the resource and on its step); once is enough. */
function uniqueErrors(errors: readonly ReportError[]): ReportError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = JSON.stringify([e.scope, e.projectId, e.billingAccount, e.message, e.hint]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const SCOPE_ORDER: readonly ReportError["scope"][] = ["stack", "link", "account"];

/** Reads finish in any order; the report lists errors by scope, then project or account. */
function sortErrors(errors: readonly ReportError[]): ReportError[] {
  const subject = (e: ReportError): string => e.projectId ?? e.billingAccount ?? "";
  return [...errors].sort(
    (a, b) =>
      SCOPE_ORDER.indexOf(a.scope) - SCOPE_ORDER.indexOf(b.scope) || subject(a).localeCompare(subject(b)),
  );
}
