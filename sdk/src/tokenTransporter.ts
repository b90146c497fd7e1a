/**
 * The HTTP transport google-auth-library uses for its OAuth grants, routed through our request
 * pipeline. google-auth-library still builds the grant (the refresh-token POST, and for other credential
 * kinds their own exchanges); sending it is ours: our retry policy instead of its RETRY_CONFIG, our
 * redactor instead of gaxios', our abort signal instead of none, and no logging interceptors (they
 * run inside `Gaxios.request`, which this replaces).
 *
 * The library does not pass a signal or any context of ours to its transporter, so the token source
 * runs the grant inside `withTokenCall`, and the context travels with the async call chain.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { Gaxios, type GaxiosOptions, type GaxiosResponse } from "gaxios";
import type { HintContext } from "./hints";
import type { RequestExecutor } from "./requestSpec";
import type { HttpBody } from "./transport";

export interface TokenCall {
  pipeline: RequestExecutor;
  signal: AbortSignal;
  /** What errors should say about the credential (method `oauth.token`, kind, source). */
  ctx: HintContext;
  /** The credential's secrets, scrubbed from any server text. */
  secrets: readonly string[];
}

const currentCall = new AsyncLocalStorage<TokenCall>();

/** Runs a google-auth-library grant so that its HTTP requests go through `call.pipeline`. */
export function withTokenCall<T>(call: TokenCall, grant: () => Promise<T>): Promise<T> {
  return currentCall.run(call, grant);
}

export class PipelineTransporter extends Gaxios {
  override async request<T = unknown>(opts: GaxiosOptions = {}): Promise<GaxiosResponse<T>> {
    const call = currentCall.getStore();
    if (!call) throw new Error("gcp-billing-link: an OAuth request was made outside withTokenCall");
    const url = String(opts.url ?? "");
    const data = await call.pipeline.execute(
      {
        httpMethod: opts.method === "GET" ? "GET" : "POST",
        url,
        body: bodyOf(opts.data),
        parse: (value) => (typeof value === "object" && value !== null ? (value as T) : undefined),
        ctx: call.ctx,
        auth: "none",
        quota: false,
        secrets: call.secrets,
      },
      { signal: call.signal },
    );
    return {
      config: opts,
      data,
      status: 200,
      statusText: "OK",
      headers: new Headers(),
      request: { responseURL: url },
    } as unknown as GaxiosResponse<T>;
  }
}

/** google-auth-library sends form grants as URLSearchParams, and a few calls as JSON objects. */
function bodyOf(data: unknown): HttpBody | undefined {
  if (data === undefined || data === null) return undefined;
  if (data instanceof URLSearchParams)
    return { contentType: "application/x-www-form-urlencoded;charset=UTF-8", text: data.toString() };
  if (typeof data === "string") return { contentType: "application/x-www-form-urlencoded", text: data };
  return { contentType: "application/json; charset=utf-8", text: JSON.stringify(data) };
}
