import type { IncomingHttpHeaders } from "node:http";
import type { RequestAnnotation } from "./annotations";
import type { BillingMethod } from "./billingMethods";
import type { EmulatorContext } from "./context";
import { hasPermission } from "./iam";
import { memberIdsOf } from "./identities/members";
import {
  credentialsMissing,
  invalidCredentials,
  multipleCredentials,
  quotaProjectRequired,
  scopeInsufficient,
  serviceDisabled,
  userProjectDenied,
} from "./rpcErrors";
import { SCOPES } from "./scopes";
import { CREDENTIAL_PARAMETERS } from "./systemParameters";
import { activeAccessToken } from "./tokens";
import type { Caller } from "./caller";

export type { Caller };

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 6750 §2.1). */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined | null {
  const auth = headerValue(headers, "authorization");
  if (auth === undefined || auth.trim() === "") return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  return match ? match[1] : null;
}

export function acceptableScopes(ctx: EmulatorContext, method: BillingMethod): readonly string[] {
  if (ctx.knobs.strictReadonlyScope && method.name === "projects.getBillingInfo") {
    return method.scopes.filter((s) => s !== SCOPES.cloudBillingReadonly);
  }
  return method.scopes;
}

/** Where a request may carry its access token. */
export interface RequestCredentials {
  headers: IncomingHttpHeaders;
  query: URLSearchParams;
}

/**
 * The access token, from `Authorization: Bearer` or an `access_token`/`oauth_token` query parameter
 * (Google system parameters). undefined: none sent; null: a malformed Authorization header. More than one
 * credential is refused (RFC 6750 §2: "Clients MUST NOT use more than one method").
 */
function presentedToken(
  request: RequestCredentials,
): { token: string | null; from: "header" | "query" } | undefined {
  const header = bearerToken(request.headers);
  const inQuery = CREDENTIAL_PARAMETERS.flatMap((name) => request.query.getAll(name)).filter((t) => t !== "");
  if ((header === undefined ? 0 : 1) + inQuery.length > 1) throw multipleCredentials();
  if (header !== undefined) return { token: header, from: "header" };
  return inQuery.length === 1 ? { token: inQuery[0], from: "query" } : undefined;
}

/** Authentication → scope → consumer project. Throws the first RpcError in that order. */
export function authenticate(
  ctx: EmulatorContext,
  request: RequestCredentials,
  method: BillingMethod,
  onLearned: (learned: Partial<RequestAnnotation>) => void,
): Caller {
  const headers = request.headers;
  const presented = presentedToken(request);
  if (presented === undefined) throw credentialsMissing(method);
  onLearned({ credential: presented.from });
  const record = presented.token === null ? undefined : activeAccessToken(ctx, presented.token);
  if (!record) throw invalidCredentials(method);
  onLearned({ principal: record.principal });

  const acceptable = acceptableScopes(ctx, method);
  if (!record.scopes.some((s) => acceptable.includes(s))) throw scopeInsufficient(method, acceptable);

  const client = ctx.state.oauthClients[record.clientId];
  const clientProjectNumber = record.projectNumber ?? client?.projectNumber ?? "0";
  const memberIds = memberIdsOf(ctx, record);
  const userProject = headerValue(headers, "x-goog-user-project")?.trim();
  if (userProject === undefined || userProject === "") {
    if (client?.requiresQuotaProject) throw quotaProjectRequired(method, clientProjectNumber);
    return {
      principal: record.principal,
      memberIds,
      clientId: record.clientId,
      scopes: record.scopes,
      consumerProjectNumber: clientProjectNumber,
    };
  }
  const project = Object.values(ctx.state.projects).find(
    (p) => p.projectId === userProject || p.projectNumber === userProject,
  );
  if (!project) throw userProjectDenied(method, userProject, false);
  if (project.lifecycleState === "DELETE_REQUESTED") throw userProjectDenied(method, userProject, true);
  if (
    !hasPermission(ctx.state.iam, { memberIds }, `projects/${project.projectId}`, "serviceusage.services.use")
  ) {
    throw userProjectDenied(method, userProject, false);
  }
  if (!project.cloudBillingApiEnabled) throw serviceDisabled(method, project.projectNumber);
  return {
    principal: record.principal,
    memberIds,
    clientId: record.clientId,
    scopes: record.scopes,
    consumerProjectNumber: project.projectNumber,
  };
}
