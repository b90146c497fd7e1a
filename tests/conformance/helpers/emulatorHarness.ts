import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../../emulator/src/index";
import {
  ACCOUNT_IDS,
  ADC_CLIENT_ID,
  ADC_CLIENT_SECRET,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  PRINCIPALS,
} from "../../support/seed";

/** Shared constants and a thin raw-HTTP helper for the emulator conformance suites. */

export const CB = "https://www.googleapis.com/auth/cloud-billing";
export const CB_RO = "https://www.googleapis.com/auth/cloud-billing.readonly";
export const CP = "https://www.googleapis.com/auth/cloud-platform";

export const DEMO_CLIENT = { id: DEMO_CLIENT_ID, secret: DEMO_CLIENT_SECRET };
export const ADC_CLIENT = { id: ADC_CLIENT_ID, secret: ADC_CLIENT_SECRET };

/** Bare account IDs: the conformance suites build URL paths from them. */
export const ACCOUNTS = ACCOUNT_IDS;

export const ADMIN = PRINCIPALS.admin;
export const ALICE = PRINCIPALS.alice;
export const VIEWER = PRINCIPALS.viewer;
export const OUTSIDER = PRINCIPALS.outsider;

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
