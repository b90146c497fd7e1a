/**
 * The drift check as a typed function, for the CLI and for Automation API users:
 *
 *   const report = await checkDrift({ workDir: "infra", stackName: "prod", unmanaged: true });
 *   if (report.status !== "clean") …
 *
 * It reads the stack's links from its state, runs a read-only refresh preview (refreshPreview.ts) and,
 * with `unmanaged`, lists every declared account's projects; then classifies (classify.ts). Operational
 * failures (no pulumi, no stack, bad credentials, an API error, an unreadable link) never throw: they
 * are `errors` in a report whose status is then `error`, next to whatever was read.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { SDK_VERSION, type CloudBillingClientOptions } from "../../../sdk/src/index";
import { settingsFromConfig } from "../../../provider/src/providerConfig";
import { listDeclaredAccounts } from "./accountListings";
import { buildReport } from "./buildReport";
import { declaredAccounts, type LinkReading, type ProjectListing, type StackLink } from "./classify";
import { reportErrorsFromEngine } from "./engineErrors";
import { openStackWithoutSelecting, pulumiEnv, type OpenedStack } from "./engineStack";
import { knownSecrets, makeRedactor, safeLine, type Redactor } from "./redact";
import { runRefreshPreview } from "./refreshPreview";
import type { DriftReport, ReportError } from "./report";
import { stackLinksFromExport } from "./stackLinks";
import {
  currentStackName,
  exportStack,
  readStackConfig,
  StackReadError,
  type StackConfig,
} from "./stackReads";

export interface DriftOptions {
  /** The Pulumi project directory (holding Pulumi.yaml). Default: the current directory. */
  workDir?: string;
  /** Default: the directory's current stack, as for `pulumi` without `--stack`. */
  stackName?: string;
  /** Also list each declared account's projects and report those no link declares. */
  unmanaged?: boolean;
  /** For pulumi, the program and the listing. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Default: `pulumi` from PATH (PulumiCommand.get()). */
  pulumiCommand?: PulumiCommand;
  /** Progress lines, for a human watching (the CLI prints them on stderr). */
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
  /** For tests. */
  now?: () => Date;
}

export const GENERATOR = `gcp-billing-link ${SDK_VERSION}`;
const PROJECT_FILES = ["Pulumi.yaml", "Pulumi.yml", "Pulumi.json"];
/** The listing's overall deadline per call: the provider's 60 s budget, as its reads get. */
const LISTING_DEADLINE_MS = 60_000;

export async function checkDrift(options: DriftOptions = {}): Promise<DriftReport> {
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());
  const checkedAt = now();
  const progress = options.onProgress ?? (() => undefined);
  const workDir = path.resolve(options.workDir ?? process.cwd());
  let redact: Redactor = makeRedactor(knownSecrets({}, env));
  const stack = { name: options.stackName ?? "", project: "" };
  const failed = (error: ReportError): DriftReport =>
    buildReport({
      stack,
      generator: GENERATOR,
      checkedAt,
      links: [],
      readings: new Map(),
      ...(options.unmanaged ? { listings: [] } : {}),
      errors: [error],
    });

  if (!PROJECT_FILES.some((f) => fs.existsSync(path.join(workDir, f)))) {
    return failed({
      scope: "stack",
      message: `no Pulumi project in ${workDir} (no Pulumi.yaml there)`,
      hint: "Run the check in the directory holding Pulumi.yaml, or pass --cwd DIR.",
    });
  }
  let pulumi: PulumiCommand;
  try {
    pulumi = options.pulumiCommand ?? (await PulumiCommand.get());
  } catch (err) {
    return failed({
      scope: "stack",
      message: `cannot run pulumi: ${safeLine(err instanceof Error ? err.message : String(err), redact)}`,
      hint: "Install the Pulumi CLI and put it on PATH.",
    });
  }
  const envVars = pulumiEnv(env);
  const how = {
    command: pulumi.command,
    cwd: workDir,
    env: envVars,
    ...(options.signal ? { signal: options.signal } : {}),
  };

  let config: StackConfig;
  let links: StackLink[];
  let opened: OpenedStack;
  try {
    stack.name ||= await currentStackName(how, redact);
    const [read, exported] = await Promise.all([
      readStackConfig(stack.name, how, redact),
      exportStack(stack.name, how, redact),
    ]);
    config = read;
    redact = makeRedactor(knownSecrets(config, env));
    links = stackLinksFromExport(exported);
    opened = await openStackWithoutSelecting({
      workDir,
      stackName: stack.name,
      pulumiCommand: pulumi,
      envVars,
    });
    stack.project = opened.project;
  } catch (err) {
    return failed(
      err instanceof StackReadError
        ? { scope: "stack", message: err.message, ...(err.hint ? { hint: err.hint } : {}) }
        : { scope: "stack", message: safeLine(err instanceof Error ? err.message : String(err), redact) },
    );
  }

  const accounts = declaredAccounts(links);
  progress(
    `Reading ${links.length} billing link(s) of stack ${stack.name} (read-only refresh preview)` +
      (options.unmanaged ? ` and listing the projects of ${accounts.length} billing account(s)…` : "…"),
  );
  const [refresh, listed] = await Promise.all([
    links.length > 0 ? runRefreshPreview(opened.stack, redact, options.signal) : undefined,
    options.unmanaged ? listAccounts(accounts, config, env, redact, options.signal) : undefined,
  ]);

  const readings: Map<string, LinkReading> = refresh?.readings ?? new Map();
  const errors: ReportError[] = [
    ...reportErrorsFromEngine(refresh?.errors ?? [], links, redact),
    ...(listed?.errors ?? []),
  ];
  return buildReport({
    stack,
    generator: GENERATOR,
    checkedAt,
    links,
    readings,
    ...(listed ? { listings: listed.listings } : {}),
    errors,
  });
}

async function listAccounts(
  accounts: readonly string[],
  config: StackConfig,
  env: NodeJS.ProcessEnv,
  redact: Redactor,
  signal?: AbortSignal,
): Promise<{ listings: ProjectListing[]; errors: ReportError[] }> {
  let options: CloudBillingClientOptions;
  try {
    // Exactly the provider's mapping of gcp-billing:* onto sdk options, then the same env fallback.
    const { client } = settingsFromConfig({ get: (key) => config[key]?.value });
    options = {
      ...client,
      env,
      userAgent: "gcp-billing-link-drift",
      retry: { deadlineMs: LISTING_DEADLINE_MS },
    };
  } catch (err) {
    const message = safeLine(err instanceof Error ? err.message : String(err), redact);
    return {
      listings: accounts.map((billingAccount) => ({ billingAccount, projectIds: null })),
      errors: [{ scope: "stack", message: `cannot list the declared accounts' projects: ${message}` }],
    };
  }
  return listDeclaredAccounts(accounts, options, redact, signal);
}
