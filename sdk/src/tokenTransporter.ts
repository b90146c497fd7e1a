/**
 * The HTTP transport google-auth-library uses for its grants, routed through our request pipeline.
 * google-auth-library still builds each request (the refresh-token POST, the JWT-bearer assertion, the
 * STS exchange, generateAccessToken, an external account's subject token fetch); sending it is ours: our
 * retry policy instead of its RETRY_CONFIG, our redactor instead of gaxios', our abort signal instead of
 * none, and no logging interceptors (they run inside `Gaxios.request`, which this replaces).
 *
 * The library passes no signal or context of ours to its transporter, so a token source runs each grant
 * inside `withTokenCall`, and the call travels with the async call chain. The call also decides where a
 * request may go: every URL the library asks for must be one of the call's routes (endpointPolicy.ts
 * chose them), or it is refused. A failure is kept on the call as our typed, sanitized error, and the
 * library is handed a bare Error it may rewrite as it likes (Impersonated and gtoken do edit messages).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { Gaxios, type GaxiosOptions, type GaxiosResponse } from "gaxios";
import { CloudBillingError, CredentialsError } from "./errors";
import type { HintContext } from "./hints";
import type { RequestExecutor } from "./requestSpec";
import type { HttpBody } from "./transport";

/** Where one URL the library builds is really sent, and the method name errors and the observer use. */
export interface TokenRoute {
  url: string;
  /** `oauth.token`, `sts.token`, `iamcredentials.generateAccessToken`, `oidc.subjectToken`. */
  method: string;
}

export interface TokenCall {
  pipeline: RequestExecutor;
  signal: AbortSignal;
  /** What errors should say about the credential (kind, source, and what the grant learns on the way). */
  ctx: HintContext;
  /** The credential's secrets; tokens seen during the grant (subject, source access tokens) are added. */
  secrets: string[];
  /** The library's URL → where it goes. Anything else is refused. */
  routes: ReadonlyMap<string, TokenRoute>;
  /** The first typed failure of the grant, which the token source reports instead of the library's error. */
  failure?: CloudBillingError;
}

const currentCall = new AsyncLocalStorage<TokenCall>();

/** Runs a google-auth-library grant so that its HTTP requests go through `call.pipeline`. */
export function withTokenCall<T>(call: TokenCall, grant: () => Promise<T>): Promise<T> {
  return currentCall.run(call, grant);
}

/** The grant in progress, for code the library calls back (subject token suppliers, source clients). */
export function currentTokenCall(): TokenCall | undefined {
  return currentCall.getStore();
}

/** Records `failure` on the call (the first one wins) and returns what to throw at the library. */
export function failGrant(call: TokenCall, failure: CloudBillingError): Error {
  call.failure ??= failure;
  return new Error("gcp-billing-link: the token request failed");
}

/** Headers of ours (or gaxios') that are not forwarded; the pipeline sets its own. */
const DROPPED_HEADERS = new Set([
  "user-agent",
  "x-goog-api-client",
  "content-type",
  "content-length",
  "accept",
  "accept-encoding",
]);

function forwardedHeaders(opts: GaxiosOptions, call: TokenCall): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(Gaxios.mergeHeaders(opts.headers)).forEach((value, name) => {
    if (DROPPED_HEADERS.has(name)) return;
    out[name] = value;
    // A source access token (or client credentials) must not reach a message either.
    if (name === "authorization") call.secrets.push(value, value.replace(/^(Bearer|Basic)\s+/i, ""));
  });
  return out;
}

export class PipelineTransporter extends Gaxios {
  override async request<T = unknown>(opts: GaxiosOptions = {}): Promise<GaxiosResponse<T>> {
    const call = currentCall.getStore();
    if (!call) throw new Error("gcp-billing-link: an OAuth request was made outside withTokenCall");
    const url = String(opts.url ?? "");
    const route = call.routes.get(url);
    if (!route) throw failGrant(call, unexpectedUrl(call.ctx));
    const text = opts.responseType === "text";
    try {
      const data = await call.pipeline.execute(
        {
          httpMethod: opts.method === "GET" ? "GET" : "POST",
          url: route.url,
          body: bodyOf(opts.data),
          headers: forwardedHeaders(opts, call),
          parse: (value) =>
            text || (typeof value === "object" && value !== null) ? (value as T) : undefined,
          ...(text ? { responseType: "text" as const } : {}),
          ctx: { ...call.ctx, method: route.method },
          auth: "none",
          quota: false,
          secrets: call.secrets,
        },
        { signal: call.signal },
      );
      return response(opts, route.url, data);
    } catch (err) {
      throw err instanceof CloudBillingError ? failGrant(call, err) : err;
    }
  }
}

function response<T>(opts: GaxiosOptions, url: string, data: T): GaxiosResponse<T> {
  return {
    config: opts,
    data,
    status: 200,
    statusText: "OK",
    headers: new Headers(),
    request: { responseURL: url },
  } as unknown as GaxiosResponse<T>;
}

function unexpectedUrl(ctx: HintContext): CredentialsError {
  return new CredentialsError(
    `${ctx.method} was refused: the credential library asked for an unexpected URL.`,
    {
      method: ctx.method,
      status: "FAILED_PRECONDITION",
      hint: "This is a bug in gcp-billing-link or its google-auth-library version; no request was sent.",
    },
  );
}

/** google-auth-library sends form grants as URLSearchParams, and a few calls as JSON objects. */
function bodyOf(data: unknown): HttpBody | undefined {
  if (data === undefined || data === null) return undefined;
  if (data instanceof URLSearchParams)
    return { contentType: "application/x-www-form-urlencoded;charset=UTF-8", text: data.toString() };
  if (typeof data === "string") return { contentType: "application/x-www-form-urlencoded", text: data };
  return { contentType: "application/json; charset=utf-8", text: JSON.stringify(data) };
}
