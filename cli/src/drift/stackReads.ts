/**
 * The plain reads a drift check makes before the refresh, each one pulumi command: which stack, its
 * config (for the `--unmanaged` listing's credentials, resolved like the provider's), and the links
 * its state records. Each throws a StackReadError with pulumi's own reason.
 */
import { commandFailureText } from "./engineErrors";
import { runPulumi, type PulumiInvocation } from "./pulumiCli";
import type { Redactor } from "./redact";

/** Why the stack could not be read; the message is already safe to print. */
export class StackReadError extends Error {
  override name = "StackReadError";
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export type StackConfig = Record<string, { value: string; secret?: boolean }>;

async function read(
  args: string[],
  how: PulumiInvocation,
  redact: Redactor,
  what: string,
  hint?: string,
): Promise<string> {
  const run = await runPulumi(args, how);
  if (run.code !== 0) throw new StackReadError(`${what}: ${commandFailureText(run.stderr, redact)}`, hint);
  return run.stdout;
}

/** The workspace's current stack, as `pulumi` without `--stack` would use. */
export async function currentStackName(how: PulumiInvocation, redact: Redactor): Promise<string> {
  const out = await read(
    ["stack", "--show-name"],
    how,
    redact,
    `no stack is selected in ${how.cwd}`,
    "Pass --stack NAME, or select one with `pulumi stack select`.",
  );
  const name = out.trim();
  if (!name) throw new StackReadError(`no stack is selected in ${how.cwd}`, "Pass --stack NAME.");
  return name;
}

/** Every config value of the stack, secrets decrypted (they are only ever used, never printed). */
export async function readStackConfig(
  stack: string,
  how: PulumiInvocation,
  redact: Redactor,
): Promise<StackConfig> {
  const out = await read(
    ["config", "--show-secrets", "--json", "--stack", stack],
    how,
    redact,
    `cannot read the config of stack ${stack}`,
  );
  const parsed = parseJson(out || "{}", `pulumi config of stack ${stack}`);
  const config: StackConfig = {};
  if (typeof parsed !== "object" || parsed === null) return config;
  for (const [key, entry] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof entry !== "object" || entry === null) continue;
    const { value, secret } = entry as { value?: unknown; secret?: unknown };
    if (typeof value === "string") config[key] = { value, secret: secret === true };
  }
  return config;
}

/** `pulumi stack export`, without `--show-secrets`. */
export async function exportStack(stack: string, how: PulumiInvocation, redact: Redactor): Promise<unknown> {
  const out = await read(
    ["stack", "export", "--stack", stack],
    how,
    redact,
    `cannot read the state of stack ${stack}`,
  );
  return parseJson(out, `pulumi stack export of stack ${stack}`);
}

/** Never echoes the text: config output holds decrypted secrets, and JSON.parse errors quote their input. */
function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new StackReadError(`${what} printed something that is not JSON`, "Check the pulumi CLI on PATH.");
  }
}
