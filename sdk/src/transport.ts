/**
 * One HTTP attempt, nothing more: gaxios with its own retries off (retry.ts decides), every status
 * returned as data rather than thrown, the body read as text (HTML error pages are not JSON). A thrown
 * GaxiosError is reduced to its network code here and never travels further, because it carries the
 * request config, headers and body (docs/oauth.md §5.5).
 */
import { Gaxios, type GaxiosOptionsPrepared, type GaxiosResponse } from "gaxios";
import type { AuthClient } from "google-auth-library";
import { z } from "zod/v3";
import { REDACTED } from "./sanitize";

/** A request body already serialised, with its content type. */
export interface HttpBody {
  contentType: string;
  text: string;
}

export interface HttpRequest {
  method: "GET" | "PUT" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: HttpBody;
  signal: AbortSignal;
}

export type HttpResult =
  | { kind: "response"; status: number; bodyText: string; header(name: string): string | null }
  | { kind: "network"; code: string };

/**
 * errorRedactor for every gaxios instance we create (including google-auth-library's transporter):
 * gaxios' default leaves `refresh_token`, `code` and `access_token` in request bodies (§5.5), so drop
 * the whole request side (headers, body, query) instead of picking keys. The response body is kept:
 * it is the only place the RFC 6749 error code lives, and token endpoints do not echo secrets in errors.
 * (The error itself still never leaves the sdk; see tokenProvider.ts.)
 */
export function redactGaxiosError<T extends { config?: GaxiosOptionsPrepared; response?: GaxiosResponse }>(
  data: T,
): T {
  const config = data.config;
  if (config) {
    config.headers?.forEach((_v, k) => config.headers.set(k, REDACTED));
    if (config.data !== undefined) config.data = REDACTED;
    if (config.body !== undefined) config.body = REDACTED;
    for (const key of [...(config.url?.searchParams?.keys() ?? [])])
      config.url.searchParams.set(key, REDACTED);
  }
  const response = data.response;
  if (response) {
    response.config = { ...response.config, headers: new Headers(), data: REDACTED, body: REDACTED };
  }
  return data;
}

/**
 * Removes google-auth-library's logging interceptors from an AuthClient's transporter. With
 * GOOGLE_SDK_NODE_LOGGING set (a common debugging knob), they print every token response body
 * unredacted to stderr: the access token, and at login the refresh token (docs/conventions.md "Leave behind";
 * `DEFAULT_RESPONSE_INTERCEPTOR` in google-auth-library's authclient.ts). A provider's stderr ends up
 * in Pulumi's output, so the sdk never lets them run. The request interceptor only logs and sets
 * user-agent headers that the token endpoint does not need.
 */
export function withoutAuthLogging<T extends AuthClient>(client: T): T {
  // The interceptors are static members of AuthClient, reached through the instance's class so that
  // importing the sdk never loads google-auth-library (a static token does not need it).
  const authClass = client.constructor as typeof AuthClient;
  client.transporter.interceptors.request.delete(authClass.DEFAULT_REQUEST_INTERCEPTOR);
  client.transporter.interceptors.response.delete(authClass.DEFAULT_RESPONSE_INTERCEPTOR);
  return client;
}

const NetworkError = z.object({ code: z.string().optional(), name: z.string().optional() });

/** A JSON request body. */
export function jsonBody(value: unknown): HttpBody {
  return { contentType: "application/json; charset=utf-8", text: JSON.stringify(value) };
}

/** Node's error codes live on the error or its cause (node-fetch/undici); timeouts have no code. */
function networkCode(e: unknown, signal: AbortSignal): string {
  if (signal.aborted) return "ATTEMPT_TIMEOUT";
  const direct = NetworkError.safeParse(e);
  if (direct.success && direct.data.code && /^[A-Z_]+$/.test(direct.data.code)) return direct.data.code;
  const cause = e instanceof Error ? NetworkError.safeParse(e.cause) : undefined;
  if (cause?.success && cause.data.code && /^[A-Z_]+$/.test(cause.data.code)) return cause.data.code;
  return "NETWORK_ERROR";
}

export class Transport {
  readonly #gaxios = new Gaxios({ errorRedactor: redactGaxiosError });

  async send(req: HttpRequest): Promise<HttpResult> {
    try {
      const headers = req.body ? { ...req.headers, "content-type": req.body.contentType } : req.headers;
      const res = await this.#gaxios.request<string>({
        method: req.method,
        url: req.url,
        headers,
        data: req.body?.text,
        responseType: "text",
        retry: false,
        validateStatus: () => true,
        signal: req.signal,
      });
      const bodyText = typeof res.data === "string" ? res.data : "";
      return { kind: "response", status: res.status, bodyText, header: (name) => res.headers.get(name) };
    } catch (e) {
      // Deliberately not rethrown or attached: only the code survives.
      return { kind: "network", code: networkCode(e, req.signal) };
    }
  }
}
