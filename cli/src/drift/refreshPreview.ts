/**
 * The read-only refresh: `pulumi refresh --preview-only --run-program` through the Automation API.
 *
 * - `--preview-only` writes nothing: no state, no history, no backup.
 * - The engine calls only the provider's `read` (one `projects.getBillingInfo` per link) and the pure
 *   `diff`; unlike `pulumi preview --refresh`, it never calls `check`, so no preflight or
 *   closed-account lookups (`billingAccounts.get`) are made. That is what keeps the check at exactly one
 *   API read per link.
 * - `--run-program` runs the program so the provider is configured from the *current* stack config (and
 *   the current package), as `pulumi preview` would be; a plain refresh would use the config recorded at
 *   the last `up` (docs/provider.md). The `--unmanaged` listing resolves its credentials from the same
 *   current config, so both halves of the check act as the same identity.
 */
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { commandFailureText } from "./engineErrors";
import type { Redactor } from "./redact";
import { foldRefreshEvents, type RefreshResult } from "./refreshEvents";

const MAX_STDERR_CHARS = 20_000;

export async function runRefreshPreview(
  stack: Stack,
  redact: Redactor,
  signal?: AbortSignal,
): Promise<RefreshResult> {
  const events: EngineEvent[] = [];
  let stderr = "";
  let failure: unknown;
  try {
    await stack.previewRefresh({
      runProgram: true,
      onEvent: (event) => events.push(event),
      onError: (chunk) => {
        if (stderr.length < MAX_STDERR_CHARS) stderr += chunk;
      },
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    failure = err;
  }
  const result = foldRefreshEvents(events);
  if (failure !== undefined && result.errors.length === 0) {
    // Failed before the engine could say why on its event stream (no stack, wrong passphrase, a program
    // that does not start): stderr has the reason. The error object itself carries all of stdout.
    result.errors.push({
      message: stderr.trim()
        ? commandFailureText(stderr, redact)
        : `the refresh preview failed: ${failure instanceof Error ? failure.name : "unknown error"}`,
    });
  }
  return result;
}
