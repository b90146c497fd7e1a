/**
 * `gcp-billing-link drift`: runs the drift check (../drift/checkDrift.ts) once and prints its report.
 * With `--output FILE` (repeatable) the report goes to each FILE, in the format its extension names
 * (`.json`, `.md`, `.txt`) or else in `--format`, and the human text still goes to the terminal: one
 * check gives a pipeline a JSON file for a dashboard, a Markdown summary and a readable log. Returns the
 * report; main.ts turns its status into the exit code.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { PulumiCommand } from "@pulumi/pulumi/automation";
import { checkDrift, type DriftOptions } from "../drift/checkDrift";
import { formatReport, formatForFile, type ReportFormat } from "../drift/formatReport";
import type { DriftReport } from "../drift/report";
import type { Logger } from "../output";

export interface DriftCommandOptions {
  stack?: string;
  /** The Pulumi project directory; default the current directory. */
  cwd?: string;
  unmanaged: boolean;
  format: ReportFormat;
  /** Write the report to these files (each replaced whole) instead of to stdout. */
  outputs: readonly string[];
  /** Colour the text on the terminal (main.ts: stdout is a TTY and NO_COLOR is unset). */
  color: boolean;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  pulumiCommand?: PulumiCommand;
  /** The check to run; tests pass a stub. */
  check?: (options: DriftOptions) => Promise<DriftReport>;
}

export async function drift(options: DriftCommandOptions): Promise<DriftReport> {
  const report = await (options.check ?? checkDrift)({
    ...(options.cwd ? { workDir: options.cwd } : {}),
    ...(options.stack ? { stackName: options.stack } : {}),
    unmanaged: options.unmanaged,
    env: options.env,
    ...(options.pulumiCommand ? { pulumiCommand: options.pulumiCommand } : {}),
    onProgress: (line) => options.logger.warn(line),
  });
  if (options.outputs.length > 0) {
    for (const file of options.outputs) {
      const format = formatForFile(file, options.format);
      writeReportFile(file, formatReport(report, format, { color: false }));
      options.logger.warn(`Report (${format}) written to ${file}`);
    }
    printLines(options.logger, formatReport(report, "text", { color: options.color }));
  } else {
    printLines(options.logger, formatReport(report, options.format, { color: options.color }));
  }
  return report;
}

function printLines(logger: Logger, text: string): void {
  for (const line of text.replace(/\n$/, "").split("\n")) logger.info(line);
}

/** Whole or not at all: a pipeline must never pick up half a report. */
function writeReportFile(file: string, content: string): void {
  const target = path.resolve(file);
  mkdirSync(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, content);
  renameSync(temp, target);
}
