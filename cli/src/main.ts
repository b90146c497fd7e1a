#!/usr/bin/env node
/**
 * The `gcp-billing-link` command line: commander wiring only. Verbs live in commands/, take an Options
 * with a Logger and return a result; this is the one place that writes to the terminal and chooses exit
 * codes (docs/conventions.md "Command line"):
 *   0  success (doctor: every check passed; drift: no findings)
 *   1  login did not produce credentials, a doctor check failed, or drift could not complete its check
 *   2  usage error (unknown option, bad value)
 *   3  drift: findings (drift, disabled billing, unmanaged links)
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { CloudBillingError } from "../../sdk/src/index";
import { systemBrowserOpener } from "./browser";
import { doctor } from "./commands/doctor";
import { drift } from "./commands/drift";
import { login, LoginError } from "./commands/login";
import { defaultCredentialsPath } from "./credentialsFile";
import { REPORT_FORMATS, type ReportFormat } from "./drift/formatReport";
import type { ReportStatus } from "./drift/report";
import { oneLine, type Logger } from "./output";
import { systemPulumiRunner } from "./pulumiConfig";
import { DEFAULT_LOGIN_SCOPE, isLoginScopeName, LOGIN_SCOPES, type LoginScopeName } from "./scopes";

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_DRIFT_FINDINGS = 3;

/**
 * drift's codes. An incomplete check is 1 like any failure (and like Node's own exit code for a crash),
 * so an error can never pass as "no drift" nor be mistaken for findings; 3 is the first code no other
 * outcome of this CLI uses. pulumi's own exit codes (7 for --expect-no-changes) are never passed through.
 */
const DRIFT_EXIT_CODES: Record<ReportStatus, number> = {
  clean: 0,
  findings: EXIT_DRIFT_FINDINGS,
  error: EXIT_FAILED,
};

const consoleLogger: Logger = {
  info: (line) => process.stdout.write(`${line}\n`),
  warn: (line) => process.stderr.write(`${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
};

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("must be a positive whole number.");
  return n;
}

function scopeName(value: string): LoginScopeName {
  if (!isLoginScopeName(value))
    throw new InvalidArgumentError(`must be one of ${Object.keys(LOGIN_SCOPES).join(", ")}.`);
  return value;
}

const SCOPE_HELP = Object.entries(LOGIN_SCOPES)
  .map(([name, s]) => `  ${name.padEnd(24)}${s.description}\n  ${"".padEnd(24)}${s.url}`)
  .join("\n");

interface LoginFlags {
  clientId: string;
  clientSecret: string;
  scope: LoginScopeName;
  quotaProject?: string;
  out?: string;
  pulumiStack?: string;
  timeoutSeconds: number;
  browser: boolean;
}

interface DriftFlags {
  stack?: string;
  cwd?: string;
  unmanaged?: boolean;
  format: ReportFormat;
  output: string[];
}

interface DoctorFlags {
  project?: string;
  billingAccount?: string;
  credentials?: string;
  quotaProject?: string;
  apiEndpoint?: string;
  impersonateServiceAccount?: string;
}

export interface TerminalInfo {
  /** Whether the human text may use colour: stdout is a TTY and NO_COLOR is unset. */
  color: boolean;
}

export function buildProgram(
  logger: Logger,
  env: NodeJS.ProcessEnv,
  terminal: TerminalInfo = { color: false },
): Command {
  const program = new Command("gcp-billing-link")
    .description(
      "Log in for, and diagnose, gcp-billing-link's access to the Cloud Billing API, and audit a stack's billing links for drift.",
    )
    .showHelpAfterError("(add --help for usage)")
    .exitOverride();

  program
    .command("login")
    .description(
      "Authorize with Google in the browser (OAuth installed-app flow with PKCE) and store an authorized_user credentials file or a Pulumi stack secret.",
    )
    .addOption(
      new Option("--client-id <id>", "OAuth client ID of a Desktop app client")
        .env("GCP_BILLING_LINK_CLIENT_ID")
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        "--client-secret <secret>",
        "its client secret (prefer the environment variable: argv is visible to other users)",
      )
        .env("GCP_BILLING_LINK_CLIENT_SECRET")
        .makeOptionMandatory(),
    )
    .addOption(
      new Option("--scope <scope>", "OAuth scope to request (see below)")
        .argParser(scopeName)
        .default(DEFAULT_LOGIN_SCOPE),
    )
    .option("--quota-project <project>", "store as quota_project_id (sent as x-goog-user-project)")
    .addOption(new Option("--out <file>", "credentials file to write (mode 0600)").conflicts("pulumiStack"))
    .option(
      "--pulumi-stack <stack>",
      "instead of a file, store the credentials as the secret gcp-billing:credentials of this stack (runs `pulumi config set --secret`); note that Pulumi then keeps them, encrypted, in the stack's state (docs/provider.md) — a file plus its path in config keeps them out",
    )
    .option("--timeout-seconds <n>", "how long to wait for the browser", positiveInt, 300)
    .option("--no-browser", "do not try to open a browser; just print the URL")
    .addHelpText(
      "after",
      `
Scopes (Google's descriptions):
${SCOPE_HELP}
The default, cloud-billing, is the narrowest scope that can link projects; cloud-billing.readonly cannot.

Default --out: ${defaultCredentialsPath(env)}
The refresh token is never printed. A callback with a wrong state is rejected and login keeps waiting.`,
    )
    .action(async (flags: LoginFlags) => {
      await login({
        clientId: flags.clientId,
        clientSecret: flags.clientSecret,
        scope: flags.scope,
        ...(flags.quotaProject ? { quotaProject: flags.quotaProject } : {}),
        outFile: flags.out ?? defaultCredentialsPath(env),
        ...(flags.pulumiStack ? { pulumiStack: flags.pulumiStack } : {}),
        timeoutMs: flags.timeoutSeconds * 1000,
        openBrowser: flags.browser,
        logger,
        env,
        browserOpener: systemBrowserOpener(env),
        pulumiRunner: systemPulumiRunner(env),
      });
    });

  program
    .command("doctor")
    .description(
      "Check the credentials the provider would use, their identity, scopes and quota project, that the API answers, and (optionally) access to a project and billing account.",
    )
    .option("--project <projectId>", "check that the caller can read this project's billing link")
    .option(
      "--billing-account <account>",
      "check that the caller can read this billing account and link projects to it",
    )
    .option(
      "--credentials <fileOrJson>",
      "like the gcp-billing:credentials stack config: a credentials file path (authorized_user, impersonated_service_account, external_account, service_account) or its contents",
    )
    .option("--quota-project <project>", "like gcp-billing:quotaProject")
    .option("--api-endpoint <url>", "like gcp-billing:apiEndpoint")
    .option(
      "--impersonate-service-account <email>",
      "like gcp-billing:impersonateServiceAccount (else GOOGLE_IMPERSONATE_SERVICE_ACCOUNT)",
    )
    .addHelpText(
      "after",
      `
Without --credentials, credentials resolve like the provider's: GOOGLE_OAUTH_ACCESS_TOKEN, GOOGLE_CREDENTIALS,
GOOGLE_APPLICATION_CREDENTIALS, then gcloud's application default credentials. The Credentials line names the
kind and, for service accounts, impersonation and workload identity federation, the principal the API sees.
Exit code 1 if any check fails.`,
    )
    .action(async (flags: DoctorFlags) => {
      const result = await doctor({ ...flags, env, logger });
      if (!result.ok) {
        logger.error("Some checks failed; see the fix lines above.");
        process.exitCode = EXIT_FAILED;
      }
    });

  program
    .command("drift")
    .description(
      "Audit a stack's billing links, read-only: relinked, unlinked, deleted projects and disabled billing, and (with --unmanaged) projects billed to the stack's accounts that it does not declare.",
    )
    .option("-s, --stack <name>", "the stack to check (default: the current stack, as for `pulumi`)")
    .option("-C, --cwd <dir>", "the Pulumi project directory (default: the current directory)")
    .option(
      "--unmanaged",
      "also list every project billed to each billing account the stack declares (billingAccounts.projects.list, needs billing.resourceAssociations.list: roles/billing.viewer)",
    )
    .addOption(new Option("--format <format>", "report format").choices([...REPORT_FORMATS]).default("text"))
    .option(
      "-o, --output <file>",
      "write the report to this file, replacing it, in the format its extension names (.json, .md, .txt) or else --format; repeatable; the human text then goes to stdout",
      (file: string, files: string[]) => [...files, file],
      [] as string[],
    )
    .addHelpText(
      "after",
      `
Runs \`pulumi refresh --preview-only --run-program\` through the Automation API: one projects.getBillingInfo
per link (plus one billingAccounts.projects.list per account and page with --unmanaged), nothing written to
the state. Read-only credentials are enough (cloud-billing.readonly, roles/billing.viewer). Credentials
resolve as the provider's do: the stack's gcp-billing:* config, then the environment.

Exit codes:
  0  no findings: every link is as declared (and, with --unmanaged, nothing unmanaged)
  3  findings: see the report
  1  the check is incomplete (credentials, permission, network, API, config, a link that could not be
     read); the report still lists what was read. Never read as "no drift".
  2  usage error
See docs/drift.md.`,
    )
    .action(async (flags: DriftFlags) => {
      const report = await drift({
        ...(flags.stack ? { stack: flags.stack } : {}),
        ...(flags.cwd ? { cwd: flags.cwd } : {}),
        unmanaged: flags.unmanaged ?? false,
        format: flags.format,
        outputs: flags.output,
        color: terminal.color,
        env,
        logger,
      });
      process.exitCode = DRIFT_EXIT_CODES[report.status];
    });

  return program;
}

export async function main(argv: string[], logger: Logger = consoleLogger): Promise<void> {
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== "dumb";
  const program = buildProgram(logger, process.env, { color });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version "errors" are successful exits.
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_USAGE;
    } else if (e instanceof LoginError || e instanceof CloudBillingError) {
      logger.error(`Error: ${oneLine(e.message)}`);
      if (e.hint && !e.message.includes(e.hint)) logger.error(`Fix: ${oneLine(e.hint)}`);
      process.exitCode = EXIT_FAILED;
    } else {
      // Unexpected: name and message only; a stack or inspected object could carry request data.
      logger.error(`Error: ${e instanceof Error ? `${e.name}: ${oneLine(e.message)}` : "unknown failure"}`);
      process.exitCode = EXIT_FAILED;
    }
  }
}

if (require.main === module) void main(process.argv);
