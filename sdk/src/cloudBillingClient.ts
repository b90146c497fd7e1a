/**
 * Typed client for the Cloud Billing API v1 calls the provider uses (cloud-billing-api.md §2).
 *
 * Every call goes: validate names (resourceNames.ts) → token (tokenProvider.ts) → rate limit and
 * concurrency cap (throttle.ts) → one HTTP attempt (transport.ts) → on failure, parse the body once
 * (errorParser.ts) and let retry.ts decide. A 401 earns exactly one refresh-and-replay per operation.
 * Credentials are resolved lazily on first use and kept in #private fields, so neither `util.inspect`
 * nor JSON of a client shows a secret.
 */
import { describe, resolveCredentials, secretsOf, type ResolvedCredential } from "./credentials";
import { resolveEndpoints } from "./endpoints";
import { errorFromNetwork, errorFromResponse } from "./errorFactory";
import { isZeroQuota, parseErrorBody } from "./errorParser";
import { CloudBillingError, VerificationTimeoutError } from "./errors";
import type { HintContext } from "./hints";
import { apiPaths, parseBillingAccountName, parseProjectId } from "./resourceNames";
import {
  parseRetryAfter,
  runWithRetry,
  systemClock,
  withDefaults,
  type AttemptResult,
  type RetryPolicy,
} from "./retry";
import { makeSanitizer } from "./sanitize";
import {
  DEFAULT_RATE_LIMIT,
  rateLimiterFor,
  semaphoreFor,
  type AdaptiveRateLimiter,
  type Semaphore,
} from "./throttle";
import { tokenSourceFor, type AccessTokenSource } from "./tokenProvider";
import { Transport, type HttpResult } from "./transport";
import {
  parseWire,
  type BillingAccount,
  type CallOptions,
  type Clock,
  type CloudBillingClientOptions,
  type CredentialsDescription,
  type Parse,
  type ProjectBillingInfo,
  type ResolvedEndpoints,
  type TokenInfoResult,
  type VerifyOptions,
} from "./types";

export const SDK_VERSION = "0.1.0";
const MAX_PAGE_SIZE = 100; // cloud-billing-api.md §5

const DEFAULT_VERIFY: Required<VerifyOptions> = { maxReads: 8, initialDelayMs: 250, maxDelayMs: 4000 };

interface CallSpec<T> {
  httpMethod: "GET" | "PUT" | "POST";
  /** Relative to the API root, or absolute (OAuth endpoints). */
  url: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  parse: Parse<T>;
  ctx: HintContext;
  /** OAuth endpoints are not subject to the API's rate limit or quota-project header. */
  api: boolean;
}

interface Session {
  credential: ResolvedCredential;
  tokens: AccessTokenSource;
  limiter: AdaptiveRateLimiter;
}

export class CloudBillingClient {
  readonly #options: CloudBillingClientOptions;
  readonly #env: NodeJS.ProcessEnv;
  readonly #endpoints: ResolvedEndpoints;
  readonly #policy: RetryPolicy;
  readonly #clock: Clock;
  readonly #verify: Required<VerifyOptions>;
  readonly #semaphore: Semaphore;
  readonly #transport = new Transport();
  readonly #userAgent: string;
  #session: Session | undefined;
  #tokenInfoScopes: Promise<readonly string[] | undefined> | undefined;

  constructor(options: CloudBillingClientOptions = {}) {
    this.#options = options;
    this.#env = options.env ?? process.env;
    this.#endpoints = resolveEndpoints(options.endpoints, this.#env);
    this.#policy = withDefaults(options.retry);
    this.#clock = options.clock ?? systemClock;
    const v = options.verify ?? {};
    this.#verify = {
      maxReads: v.maxReads ?? DEFAULT_VERIFY.maxReads,
      initialDelayMs: v.initialDelayMs ?? DEFAULT_VERIFY.initialDelayMs,
      maxDelayMs: v.maxDelayMs ?? DEFAULT_VERIFY.maxDelayMs,
    };
    this.#semaphore = semaphoreFor(this.#endpoints.apiRoot, options.maxConcurrentRequests);
    this.#userAgent = `gcp-billing-link-sdk/${SDK_VERSION}${options.userAgent ? ` ${options.userAgent}` : ""}`;
  }

  /** The endpoints in use (no secrets), e.g. for `doctor`. */
  get endpoints(): Readonly<ResolvedEndpoints> {
    return this.#endpoints;
  }

  async getProjectBillingInfo(projectId: string, opts: CallOptions = {}): Promise<ProjectBillingInfo> {
    const id = parseProjectId(projectId);
    return this.#call(
      {
        httpMethod: "GET",
        url: apiPaths.projectBillingInfo(id),
        parse: parseWire.projectBillingInfo(id),
        ctx: { method: "projects.getBillingInfo", resource: `projects/${id}`, projectId: id },
        api: true,
      },
      opts,
    );
  }

  /**
   * PUT billingInfo; `billingAccount` in either accepted form, or "" to unlink (which stops paid
   * services). The API is eventually consistent (cloud-billing-api.md §9), so this then reads back,
   * with backoff and a bounded number of reads, until the new `billingAccountName` is visible, and
   * returns what it read. Throws VerificationTimeoutError if it never becomes visible.
   */
  async updateProjectBillingInfo(
    projectId: string,
    billingAccount: string,
    opts: CallOptions = {},
  ): Promise<ProjectBillingInfo> {
    const id = parseProjectId(projectId);
    const target = billingAccount.trim() === "" ? "" : parseBillingAccountName(billingAccount);
    const ctx: HintContext = {
      method: "projects.updateBillingInfo",
      resource: `projects/${id}`,
      projectId: id,
      ...(target ? { billingAccountName: target } : {}),
    };
    await this.#call(
      {
        httpMethod: "PUT",
        url: apiPaths.projectBillingInfo(id),
        body: { billingAccountName: target },
        parse: parseWire.projectBillingInfo(id),
        ctx,
        api: true,
      },
      opts,
    );
    return this.#readBackUntil(id, target, opts);
  }

  async #readBackUntil(projectId: string, target: string, opts: CallOptions): Promise<ProjectBillingInfo> {
    let delayMs = this.#verify.initialDelayMs;
    let last: ProjectBillingInfo | undefined;
    for (let read = 1; read <= this.#verify.maxReads; read++) {
      last = await this.getProjectBillingInfo(projectId, opts);
      if (last.billingAccountName === target) return last;
      if (read === this.#verify.maxReads) break;
      await this.#clock.sleep(delayMs, opts.signal);
      delayMs = Math.min(this.#verify.maxDelayMs, delayMs * 2);
    }
    const want = target || "(unlinked)";
    throw new VerificationTimeoutError(
      `projects.updateBillingInfo projects/${projectId} was accepted, but after ${this.#verify.maxReads} reads the project still shows ${last?.billingAccountName || "(unlinked)"} instead of ${want}.`,
      {
        method: "projects.updateBillingInfo",
        resource: `projects/${projectId}`,
        status: "DEADLINE_EXCEEDED",
        hint: "The change may still propagate; re-run (`pulumi up --refresh`) in a minute, or raise `verify.maxReads`.",
      },
    );
  }

  async getBillingAccount(billingAccount: string, opts: CallOptions = {}): Promise<BillingAccount> {
    const name = parseBillingAccountName(billingAccount);
    return this.#call(
      {
        httpMethod: "GET",
        url: apiPaths.billingAccount(name),
        parse: parseWire.billingAccount,
        ctx: { method: "billingAccounts.get", resource: name, billingAccountName: name },
        api: true,
      },
      opts,
    );
  }

  /** All billing accounts visible to the caller, across every page. */
  async *listBillingAccounts(
    opts: { filter?: string; pageSize?: number } & CallOptions = {},
  ): AsyncGenerator<BillingAccount, void, undefined> {
    let pageToken = "";
    do {
      const page = await this.#call(
        {
          httpMethod: "GET",
          url: apiPaths.billingAccounts(),
          query: {
            pageSize: pageSizeParam(opts.pageSize),
            pageToken: pageToken || undefined,
            filter: opts.filter,
          },
          parse: parseWire.listBillingAccounts,
          ctx: { method: "billingAccounts.list", resource: "billingAccounts" },
          api: true,
        },
        opts,
      );
      yield* page.items;
      pageToken = page.nextPageToken;
    } while (pageToken);
  }

  /** Every project linked to a billing account, across every page (Terraform reads only the first). */
  async *listProjectBillingInfo(
    billingAccount: string,
    opts: { pageSize?: number } & CallOptions = {},
  ): AsyncGenerator<ProjectBillingInfo, void, undefined> {
    const name = parseBillingAccountName(billingAccount);
    let pageToken = "";
    do {
      const page = await this.#call(
        {
          httpMethod: "GET",
          url: apiPaths.billingAccountProjects(name),
          query: { pageSize: pageSizeParam(opts.pageSize), pageToken: pageToken || undefined },
          parse: parseWire.listProjectBillingInfo,
          ctx: { method: "billingAccounts.projects.list", resource: name, billingAccountName: name },
          api: true,
        },
        opts,
      );
      yield* page.items;
      pageToken = page.nextPageToken;
    } while (pageToken);
  }

  /** The subset of `permissions` the caller holds on the account. A read-only POST, so it is retried. */
  async testBillingAccountPermissions(
    billingAccount: string,
    permissions: string[],
    opts: CallOptions = {},
  ): Promise<string[]> {
    const name = parseBillingAccountName(billingAccount);
    return this.#call(
      {
        httpMethod: "POST",
        url: apiPaths.testIamPermissions(name),
        body: { permissions },
        parse: parseWire.testIamPermissions,
        ctx: { method: "billingAccounts.testIamPermissions", resource: name, billingAccountName: name },
        api: true,
      },
      opts,
    );
  }

  /** Which credential is in use (never its secret), for `doctor`. */
  async describeCredentials(): Promise<CredentialsDescription> {
    return describe(this.#getSession().credential);
  }

  /**
   * The OAuth scopes of the access token in use: from the token response when the sdk refreshed it, else
   * from the tokeninfo endpoint (static tokens; one call per client). Undefined when neither can tell.
   */
  async grantedScopes(opts: CallOptions = {}): Promise<readonly string[] | undefined> {
    const { tokens } = this.#getSession();
    await tokens.getToken();
    if (tokens.grantedScopes) return tokens.grantedScopes;
    this.#tokenInfoScopes ??= this.getTokenInfo(opts).then(
      (info) => info.scopes,
      () => undefined,
    );
    return this.#tokenInfoScopes;
  }

  /** Asks the tokeninfo endpoint about the current access token, for `doctor`. */
  async getTokenInfo(opts: CallOptions = {}): Promise<TokenInfoResult> {
    return this.#call(
      {
        httpMethod: "POST",
        url: this.#endpoints.tokenInfoUrl,
        headers: { "content-type": "application/x-www-form-urlencoded;charset=UTF-8" },
        parse: parseWire.tokenInfo,
        ctx: { method: "oauth.tokeninfo" },
        api: false,
      },
      opts,
    );
  }

  #getSession(): Session {
    if (!this.#session) {
      const credential = resolveCredentials({
        credentials: this.#options.credentials,
        quotaProject: this.#options.quotaProject,
        env: this.#env,
      });
      const r = this.#options.rateLimit ?? {};
      const rate = {
        ...DEFAULT_RATE_LIMIT,
        requestsPerSecond: r.requestsPerSecond ?? DEFAULT_RATE_LIMIT.requestsPerSecond,
        burst: r.burst ?? DEFAULT_RATE_LIMIT.burst,
      };
      this.#session = {
        credential,
        tokens: tokenSourceFor(credential, this.#endpoints.tokenUrl, () => this.#clock.now()),
        limiter: rateLimiterFor(this.#endpoints.apiRoot, credential.quotaProject, rate, this.#clock.now()),
      };
    }
    return this.#session;
  }

  async #call<T>(spec: CallSpec<T>, opts: CallOptions): Promise<T> {
    const session = this.#getSession();
    const { credential } = session;
    const ctx: HintContext = {
      ...spec.ctx,
      credentialKind: credential.kind,
      credentialSource: credential.source,
      ...(credential.quotaProject && spec.api ? { quotaProject: credential.quotaProject } : {}),
    };
    const url = buildUrl(
      spec.api ? new URL(spec.url, this.#endpoints.apiRoot).toString() : spec.url,
      spec.query,
    );
    // Exactly one refresh-and-replay per logical operation, however many retries follow.
    let authRetried = false;

    // A token refresh runs inside google-auth-library with its own retries and a 30 s timeout per try;
    // the attempt's signal (attempt timeout, overall deadline, caller's abort) must still bound it.
    const tokenTimedOut = (): AttemptResult<T> => ({
      ok: false,
      outcome: { kind: "network", code: "ETIMEDOUT" },
      error: errorFromNetwork("ETIMEDOUT", { ...ctx, method: "oauth.token" }),
    });

    const attempt = async (_n: number, signal: AbortSignal): Promise<AttemptResult<T>> => {
      let token = await untilAborted(session.tokens.getToken(), signal);
      if (token === ABORTED) return tokenTimedOut();
      let result = await this.#send(spec, url, token, credential, session, signal);
      if (isStatus(result, 401) && session.tokens.canRefresh && !authRetried) {
        authRetried = true;
        token = await untilAborted(session.tokens.refreshAfterRejection(token), signal);
        if (token === ABORTED) return tokenTimedOut();
        result = await this.#send(spec, url, token, credential, session, signal);
      }
      const sanitize = makeSanitizer([...secretsOf(credential), token]);
      if (result.kind === "network") {
        return {
          ok: false,
          outcome: { kind: "network", code: result.code },
          error: errorFromNetwork(result.code, ctx),
        };
      }
      if (result.status >= 200 && result.status < 300) {
        const value = spec.parse(parseJsonOrUndefined(result.bodyText));
        if (value !== undefined) {
          if (spec.api) session.limiter.onSuccess();
          return { ok: true, value };
        }
        // A 2xx we cannot read is not transient; say so instead of retrying or returning junk.
        return {
          ok: false,
          outcome: { kind: "status", httpStatus: 502 },
          error: new CloudBillingError(`${ctx.method} returned a response the sdk could not parse.`, {
            httpStatus: result.status,
            status: "UNKNOWN",
            method: ctx.method,
            resource: ctx.resource,
            hint: "Check that the API root points at Cloud Billing API v1.",
          }),
        };
      }
      const parsed = parseErrorBody({
        httpStatus: result.status,
        bodyText: result.bodyText,
        wwwAuthenticate: result.header("www-authenticate"),
        sanitize,
      });
      if (result.status === 429 && spec.api) session.limiter.onThrottled(this.#clock.now());
      const serverDelayMs =
        parseRetryAfter(result.header("retry-after"), this.#clock.now()) ?? parsed.retryDelayMs;
      return {
        ok: false,
        outcome: {
          kind: "status",
          httpStatus: result.status,
          zeroQuota: isZeroQuota(parsed),
          ...(serverDelayMs !== undefined ? { serverDelayMs } : {}),
        },
        error: errorFromResponse(parsed, ctx),
      };
    };

    return runWithRetry(attempt, {
      policy: this.#policy,
      deps: this.#clock,
      deadlineMs: opts.deadlineMs,
      signal: opts.signal,
      method: ctx.method,
      resource: ctx.resource,
    });
  }

  async #send<T>(
    spec: CallSpec<T>,
    url: string,
    token: string,
    credential: ResolvedCredential,
    session: Session,
    signal: AbortSignal,
  ): Promise<HttpResult> {
    const headers: Record<string, string> = {
      accept: "application/json",
      authorization: `Bearer ${token}`,
      "user-agent": this.#userAgent,
      "x-goog-api-client": `gl-node/${process.versions.node} gcp-billing-link-sdk/${SDK_VERSION}`,
      ...(spec.body !== undefined ? { "content-type": "application/json; charset=utf-8" } : {}),
      ...spec.headers,
    };
    if (spec.api && credential.quotaProject) headers["x-goog-user-project"] = credential.quotaProject;
    if (spec.api) {
      const waitMs = session.limiter.reserve(this.#clock.now());
      if (waitMs > 0) await this.#clock.sleep(waitMs, signal);
    }
    const release = await this.#semaphore.acquire(signal);
    // Aborted while queued for a slot: the same outcome as an attempt that timed out on the wire.
    if (!release) return { kind: "network", code: "ATTEMPT_TIMEOUT" };
    try {
      return await this.#transport.send({ method: spec.httpMethod, url, headers, body: spec.body, signal });
    } finally {
      release();
    }
  }
}

const ABORTED: unique symbol = Symbol("aborted");

/**
 * Waits for `promise` unless `signal` aborts first. The promise keeps running (a shared single-flight
 * token refresh may serve the next attempt); only this wait ends.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise<T | typeof ABORTED>((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

function isStatus(r: HttpResult, status: number): boolean {
  return r.kind === "response" && r.status === status;
}

function parseJsonOrUndefined(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function buildUrl(base: string, query: Record<string, string | undefined> | undefined): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

function pageSizeParam(pageSize: number | undefined): string | undefined {
  if (pageSize === undefined) return undefined;
  return String(Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(pageSize))));
}
