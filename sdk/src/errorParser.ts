/**
 * The one parser for error bodies: AIP-193 `{"error":{code,message,status,errors[],details[]}}`
 * (https://google.aip.dev/193, docs/cloud-billing-api.md §6) including the legacy `errors[]`, and RFC 6749
 * §5.2 OAuth errors `{"error","error_description"}`. Anything else (HTML 404 pages, proxies) yields
 * only the status and a capped message. Classification uses fields, never message text.
 */
import { z } from "zod/v3";
import { parseDurationMs } from "./retry";
import type { Sanitizer } from "./sanitize";

const TYPE_PREFIX = "type.googleapis.com/google.rpc.";

export interface ParsedError {
  httpStatus: number;
  /** Canonical code name, from the body or derived from the HTTP status. */
  status: string;
  /** Server message, sanitized and capped. */
  message: string;
  reason?: string;
  domain?: string;
  metadata?: Record<string, string>;
  /** Legacy `errors[0].reason` (e.g. `failedPrecondition`, `insufficientPermissions`). */
  legacyReason?: string;
  /** Short `@type` names of `details[]` (e.g. `QuotaFailure`). */
  detailTypes: string[];
  quotaViolations: { subject: string; description: string }[];
  preconditionViolations: { type: string; subject: string; description: string }[];
  fieldViolations: { field: string; description: string }[];
  /** From `google.rpc.RetryInfo`. */
  retryDelayMs?: number;
  /** RFC 6749 error code when the body is an OAuth error. */
  oauthError?: string;
  oauthSubtype?: string;
  /** Body was not JSON (usually an HTML error page). */
  nonJson: boolean;
  /** `scope` parameter of a `WWW-Authenticate: Bearer … error="insufficient_scope"` header. */
  requiredScopes?: string[];
}

const Detail = z.object({ "@type": z.string() }).passthrough();
const ErrorInfo = z.object({
  reason: z.string().optional(),
  domain: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
const QuotaFailure = z.object({
  violations: z
    .array(z.object({ subject: z.string().optional(), description: z.string().optional() }))
    .optional(),
});
const PreconditionFailure = z.object({
  violations: z
    .array(
      z.object({
        type: z.string().optional(),
        subject: z.string().optional(),
        description: z.string().optional(),
      }),
    )
    .optional(),
});
const BadRequest = z.object({
  fieldViolations: z
    .array(z.object({ field: z.string().optional(), description: z.string().optional() }))
    .optional(),
});
const RetryInfo = z.object({ retryDelay: z.unknown().optional() });

const StatusBody = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    errors: z.array(z.object({ reason: z.string().optional(), domain: z.string().optional() })).optional(),
    details: z.array(z.unknown()).optional(),
  }),
});
const OAuthBody = z.object({
  error: z.string(),
  error_description: z.string().optional(),
  error_subtype: z.string().optional(),
});

/** google.rpc.Code names for HTTP statuses (https://cloud.google.com/apis/design/errors#handling_errors). */
export function canonicalStatus(httpStatus: number): string {
  const table: Record<number, string> = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
  };
  return table[httpStatus] ?? (httpStatus >= 500 ? "INTERNAL" : "UNKNOWN");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Extracts `scope="…"` from a Bearer challenge (RFC 6750 §3). */
export function parseWwwAuthenticateScopes(header: string | null | undefined): string[] | undefined {
  if (!header) return undefined;
  const m = /scope="([^"]*)"/i.exec(header);
  return m ? m[1].split(/\s+/).filter((s) => s !== "") : undefined;
}

export function parseErrorBody(args: {
  httpStatus: number;
  bodyText: string;
  wwwAuthenticate?: string | null;
  sanitize: Sanitizer;
}): ParsedError {
  const { httpStatus, bodyText, sanitize } = args;
  const out: ParsedError = {
    httpStatus,
    status: canonicalStatus(httpStatus),
    message: "",
    detailTypes: [],
    quotaViolations: [],
    preconditionViolations: [],
    fieldViolations: [],
    nonJson: false,
  };
  const scopes = parseWwwAuthenticateScopes(args.wwwAuthenticate);
  if (scopes) out.requiredScopes = scopes.map((s) => sanitize(s, 200));

  const json = parseJson(bodyText);
  if (json === undefined) {
    out.nonJson = bodyText.trim() !== "";
    // An HTML page is useless as a message; keep a short, tag-free excerpt.
    out.message = sanitize(bodyText.replace(/<[^>]*>/g, " ").replace(/\s+/g, " "), 120);
    return out;
  }
  const oauth = OAuthBody.safeParse(json);
  if (oauth.success) return readOAuthError(out, oauth.data, sanitize);
  const status = StatusBody.safeParse(json);
  if (!status.success) {
    out.message = sanitize(bodyText, 120);
    return out;
  }
  return readStatus(out, status.data.error, sanitize);
}

/** RFC 6749 §5.2: `{"error", "error_description", "error_subtype"?}`. */
function readOAuthError(out: ParsedError, body: z.infer<typeof OAuthBody>, sanitize: Sanitizer): ParsedError {
  out.oauthError = sanitize(body.error, 64);
  out.status = out.oauthError;
  if (body.error_subtype) out.oauthSubtype = sanitize(body.error_subtype, 64);
  out.message = sanitize(body.error_description ?? body.error);
  return out;
}

/** AIP-193 `google.rpc.Status`, with the legacy `errors[]` and each known `details[]` entry. */
function readStatus(
  out: ParsedError,
  e: z.infer<typeof StatusBody>["error"],
  sanitize: Sanitizer,
): ParsedError {
  if (e.status) out.status = sanitize(e.status, 64);
  out.message = sanitize(e.message ?? "");
  const legacy = e.errors?.[0];
  if (legacy?.reason) out.legacyReason = sanitize(legacy.reason, 64);
  for (const raw of e.details ?? []) {
    const d = Detail.safeParse(raw);
    if (!d.success) continue;
    const typeUrl = d.data["@type"];
    const type = typeUrl.startsWith(TYPE_PREFIX) ? typeUrl.slice(TYPE_PREFIX.length) : typeUrl;
    out.detailTypes.push(sanitize(type, 80));
    // Own properties only: a server-chosen "@type" must not reach Object.prototype.
    if (Object.hasOwn(DETAIL_READERS, type)) DETAIL_READERS[type](out, raw, sanitize);
  }
  return out;
}

type DetailReader = (out: ParsedError, raw: unknown, sanitize: Sanitizer) => void;

/** One reader per `google.rpc` detail type we use (google/rpc/error_details.proto). */
const DETAIL_READERS: Record<string, DetailReader> = {
  ErrorInfo(out, raw, sanitize) {
    const info = ErrorInfo.safeParse(raw);
    if (!info.success) return;
    if (info.data.reason) out.reason = sanitize(info.data.reason, 64);
    if (info.data.domain) out.domain = sanitize(info.data.domain, 100);
    if (!info.data.metadata) return;
    const meta: Record<string, string> = {};
    for (const [k, v] of Object.entries(info.data.metadata)) {
      // Metadata values are strings per error_details.proto; skip anything else.
      if (typeof v === "string") meta[sanitize(k, 64)] = sanitize(v, 300);
    }
    out.metadata = meta;
  },
  QuotaFailure(out, raw, sanitize) {
    const q = QuotaFailure.safeParse(raw);
    for (const v of (q.success ? q.data.violations : undefined) ?? []) {
      out.quotaViolations.push({
        subject: sanitize(v.subject ?? "", 120),
        description: sanitize(v.description ?? ""),
      });
    }
  },
  PreconditionFailure(out, raw, sanitize) {
    const p = PreconditionFailure.safeParse(raw);
    for (const v of (p.success ? p.data.violations : undefined) ?? []) {
      out.preconditionViolations.push({
        type: sanitize(v.type ?? "", 80),
        subject: sanitize(v.subject ?? "", 120),
        description: sanitize(v.description ?? ""),
      });
    }
  },
  BadRequest(out, raw, sanitize) {
    const b = BadRequest.safeParse(raw);
    for (const v of (b.success ? b.data.fieldViolations : undefined) ?? []) {
      out.fieldViolations.push({
        field: sanitize(v.field ?? "", 80),
        description: sanitize(v.description ?? ""),
      });
    }
  },
  RetryInfo(out, raw) {
    const r = RetryInfo.safeParse(raw);
    const ms = r.success ? parseDurationMs(r.data.retryDelay) : undefined;
    if (ms !== undefined) out.retryDelayMs = ms;
  },
};

/** A 429 whose quota limit is zero is a missing grant, not throttling (docs/cloud-billing-api.md §6.2). */
export function isZeroQuota(p: ParsedError): boolean {
  return p.httpStatus === 429 && p.metadata?.quota_limit_value === "0";
}
