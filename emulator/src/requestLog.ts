/** One served Google API or OAuth request, as the operator surface reports it. */
export interface LoggedRequest {
  /** Google's method name (`projects.getBillingInfo`, `oauth.token`, …) or `notFound`. */
  method: string;
  /** Email of the authenticated principal, when the request carried a valid credential. */
  principal?: string;
  status: number;
  /** Request path without the query string, as received (still percent-encoded). */
  path: string;
  /**
   * Where a Cloud Billing request carried its access token: `header` (Authorization) or `query`
   * (access_token / oauth_token). Absent when it sent none.
   */
  credential?: "header" | "query";
  /** `grant_type` of `oauth.token` requests. */
  grantType?: string;
  /**
   * The client had closed the connection before this answer was sent (a `"slow"` fault outlasted its
   * timeout): for the client the attempt failed, yet the request took effect.
   */
  abandoned?: true;
  /** Emulator-clock time in epoch milliseconds. */
  at: number;
}

export interface RequestCounts {
  byMethod: Record<string, number>;
  byPrincipal: Record<string, number>;
}

export class RequestLog {
  private entries: LoggedRequest[] = [];

  add(entry: LoggedRequest): void {
    this.entries.push(entry);
  }

  list(): LoggedRequest[] {
    return this.entries.map((e) => ({ ...e }));
  }

  counts(): RequestCounts {
    const byMethod: Record<string, number> = {};
    const byPrincipal: Record<string, number> = {};
    for (const e of this.entries) {
      byMethod[e.method] = (byMethod[e.method] ?? 0) + 1;
      if (e.principal) byPrincipal[e.principal] = (byPrincipal[e.principal] ?? 0) + 1;
    }
    return { byMethod, byPrincipal };
  }

  clear(): void {
    this.entries = [];
  }
}
