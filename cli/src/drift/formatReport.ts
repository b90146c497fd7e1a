/** One entry point for the three report formats. */
import { formatMarkdown } from "./formatMarkdown";
import { formatText } from "./formatText";
import type { DriftReport } from "./report";

export const REPORT_FORMATS = ["text", "markdown", "json"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}

const FORMAT_BY_EXTENSION: Readonly<Record<string, ReportFormat>> = {
  ".json": "json",
  ".md": "markdown",
  ".markdown": "markdown",
  ".txt": "text",
};

/** The format an output file's extension names, else `fallback` (`--format`). */
export function formatForFile(file: string, fallback: ReportFormat): ReportFormat {
  const dot = file.lastIndexOf(".");
  const slash = Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\"));
  const extension = dot > slash ? file.slice(dot).toLowerCase() : "";
  return FORMAT_BY_EXTENSION[extension] ?? fallback;
}

/** The report in `format`; colour applies to `text` only. */
export function formatReport(report: DriftReport, format: ReportFormat, options: { color: boolean }): string {
  switch (format) {
    case "text":
      return formatText(report, options);
    case "markdown":
      return formatMarkdown(report);
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
  }
}
