/**
 * `gcp-billing-link drift`: runs the drift check (../drift/checkDrift.ts) and prints its report. With
 * `--output FILE` the report in the chosen format goes to FILE and the human text still goes to the
 * terminal, so a pipeline gets both a Markdown summary (or JSON for a dashboard) and a readable log.
 * Returns the report; main.ts turns its status into the exit code.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { PulumiCommand } from "@pulumi/pulumi/automation";
import { checkDrift } from "../drift/checkDrift";
import { formatReport, type ReportFormat } from "../drift/formatReport";
import type { DriftReport } from "../drift/report";
import type { Logger } from "../output";

export interface DriftCommandOptions {
  stack?: string;
  /** The Pulumi project directory; default the current directory. */
  cwd?: string;
  unmanaged: boolean;
  format: ReportFormat;
  /** Write the report here (replacing the file) instead of to stdout. */
  output?: string;
  /** Colour the text on the terminal (main.ts: stdout is a TTY and NO_COLOR is unset). */
  color: boolean;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  pulumiCommand?: PulumiCommand;
}

export async function drift(options: DriftCommandOptions): Promise<DriftReport> {
  const report = await checkDrift({
    ...(options.cwd ? { workDir: options.cwd } : {}),
    ...(options.stack ? { stackName: options.stack } : {}),
    unmanaged: options.unmanaged,
    env: options.env,
    ...(options.pulumiCommand ? { pulumiCommand: options.pulumiCommand } : {}),
    onProgress: (line) => options.logger.warn(line),
  });
  if (options.output) {
    writeReportFile(options.output, formatReport(report, options.format, { color: false }));
    printLines(options.logger, formatReport(report, "text", { color: options.color }));
    options.logger.warn(`Report (${options.format}) written to ${options.output}`);
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
