/**
 * The error the provider hands to Pulumi's dynamic-provider host, and how it reaches the user.
 *
 * - The host passes a thrown error straight to grpc-js as the call's status. grpc-js reads `code` as the
 *   gRPC status code and calls `metadata.clone()` on a `metadata` property — and the sdk's errors carry
 *   `google.rpc.ErrorInfo` metadata (a plain object) and an HTTP-style `code`. The result was a crashed
 *   provider process and a hung `pulumi refresh`. So only a plain message crosses the boundary; the typed
 *   sdk error stays available as `cause` for anything in-process.
 * - The message must stand alone: it is all the user sees, so the sdk's hint goes into it.
 * - For check, diff, read and delete the host also prints `${err}: ${err.stack}` to stderr before
 *   returning the error (`@pulumi/pulumi/cmd/dynamic-provider/index.js`). The engine shows that under the
 *   Stack, with our `.ts` stack frames and the message twice, while it already shows the error itself
 *   under the resource. Boundary errors therefore carry a marker stack, and in the provider process that
 *   one print is dropped (installHostPrintFilter).
 */
import {
  CloudBillingError,
  CredentialsError,
  PermissionDeniedError,
  UnauthenticatedError,
} from "../../sdk/src";

/** The stack our boundary errors carry, so the host's duplicate print of them can be recognised. */
const REPORTED_MARKER = "\u2063gcp-billing-link: reported to the engine";

export class ProjectBillingLinkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ProjectBillingLinkError";
    this.stack = REPORTED_MARKER;
  }
}

export type Operation = "configure" | "check" | "diff" | "create" | "read" | "update" | "delete";

/**
 * Errors that are about the credentials or the quota project rather than about one link: every call
 * would fail the same way, so they must not be worded as a problem with a project or an account.
 */
export function isCredentialFailure(err: unknown): boolean {
  if (err instanceof CredentialsError || err instanceof UnauthenticatedError) return true;
  return (
    err instanceof PermissionDeniedError &&
    ["ACCESS_TOKEN_SCOPE_INSUFFICIENT", "SERVICE_DISABLED", "USER_PROJECT_DENIED"].includes(err.reason ?? "")
  );
}

/** Appended (as " Note: …") to credential failures of read and delete; exported for the drift check. */
export const RECORDED_CONFIG_NOTE =
  "refresh and destroy use the gcp-billing:* config recorded at the last `pulumi up`: if you changed " +
  "it since (for example gcp-billing:credentials), run `pulumi up` first. A rewritten credentials file " +
  "or new environment variables take effect at once.";

/** The one message the user sees for `err`: its text, the sdk's hint, and what else this operation needs. */
export function userMessage(err: unknown, operation: Operation): string {
  let message = err instanceof Error ? err.message : String(err);
  if (err instanceof CloudBillingError && err.hint && !message.includes(err.hint)) {
    message = `${message} Hint: ${err.hint}`;
  }
  if ((operation === "read" || operation === "delete") && isCredentialFailure(err)) {
    message = `${message} Note: ${RECORDED_CONFIG_NOTE}`;
  }
  return message;
}

/** Runs one provider operation so that whatever it throws is safe to hand to grpc-js and complete. */
export async function atBoundary<T>(operation: Operation, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ProjectBillingLinkError) throw err;
    throw new ProjectBillingLinkError(userMessage(err, operation), { cause: err });
  }
}

const FILTER_INSTALLED = Symbol.for("gcp-billing-link.hostPrintFilter");

/**
 * In the dynamic-provider host only: drops the host's stderr print of errors that carry our marker (see
 * the file comment). Every other line, including the host's prints of foreign errors, passes unchanged.
 */
export function installHostPrintFilter(): void {
  const registry = globalThis as { [FILTER_INSTALLED]?: boolean };
  if (registry[FILTER_INSTALLED] || !require.main?.filename.includes("dynamic-provider")) return;
  registry[FILTER_INSTALLED] = true;
  const original = console.error.bind(console);
  console.error = (...args: unknown[]): void => {
    if (args.length === 1 && typeof args[0] === "string" && args[0].endsWith(REPORTED_MARKER)) return;
    original(...args);
  };
}
