import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { annotate } from "../annotations";
import { bearerToken } from "../authenticate";
import type { EmulatorContext } from "../context";
import { decideFault, sleep } from "../faults";
import { hasPermission } from "../iam";
import {
  GENERATE_ACCESS_TOKEN as METHOD,
  GET_ACCESS_TOKEN_PERMISSION,
  IMPLICIT_DELEGATION_PERMISSION,
  getAccessTokenDenied,
  lifetimeTooLong,
  serviceAccountDisabled,
} from "../iamCredentialsErrors";
import { memberIdsOf } from "../identities/members";
import { findServiceAccount, serviceAccountResource } from "../identities/serviceAccounts";
import { parseJsonObject, readMessage, type MessageField } from "../requestBody";
import {
  credentialsMissing,
  internalError,
  invalidArgument,
  invalidCredentials,
  RpcError,
  scopeInsufficient,
  unavailable,
} from "../rpcErrors";
import { isKnownScope } from "../scopes";
import type { ServiceAccountRecord } from "../store/state";
import { activeAccessToken, mintAccessToken } from "../tokens";
import { wantsPretty } from "../systemParameters";
import { queryOf, sendJson, sendRpcError } from "./billingPipeline";
import { dropConnection, hangUp, pathOf } from "./dropConnection";
import { sendNotFoundPage } from "./notFoundPage";

/**
 * `POST /v1/projects/-/serviceAccounts/{email or uniqueId}:generateAccessToken`
 * (https://cloud.google.com/iam/docs/reference/credentials/rest/v1/projects.serviceAccounts/generateAccessToken),
 * in the check order of docs/cloud-billing-api.md §7: faults → authentication → scope → syntax → IAM (which also hides a missing
 * account) → preconditions (a disabled account).
 */

const FIELDS: readonly MessageField[] = [
  { json: "delegates", proto: "delegates", type: "repeated string" },
  { json: "scope", proto: "scope", type: "repeated string" },
  { json: "lifetime", proto: "lifetime", type: "string" },
];
const MAX_LIFETIME_SECONDS = 3600;
const ACCOUNT_NAME = /^projects\/-\/serviceAccounts\/([^/]+)$/;

interface TokenRequest {
  delegates: string[];
  scopes: string[];
  lifetimeSeconds: number;
}

interface Caller {
  principal: string;
  memberIds: readonly string[];
}

function authenticateCaller(ctx: EmulatorContext, req: FastifyRequest): Caller {
  const token = bearerToken(req.headers);
  if (token === undefined) throw credentialsMissing(METHOD);
  const record = token === null ? undefined : activeAccessToken(ctx, token);
  if (!record) throw invalidCredentials(METHOD);
  annotate(req, { principal: record.principal });
  if (!record.scopes.some((s) => METHOD.scopes.includes(s))) throw scopeInsufficient(METHOD, METHOD.scopes);
  return { principal: record.principal, memberIds: memberIdsOf(ctx, record) };
}

function lifetimeSeconds(raw: string | undefined): number {
  if (raw === undefined) return MAX_LIFETIME_SECONDS;
  const m = /^([0-9]+)(?:\.[0-9]{1,9})?s$/.exec(raw);
  if (!m) throw invalidArgument(undefined, [{ field: "lifetime", description: `Invalid duration: ${raw}` }]);
  const seconds = Number(m[1]);
  if (seconds > MAX_LIFETIME_SECONDS) throw lifetimeTooLong();
  return Math.max(1, seconds);
}

function parseRequest(project: string, body: string, contentType: string | undefined): TokenRequest {
  // "The - wildcard character is required; replacing it with a project ID is invalid." (method reference)
  if (project !== "-")
    throw invalidArgument(undefined, [{ field: "name", description: "The project must be -." }]);
  const values = readMessage(parseJsonObject(body, contentType), FIELDS, "");
  const scopes = (values.scope as string[] | undefined) ?? [];
  if (scopes.length === 0)
    throw invalidArgument(undefined, [{ field: "scope", description: "At least one scope is required." }]);
  const unknown = scopes.filter((s) => !isKnownScope(s));
  if (unknown.length > 0)
    throw invalidArgument(undefined, [{ field: "scope", description: `Unknown scope: ${unknown[0]}` }]);
  return {
    delegates: (values.delegates as string[] | undefined) ?? [],
    scopes,
    lifetimeSeconds: lifetimeSeconds(values.lifetime as string | undefined),
  };
}

/**
 * Walks the delegation chain: the caller needs implicitDelegation on the first delegate, each delegate on
 * the next, and the last hop needs getAccessToken on the target. A missing account is denied alike.
 */
function authorize(
  ctx: EmulatorContext,
  caller: Caller,
  target: string,
  delegates: string[],
): ServiceAccountRecord {
  const names = [...delegates.map((d) => ACCOUNT_NAME.exec(d)?.[1] ?? ""), target];
  let who: { memberIds: readonly string[] } = caller;
  let account: ServiceAccountRecord | undefined;
  for (const [i, name] of names.entries()) {
    const permission = i === names.length - 1 ? GET_ACCESS_TOKEN_PERMISSION : IMPLICIT_DELEGATION_PERMISSION;
    account = findServiceAccount(ctx, name);
    if (!account || !hasPermission(ctx.state.iam, who, serviceAccountResource(account), permission))
      throw getAccessTokenDenied(permission);
    who = { memberIds: [`serviceAccount:${account.email}`] };
  }
  if (!account) throw getAccessTokenDenied();
  return account;
}

function issue(
  ctx: EmulatorContext,
  account: ServiceAccountRecord,
  request: TokenRequest,
): Record<string, string> {
  const issued = mintAccessToken(ctx, {
    principal: account.email,
    scopes: request.scopes,
    clientId: account.uniqueId,
    grantId: null,
    lifetimeSeconds: request.lifetimeSeconds,
    projectNumber: ctx.state.projects[account.projectId]?.projectNumber,
  });
  ctx.commit();
  // RFC 3339 in UTC without fractional seconds, as the API writes Timestamps.
  const expireTime = new Date(issued.record.expiresAtMs).toISOString().replace(/\.[0-9]{3}Z$/, "Z");
  return { accessToken: issued.token, expireTime };
}

function faultError(status: 429 | 500 | 503, retryAfterSeconds: number): RpcError {
  if (status === 500) return internalError();
  if (status === 503) return unavailable();
  return new RpcError(
    "RESOURCE_EXHAUSTED",
    "Quota exceeded.",
    [],
    { "retry-after": String(retryAfterSeconds) },
    null,
  );
}

async function generateAccessToken(
  ctx: EmulatorContext,
  req: FastifyRequest<{ Params: { project: string; account: string } }>,
  reply: FastifyReply,
  account: string,
): Promise<void> {
  annotate(req, { method: METHOD.name });
  const pretty = wantsPretty(queryOf(req));
  await sleep(ctx.knobs.latencyMs);
  try {
    const fault = decideFault(ctx, METHOD.name, pathOf(req));
    if (fault.kind === "drop") return dropConnection(ctx, req, reply);
    if (fault.kind === "hang") return hangUp(ctx, req, reply);
    if (fault.kind === "slow") await sleep(fault.delayMs);
    if (fault.kind === "fail") throw faultError(fault.status, fault.retryAfterSeconds);
    const caller = authenticateCaller(ctx, req);
    const body = typeof req.body === "string" ? req.body : "";
    const request = parseRequest(req.params.project, body, req.headers["content-type"]);
    const target = authorize(ctx, caller, account, request.delegates);
    if (target.disabled) throw serviceAccountDisabled();
    sendJson(reply, 200, issue(ctx, target, request), pretty);
  } catch (err) {
    if (err instanceof RpcError) return sendRpcError(reply, err, pretty);
    throw err;
  }
}

export function registerIamCredentialsRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post<{ Params: { project: string; account: string } }>(
    "/v1/projects/:project/serviceAccounts/:account",
    (req, reply) => {
      const segment = req.params.account;
      const colon = segment.lastIndexOf(":");
      if (colon < 0 || segment.slice(colon + 1) !== "generateAccessToken")
        return sendNotFoundPage(req, reply);
      return generateAccessToken(ctx, req, reply, segment.slice(0, colon));
    },
  );
}
