/**
 * The error the provider hands to Pulumi's dynamic-provider host.
 *
 * The host passes a thrown error straight to grpc-js as the call's status. grpc-js reads `code` as the
 * gRPC status code and calls `metadata.clone()` on a `metadata` property — and the sdk's errors carry
 * `google.rpc.ErrorInfo` metadata (a plain object) and an HTTP-style `code`. The result was a crashed
 * provider process and a hung `pulumi refresh`. So only a plain message crosses the boundary; the typed
 * sdk error stays available as `cause` for anything in-process.
 */
export class ProjectBillingLinkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ProjectBillingLinkError";
  }
}

/** Runs one provider operation so that whatever it throws is safe to hand to grpc-js. */
export async function atBoundary<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    if (err instanceof ProjectBillingLinkError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new ProjectBillingLinkError(message, { cause: err });
  }
}
