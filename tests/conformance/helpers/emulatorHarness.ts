import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../../emulator/src/index";

/** Shared constants and a thin raw-HTTP helper for the emulator conformance suites. */

export const CB = "https://www.googleapis.com/auth/cloud-billing";
export const CB_RO = "https://www.googleapis.com/auth/cloud-billing.readonly";
export const CP = "https://www.googleapis.com/auth/cloud-platform";

export const DEMO_CLIENT = {
  id: "gcp-billing-link-demo.apps.googleusercontent.com",
  secret: "demo-client-secret-not-a-real-secret",
};
export const ADC_CLIENT = {
  id: "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com",
  secret: "gcloud-adc-secret-not-a-real-secret",
};

export const ACCOUNTS = {
  main: "01A2B3-C4D5E6-F7A8B9",
  sandbox: "0B1C2D-3E4F5A-6B7C8D",
  closed: "0C1C2C-3C4C5C-6C7C8C",
  atQuota: "0F1F2F-3F4F5F-6F7F8F",
} as const;

export const ADMIN = "admin@example.com";
export const ALICE = "alice@example.com";
export const VIEWER = "viewer@example.com";
export const OUTSIDER = "outsider@example.com";

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined for non-JSON bodies. */
  json: JsonBody | undefined;
}

/** Loose view of a JSON body for assertions; tests index into it freely. */
export interface JsonBody {
  [key: string]: JsonBody | JsonBody[] | string | number | boolean | null | undefined;
}

export interface CallOptions {
  token?: string;
  body?: string | object;
  contentType?: string;
  headers?: Record<string, string>;
}

export async function call(
  emu: RunningEmulator,
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["content-type"] = opts.contentType ?? "application/json";
  }
  const res = await fetch(`${emu.url}${path}`, { method, headers, body, redirect: "manual" });
  const text = await res.text();
  let json: JsonBody | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** The google.rpc.Status inside `{"error": …}`. */
export function rpcError(r: RawResponse): JsonBody {
  const err = r.json?.error;
  if (typeof err !== "object" || err === null || Array.isArray(err))
    throw new Error(`not a Google error envelope (HTTP ${r.status}): ${r.text.slice(0, 300)}`);
  return err;
}

/** The first detail of a given `@type` suffix (`ErrorInfo`, `QuotaFailure`, …). */
export function detail(r: RawResponse, typeSuffix: string): JsonBody | undefined {
  const details = rpcError(r).details;
  if (!Array.isArray(details)) return undefined;
  return details.find(
    (d) => typeof d["@type"] === "string" && d["@type"].endsWith(`google.rpc.${typeSuffix}`),
  );
}

export async function withEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator(options);
}

export function tokenFor(
  emu: RunningEmulator,
  principal: string,
  scopes: string[] = [CB],
  clientId?: string,
): string {
  return emu.issueAccessToken({ principal, scopes, ...(clientId ? { clientId } : {}) });
}
