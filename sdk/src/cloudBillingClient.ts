/**
 * Typed client for the Cloud Billing API v1 calls the provider uses (docs/cloud-billing-api.md
 * §2). Each method validates its names (resourceNames.ts), describes its request, and hands it to
 * the request pipeline (requestPipeline.ts), which owns everything else: token, rate limit, attempts,
 * the one 401 replay, retries and typed errors. Credentials are resolved lazily on first use and kept in
 * #private fields, so neither `util.inspect` nor JSON of a client shows a secret.
 */
import { CancelledError, CloudBillingError } from "./errors";
import { buildUrl, RequestPipeline } from "./requestPipeline";
import type { RequestSpec } from "./requestSpec";
import { readBackUntil, verifyOptions } from "./readBack";
import { apiPaths, parseBillingAccountName, parseProjectId } from "./resourceNames";
import { systemClock, withDefaults } from "./retry";
import { openSession, type Session } from "./session";
import { semaphoreFor } from "./throttle";
import { Transport, jsonBody } from "./transport";
import type { EndpointChoice } from "./endpointPolicy";
import { overriddenEndpoints, resolveEndpoints } from "./endpoints";
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
const MAX_PAGE_SIZE = 100; // docs/cloud-billing-api.md §5

interface Page<T> {
  items: T[];
  nextPageToken: string;
}

export class CloudBillingClient {
  readonly #options: CloudBillingClientOptions;
  readonly #env: NodeJS.ProcessEnv;
  readonly #endpoints: ResolvedEndpoints;
  readonly #overridden: EndpointChoice["overridden"];
  readonly #clock: Clock;
  readonly #verify: Required<VerifyOptions>;
  readonly #pipeline: RequestPipeline;
  #session: Session | undefined;
  #tokenInfoScopes: Promise<readonly string[] | undefined> | undefined;

  constructor(options: CloudBillingClientOptions = {}) {
    this.#options = options;
    this.#env = options.env ?? process.env;
    this.#endpoints = resolveEndpoints(options.endpoints, this.#env);
    this.#overridden = overriddenEndpoints(options.endpoints, this.#env);
    this.#clock = options.clock ?? systemClock;
    this.#verify = verifyOptions(options.verify);
    this.#pipeline = new RequestPipeline({
      transport: new Transport(),
      policy: withDefaults(options.retry),
      clock: this.#clock,
      semaphore: semaphoreFor(this.#endpoints.apiRoot, options.maxConcurrentRequests),
      userAgent: `gcp-billing-link-sdk/${SDK_VERSION}${options.userAgent ? ` ${options.userAgent}` : ""}`,
      apiClientHeader: `gl-node/${process.versions.node} gcp-billing-link-sdk/${SDK_VERSION}`,
      observer: options.observer,
      authorization: () => this.#getSession(),
    });
  }

  /** The endpoints in use (no secrets), e.g. for `doctor`. */
  get endpoints(): Readonly<ResolvedEndpoints> {
    return this.#endpoints;
  }

  async getProjectBillingInfo(projectId: string, opts: CallOptions = {}): Promise<ProjectBillingInfo> {
    const id = parseProjectId(projectId);
    return this.#pipeline.execute(
      this.#api("GET", apiPaths.projectBillingInfo(id), parseWire.projectBillingInfo(id), {
        method: "projects.getBillingInfo",
        resource: `projects/${id}`,
        projectId: id,
      }),
      opts,
    );
  }

  /**
   * PUT billingInfo; `billingAccount` in either accepted form, or "" to unlink (which stops paid
   * services). Returns the write's own response when it shows the new `billingAccountName`, which is the
   * usual case: a read-back would cost a second call per write to learn nothing. Only a response that
   * disagrees (answered by a replica that had not seen the write) is followed by reads until the new value
   * is visible (readBack.ts); VerificationTimeoutError if it never becomes visible.
   */
  async updateProjectBillingInfo(
    projectId: string,
    billingAccount: string,
    opts: CallOptions = {},
  ): Promise<ProjectBillingInfo> {
    const id = parseProjectId(projectId);
    const target = billingAccount.trim() === "" ? "" : parseBillingAccountName(billingAccount);
    const spec = this.#api("PUT", apiPaths.projectBillingInfo(id), parseWire.projectBillingInfo(id), {
      method: "projects.updateBillingInfo",
      resource: `projects/${id}`,
      projectId: id,
      ...(target ? { billingAccountName: target } : {}),
    });
    const written = await this.#pipeline.execute(
      { ...spec, body: jsonBody({ billingAccountName: target }) },
      opts,
    );
    if (written.billingAccountName === target) return written;
    const read = () => this.getProjectBillingInfo(id, opts);
    return readBackUntil(read, id, target, this.#verify, this.#clock, opts.signal);
  }

  async getBillingAccount(billingAccount: string, opts: CallOptions = {}): Promise<BillingAccount> {
    const name = parseBillingAccountName(billingAccount);
    return this.#pipeline.execute(
      this.#api("GET", apiPaths.billingAccount(name), parseWire.billingAccount, {
        method: "billingAccounts.get",
        resource: name,
        billingAccountName: name,
      }),
      opts,
    );
  }

  /** All billing accounts visible to the caller, across every page. */
  listBillingAccounts(
    opts: { filter?: string; pageSize?: number } & CallOptions = {},
  ): AsyncGenerator<BillingAccount, void, undefined> {
    return this.#pages(
      (pageToken) =>
        this.#api(
          "GET",
          apiPaths.billingAccounts(),
          parseWire.listBillingAccounts,
          {
            method: "billingAccounts.list",
            resource: "billingAccounts",
          },
          { pageSize: pageSizeParam(opts.pageSize), pageToken, filter: opts.filter },
        ),
      opts,
    );
  }

  /** Every project linked to a billing account, across every page (Terraform reads only the first). */
  listProjectBillingInfo(
    billingAccount: string,
    opts: { pageSize?: number } & CallOptions = {},
  ): AsyncGenerator<ProjectBillingInfo, void, undefined> {
    const name = parseBillingAccountName(billingAccount);
    return this.#pages(
      (pageToken) =>
        this.#api(
          "GET",
          apiPaths.billingAccountProjects(name),
          parseWire.listProjectBillingInfo,
          {
            method: "billingAccounts.projects.list",
            resource: name,
            billingAccountName: name,
          },
          { pageSize: pageSizeParam(opts.pageSize), pageToken },
        ),
      opts,
    );
  }

  /** The subset of `permissions` the caller holds on the account. A read-only POST, so it is retried. */
  async testBillingAccountPermissions(
    billingAccount: string,
    permissions: string[],
    opts: CallOptions = {},
  ): Promise<string[]> {
    const name = parseBillingAccountName(billingAccount);
    const spec = this.#api("POST", apiPaths.testIamPermissions(name), parseWire.testIamPermissions, {
      method: "billingAccounts.testIamPermissions",
      resource: name,
      billingAccountName: name,
    });
    return this.#pipeline.execute({ ...spec, body: jsonBody({ permissions }) }, opts);
  }

  /**
   * Which credential is in use and whom it acts as (never a secret), for `doctor`. Throws when it cannot
   * work (a missing file, an endpoint a file may not use). Once a federated token was obtained, it also
   * names the federated subject.
   */
  async describeCredentials(): Promise<CredentialsDescription> {
    const { description, tokens } = this.#getSession();
    const subject = tokens.federatedSubject;
    return subject ? { ...description, federatedSubject: subject } : description;
  }

  /**
   * The OAuth scopes of the access token in use: from the token response when the sdk refreshed it, else
   * from the tokeninfo endpoint (static tokens; one call per client). Undefined when neither can tell.
   */
  async grantedScopes(opts: CallOptions = {}): Promise<readonly string[] | undefined> {
    const { tokens } = this.#getSession();
    const signal = opts.signal ?? new AbortController().signal;
    await tokens.getToken({ signal, pipeline: this.#pipeline }).catch((err: unknown) => {
      if (err instanceof CloudBillingError) throw err;
      throw new CancelledError("oauth.token was cancelled by the caller.", {
        method: "oauth.token",
        status: "CANCELLED",
      });
    });
    if (tokens.grantedScopes) return tokens.grantedScopes;
    this.#tokenInfoScopes ??= this.getTokenInfo(opts).then(
      (info) => info.scopes,
      () => undefined,
    );
    return this.#tokenInfoScopes;
  }

  /** Asks the tokeninfo endpoint about the current access token, for `doctor`. */
  async getTokenInfo(opts: CallOptions = {}): Promise<TokenInfoResult> {
    return this.#pipeline.execute(
      {
        httpMethod: "POST",
        url: this.#endpoints.tokenInfoUrl,
        body: { contentType: "application/x-www-form-urlencoded;charset=UTF-8", text: "" },
        parse: parseWire.tokenInfo,
        ctx: { method: "oauth.tokeninfo" },
        auth: "bearer",
        quota: false,
      },
      opts,
    );
  }

  /** A Cloud Billing API request; `path` is relative to the API root. */
  #api<T>(
    httpMethod: RequestSpec<T>["httpMethod"],
    path: string,
    parse: Parse<T>,
    ctx: RequestSpec<T>["ctx"],
    query?: Record<string, string | undefined>,
  ): RequestSpec<T> {
    const url = buildUrl(new URL(path, this.#endpoints.apiRoot).toString(), query);
    return { httpMethod, url, parse, ctx, auth: "bearer", quota: true };
  }

  /** Follows `nextPageToken` until the last page, yielding every item. */
  async *#pages<T>(
    specFor: (pageToken: string | undefined) => RequestSpec<Page<T>>,
    opts: CallOptions,
  ): AsyncGenerator<T, void, undefined> {
    let pageToken = "";
    do {
      const page = await this.#pipeline.execute(specFor(pageToken || undefined), opts);
      yield* page.items;
      pageToken = page.nextPageToken;
    } while (pageToken);
  }

  #getSession(): Session {
    this.#session ??= openSession(
      this.#options,
      this.#env,
      { endpoints: this.#endpoints, overridden: this.#overridden },
      this.#clock,
    );
    return this.#session;
  }
}

function pageSizeParam(pageSize: number | undefined): string | undefined {
  if (pageSize === undefined) return undefined;
  return String(Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(pageSize))));
}
