/**
 * The human form of a drift report, for a terminal or a CI log: the verdict first, then each finding
 * with what changed and who must act, then what could not be checked. Colour only when asked (the CLI
 * asks when stdout is a TTY and NO_COLOR is unset).
 */
import type { DriftReport, Finding, LinkResult, ReportError } from "./report";

export interface TextOptions {
  color: boolean;
}

type Paint = (text: string) => string;

function painter(color: boolean, code: string): Paint {
  return color ? (text) => `\u001b[${code}m${text}\u001b[0m` : (text) => text;
}

/** Errors shown in full; the rest are counted (the JSON report has them all). */
const MAX_ERRORS_SHOWN = 20;

export function formatText(report: DriftReport, options: TextOptions): string {
  const red = painter(options.color, "31");
  const green = painter(options.color, "32");
  const yellow = painter(options.color, "33");
  const bold = painter(options.color, "1");
  const lines: string[] = [];
  const { stack, summary } = report;
  lines.push(
    bold(
      `Billing drift check of stack ${stack.name || "(unknown)"}${stack.project ? ` (project ${stack.project})` : ""}`,
    ),
  );
  lines.push(`checked ${report.checkedAt}; ${scopeLine(report)}`);
  lines.push("");

  for (const f of report.findings) lines.push(...findingLines(f, red));
  if (report.findings.length > 0) lines.push("");

  if (report.errors.length > 0) {
    lines.push(yellow("Not checked (errors):"));
    for (const e of report.errors.slice(0, MAX_ERRORS_SHOWN)) lines.push(...errorLines(e));
    if (report.errors.length > MAX_ERRORS_SHOWN)
      lines.push(`  … and ${report.errors.length - MAX_ERRORS_SHOWN} more errors (see the JSON report).`);
    lines.push("");
  }

  if (report.links.length > 0) {
    lines.push("Links:");
    for (const l of report.links) lines.push(`  ${linkLine(l)}`);
    lines.push("");
  }
  if (report.checks.unmanaged && report.accounts.length > 0) {
    lines.push("Declared billing accounts (--unmanaged):");
    for (const a of report.accounts) {
      lines.push(
        a.status === "listed"
          ? `  ${a.billingAccount}: ${a.projectCount} project(s) billed, ${a.unmanagedCount} not declared by this stack`
          : `  ${a.billingAccount}: could not be listed (see the errors above)`,
      );
    }
    lines.push("");
  }

  if (report.status === "error") {
    lines.push(
      yellow(
        `Result: ERROR — the check is incomplete (${summary.errors} error(s))` +
          (summary.findings > 0 ? `; ${summary.findings} finding(s) in what could be read.` : "."),
      ),
    );
  } else if (report.status === "findings") {
    lines.push(red(`Result: DRIFT — ${summary.findings} finding(s) to act on.`));
  } else if (summary.links === 0) {
    lines.push(green("Result: no drift — but the stack has no ProjectBillingLink to check."));
  } else {
    lines.push(green(`Result: no drift — all ${summary.links} link(s) are as declared.`));
  }
  return `${lines.join("\n")}\n`;
}

function scopeLine(report: DriftReport): string {
  const unmanaged = report.checks.unmanaged
    ? `unmanaged projects checked on ${report.accounts.length} account(s)`
    : "unmanaged projects not checked (add --unmanaged)";
  return `${report.summary.links} link(s), ${report.summary.inSync} in sync; ${unmanaged}`;
}

const KIND_LABEL: Record<Finding["kind"], string> = {
  relinked: "RELINKED",
  unlinked: "UNLINKED",
  projectGone: "PROJECT GONE",
  billingDisabled: "BILLING DISABLED",
  unmanaged: "UNMANAGED",
};

function findingLines(f: Finding, red: Paint): string[] {
  const who = f.resource ? `${f.projectId} ("${f.resource}")` : f.projectId;
  return [
    `${red(`✗ ${KIND_LABEL[f.kind]}`)} ${who}`,
    `    declared: ${f.declaredBillingAccount ?? "(not declared by this stack)"}; live: ${liveText(f.liveBillingAccount)}`,
    `    ${f.summary}`,
    `    action: ${f.action}`,
  ];
}

function errorLines(e: ReportError): string[] {
  const lines = [`  ! ${e.message}`];
  if (e.hint) lines.push(`    fix: ${e.hint}`);
  return lines;
}

function liveText(live: string | null): string {
  if (live === null) return "(none: the project is gone or was not read)";
  return live === "" ? "(unlinked)" : live;
}

function linkLine(l: LinkResult): string {
  const live =
    l.status === "unread"
      ? "not read"
      : l.status === "projectGone"
        ? "project gone"
        : liveText(l.liveBillingAccount);
  const billing =
    l.billingEnabled === null ? "" : l.billingEnabled ? ", billing enabled" : ", billing disabled";
  return `${l.status.padEnd(15)} ${l.projectId} ("${l.resource}"): declared ${l.declaredBillingAccount}, live ${live}${billing}`;
}
