/**
 * The Markdown form of a drift report, for a CI job summary or a pull-request comment: the verdict as a
 * heading, one table row per finding (project, both accounts, what to do), errors as a list, and every
 * link in a collapsed table.
 */
import type { DriftReport, Finding, LinkResult } from "./report";

const KIND_LABEL: Record<Finding["kind"], string> = {
  relinked: "relinked",
  unlinked: "unlinked",
  projectGone: "project gone",
  billingDisabled: "billing disabled",
  unmanaged: "unmanaged",
};

/** Table-cell text: no pipes, newlines or HTML reach the table as markup. */
function cell(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n/g, " ");
}

function code(text: string): string {
  return text === "" ? "" : `\`${text.replace(/`/g, "'").replace(/\|/g, "\\|")}\``;
}

function account(value: string | null, none: string): string {
  if (value === null) return none;
  return value === "" ? "_unlinked_" : code(value);
}

export function formatMarkdown(report: DriftReport): string {
  const { stack, summary } = report;
  const out: string[] = [];
  const title = `Billing drift: stack ${code(stack.name || "(unknown)")}`;
  if (report.status === "error") out.push(`## ⚠️ ${title} — check incomplete`);
  else if (report.status === "findings") out.push(`## ❌ ${title} — ${summary.findings} finding(s)`);
  else out.push(`## ✅ ${title} — no drift`);
  out.push("");
  const unmanaged = report.checks.unmanaged
    ? `unmanaged projects checked on ${report.accounts.length} billing account(s)`
    : "unmanaged projects not checked";
  out.push(
    `Checked ${report.checkedAt}${stack.project ? ` · project ${code(stack.project)}` : ""} · ` +
      `${summary.links} link(s), ${summary.inSync} in sync · ${unmanaged}.`,
  );
  out.push("");

  if (report.findings.length > 0) {
    out.push("| Finding | Project | Declared account | Live account | What to do |");
    out.push("| --- | --- | --- | --- | --- |");
    for (const f of report.findings) {
      const project = f.resource ? `${code(f.projectId)} (${code(f.resource)})` : code(f.projectId);
      out.push(
        `| **${KIND_LABEL[f.kind]}** | ${project} | ${account(f.declaredBillingAccount, "_not declared_")} | ` +
          `${account(f.liveBillingAccount, "_project gone_")} | ${cell(`${f.summary} ${f.action}`)} |`,
      );
    }
    out.push("");
  }

  if (report.errors.length > 0) {
    out.push(
      `### Not checked: ${report.errors.length} error(s)`,
      "",
      "The check is incomplete, so it fails whatever it found; the rows above are what could be read.",
      "",
    );
    for (const e of report.errors) {
      out.push(`- ${cell(e.message)}${e.hint ? ` — _Fix:_ ${cell(e.hint)}` : ""}`);
    }
    out.push("");
  }

  if (report.links.length > 0) {
    out.push(`<details><summary>All ${report.links.length} link(s)</summary>`, "");
    out.push("| Project | Resource | Declared account | Live account | Billing | Status |");
    out.push("| --- | --- | --- | --- | --- | --- |");
    for (const l of report.links) out.push(linkRow(l));
    out.push("", "</details>", "");
  }
  if (report.checks.unmanaged && report.accounts.length > 0) {
    out.push("| Declared billing account | Projects billed | Not declared by this stack |");
    out.push("| --- | --- | --- |");
    for (const a of report.accounts) {
      out.push(
        a.status === "listed"
          ? `| ${code(a.billingAccount)} | ${a.projectCount} | ${a.unmanagedCount} |`
          : `| ${code(a.billingAccount)} | _could not be listed_ | _unknown_ |`,
      );
    }
    out.push("");
  }
  out.push(`<sub>${cell(report.generator)} · report schema v${report.schemaVersion}</sub>`);
  return `${out.join("\n")}\n`;
}

function linkRow(l: LinkResult): string {
  const live =
    l.status === "unread"
      ? "_not read_"
      : l.status === "projectGone"
        ? "_project gone_"
        : account(l.liveBillingAccount, "");
  const billing = l.billingEnabled === null ? "" : l.billingEnabled ? "enabled" : "**disabled**";
  return `| ${code(l.projectId)} | ${code(l.resource)} | ${code(l.declaredBillingAccount)} | ${live} | ${billing} | ${l.status} |`;
}
