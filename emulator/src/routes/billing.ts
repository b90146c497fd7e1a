import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { Caller } from "../authenticate";
import { BILLING_METHODS } from "../billingMethods";
import type { EmulatorContext } from "../context";
import { hasPermission, permissionsOn, policyBindings } from "../iam";
import { decodePageToken, paginate, parsePageSize } from "../pagination";
import { billingAccountJson, listJson, projectBillingInfoJson, visibleBillingAccountId } from "../proto3Json";
import { parseJsonObject, readMessage, type MessageField } from "../requestBody";
import {
  billingAccountName,
  isBillingAccountId,
  isProjectIdOrNumber,
  parseBillingAccountName,
  projectName,
} from "../resourceNames";
import {
  iamPermissionDenied,
  invalidArgument,
  linkQuotaExceeded,
  notFound,
  preconditionFailed,
} from "../rpcErrors";
import type { ProjectRecord } from "../store/state";
import { runBillingMethod, type MethodCall } from "./billingPipeline";
import { sendNotFoundPage } from "./notFoundPage";

/** Cloud Billing API v1 methods (contract §2). Each handler runs syntax → IAM → existence → preconditions. */

const PROJECT_BILLING_INFO_FIELDS: readonly MessageField[] = [
  { json: "name", proto: "name", type: "string" },
  { json: "projectId", proto: "project_id", type: "string" },
  { json: "billingAccountName", proto: "billing_account_name", type: "string" },
  { json: "billingEnabled", proto: "billing_enabled", type: "bool" },
];
const TEST_IAM_FIELDS: readonly MessageField[] = [
  { json: "permissions", proto: "permissions", type: "repeated string" },
];
const PERMISSION_PATTERN = /^[a-z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*){2}$/;

function requireProjectSyntax(raw: string): void {
  if (!isProjectIdOrNumber(raw))
    throw invalidArgument(undefined, [
      { field: "name", description: `Invalid project name: projects/${raw}` },
    ]);
}

function requireAccountSyntax(raw: string, field = "name"): void {
  if (!isBillingAccountId(raw))
    throw invalidArgument(undefined, [
      { field, description: `Invalid billing account name: billingAccounts/${raw}` },
    ]);
}

function findProject(ctx: EmulatorContext, raw: string): ProjectRecord | undefined {
  if (/^[0-9]+$/.test(raw)) return Object.values(ctx.state.projects).find((p) => p.projectNumber === raw);
  return Object.prototype.hasOwnProperty.call(ctx.state.projects, raw) ? ctx.state.projects[raw] : undefined;
}

function requirePermission(ctx: EmulatorContext, caller: Caller, resource: string, permission: string): void {
  if (!hasPermission(ctx.state.iam, caller, resource, permission))
    throw iamPermissionDenied(permission, resource);
}

function getBillingInfo(ctx: EmulatorContext, call: MethodCall, rawProject: string): Record<string, unknown> {
  requireProjectSyntax(rawProject);
  const project = findProject(ctx, rawProject);
  requirePermission(
    ctx,
    call.caller,
    projectName(project?.projectId ?? rawProject),
    "resourcemanager.projects.get",
  );
  if (!project) throw notFound();
  let shown = visibleBillingAccountId(project);
  const stale = ctx.staleReads.get(project.projectId);
  if (stale) {
    shown = stale.billingAccountId;
    stale.remainingReads -= 1;
    if (stale.remainingReads <= 0) ctx.staleReads.delete(project.projectId);
  }
  return projectBillingInfoJson(
    project.projectId,
    shown,
    shown ? ctx.state.billingAccounts[shown] : undefined,
    ctx.knobs.printDefaults,
  );
}

/** Reads the requested account from a ProjectBillingInfo body; null means unlink (no body, {}, or ""). */
function requestedAccountId(call: MethodCall): string | null {
  const message = readMessage(
    parseJsonObject(call.body, call.contentType),
    PROJECT_BILLING_INFO_FIELDS,
    "project_billing_info",
  );
  const name = message.billingAccountName;
  if (typeof name !== "string" || name === "") return null;
  const id = parseBillingAccountName(name);
  if (!id) {
    throw invalidArgument(undefined, [
      {
        field: "project_billing_info.billing_account_name",
        description: `Invalid billing account name "${name}"; expected billingAccounts/XXXXXX-XXXXXX-XXXXXX.`,
      },
    ]);
  }
  return id;
}

function linkedCount(ctx: EmulatorContext, accountId: string, except: string): number {
  const countDeleted = ctx.knobs.deletedProjectsCountTowardQuota;
  return Object.values(ctx.state.projects).filter(
    (p) =>
      p.billingAccountId === accountId &&
      p.projectId !== except &&
      (p.lifecycleState === "ACTIVE" || countDeleted),
  ).length;
}

function updateBillingInfo(
  ctx: EmulatorContext,
  call: MethodCall,
  rawProject: string,
): Record<string, unknown> {
  requireProjectSyntax(rawProject);
  const target = requestedAccountId(call);
  const project = findProject(ctx, rawProject);
  const projectResource = projectName(project?.projectId ?? rawProject);
  if (target === null) {
    requirePermission(ctx, call.caller, projectResource, "resourcemanager.projects.deleteBillingAssignment");
  } else {
    requirePermission(ctx, call.caller, projectResource, "resourcemanager.projects.createBillingAssignment");
    requirePermission(ctx, call.caller, billingAccountName(target), "billing.resourceAssociations.create");
  }
  if (!project) throw notFound();
  const account = target === null ? undefined : ctx.state.billingAccounts[target];
  if (target !== null && !account) throw notFound();

  if (target !== null && account) {
    if (project.lifecycleState === "DELETE_REQUESTED") {
      throw preconditionFailed(
        "PROJECT_DELETE_REQUESTED",
        projectName(project.projectId),
        `Project ${project.projectId} is pending deletion and cannot be linked to a billing account.`,
      );
    }
    if (!account.open && ctx.knobs.closedAccountLinkRejected) {
      throw preconditionFailed(
        "BILLING_ACCOUNT_CLOSED",
        billingAccountName(account.id),
        `Billing account ${billingAccountName(account.id)} is closed.`,
      );
    }
    const alreadyLinked = project.billingAccountId === target;
    if (!alreadyLinked && linkedCount(ctx, target, project.projectId) >= account.projectLinkQuota)
      throw linkQuotaExceeded(billingAccountName(target));
  }

  const previous = visibleBillingAccountId(project);
  project.billingAccountId = target;
  ctx.commit();
  if (ctx.knobs.propagationDelayReads > 0 && previous !== target) {
    // Keep the value readers saw before the first of a burst of writes, like a lagging replica.
    const lagging = ctx.staleReads.get(project.projectId);
    ctx.staleReads.set(project.projectId, {
      billingAccountId: lagging ? lagging.billingAccountId : previous,
      remainingReads: ctx.knobs.propagationDelayReads,
    });
  }
  const shown = visibleBillingAccountId(project);
  return projectBillingInfoJson(project.projectId, shown, account, ctx.knobs.printDefaults);
}

function getAccount(ctx: EmulatorContext, call: MethodCall, id: string): Record<string, unknown> {
  requireAccountSyntax(id);
  requirePermission(ctx, call.caller, billingAccountName(id), "billing.accounts.get");
  const account = ctx.state.billingAccounts[id];
  if (!account) throw notFound();
  return billingAccountJson(account, ctx.knobs.printDefaults);
}

/** Only `master_billing_account=billingAccounts/…` is supported, as on Google (contract §5). */
function parseAccountFilter(
  raw: string | null,
): ((masterBillingAccount: string | undefined) => boolean) | undefined {
  if (raw === null || raw.trim() === "") return undefined;
  const m =
    /^\s*master_billing_account\s*=\s*"?(billingAccounts\/[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6})"?\s*$/.exec(
      raw,
    );
  if (!m)
    throw invalidArgument(undefined, [
      {
        field: "filter",
        description: `Unsupported filter "${raw}"; only master_billing_account=billingAccounts/... is supported.`,
      },
    ]);
  return (master) => master === m[1];
}

function listAccounts(ctx: EmulatorContext, call: MethodCall): Record<string, unknown> {
  const pageSize = parsePageSize(call.query.get("pageSize") ?? call.query.get("page_size"));
  const filter = parseAccountFilter(call.query.get("filter"));
  const parent = call.query.get("parent");
  const scope = `billingAccounts?filter=${call.query.get("filter") ?? ""}&parent=${parent ?? ""}`;
  const offset = decodePageToken(call.query.get("pageToken") ?? call.query.get("page_token"), scope);
  const visible = Object.values(ctx.state.billingAccounts)
    .filter((a) =>
      hasPermission(ctx.state.iam, call.caller, billingAccountName(a.id), "billing.accounts.get"),
    )
    .filter((a) => !filter || filter(a.masterBillingAccount))
    .filter((a) => !parent || a.parent === parent)
    .sort((a, b) => a.id.localeCompare(b.id));
  const page = paginate(visible, offset, pageSize, scope);
  return listJson(
    "billingAccounts",
    page.items.map((a) => billingAccountJson(a, ctx.knobs.printDefaults)),
    page.nextPageToken,
    ctx.knobs.printDefaults,
  );
}

function listProjects(ctx: EmulatorContext, call: MethodCall, id: string): Record<string, unknown> {
  requireAccountSyntax(id);
  const pageSize = parsePageSize(call.query.get("pageSize") ?? call.query.get("page_size"));
  const scope = `billingAccounts/${id}/projects`;
  const offset = decodePageToken(call.query.get("pageToken") ?? call.query.get("page_token"), scope);
  requirePermission(ctx, call.caller, billingAccountName(id), "billing.resourceAssociations.list");
  const account = ctx.state.billingAccounts[id];
  if (!account) throw notFound();
  const linked = Object.values(ctx.state.projects)
    .filter((p) => visibleBillingAccountId(p) === id)
    .sort((a, b) => a.projectId.localeCompare(b.projectId));
  const page = paginate(linked, offset, pageSize, scope);
  const items = page.items.map((p) =>
    projectBillingInfoJson(p.projectId, id, account, ctx.knobs.printDefaults),
  );
  return listJson("projectBillingInfo", items, page.nextPageToken, ctx.knobs.printDefaults);
}

function testIamPermissions(ctx: EmulatorContext, call: MethodCall, id: string): Record<string, unknown> {
  requireAccountSyntax(id, "resource");
  const message = readMessage(parseJsonObject(call.body, call.contentType), TEST_IAM_FIELDS, "");
  const requested = Array.isArray(message.permissions) ? message.permissions : [];
  const malformed = requested.find((p) => !PERMISSION_PATTERN.test(p));
  if (malformed !== undefined) {
    throw invalidArgument(`Permission ${malformed} is not valid.`, [
      { field: "permissions", description: `Permission ${malformed} is not valid.` },
    ]);
  }
  if (!ctx.state.billingAccounts[id]) throw notFound();
  const held = permissionsOn(ctx.state.iam, call.caller, billingAccountName(id));
  const granted = [...new Set(requested.filter((p) => held.has(p)))];
  return granted.length > 0 || ctx.knobs.printDefaults ? { permissions: granted } : {};
}

function getIamPolicy(ctx: EmulatorContext, call: MethodCall, id: string): Record<string, unknown> {
  requireAccountSyntax(id, "resource");
  const version =
    call.query.get("options.requestedPolicyVersion") ?? call.query.get("options.requested_policy_version");
  if (version !== null && !["0", "1", "3"].includes(version)) {
    throw invalidArgument(undefined, [
      {
        field: "options.requested_policy_version",
        description: `Invalid requested policy version ${version}; expected 0, 1 or 3.`,
      },
    ]);
  }
  requirePermission(ctx, call.caller, billingAccountName(id), "billing.accounts.getIamPolicy");
  if (!ctx.state.billingAccounts[id]) throw notFound();
  const bindings = policyBindings(ctx.state.iam, billingAccountName(id));
  const etag = createHash("sha256")
    .update(JSON.stringify(bindings))
    .digest()
    .subarray(0, 8)
    .toString("base64");
  return { version: 1, ...(bindings.length > 0 ? { bindings } : {}), etag };
}

/** `billingAccounts/{id}` and `billingAccounts/{id}:verb` share one path segment; split on the colon. */
function splitVerb(segment: string): { id: string; verb: string | undefined } {
  const i = segment.indexOf(":");
  return i < 0 ? { id: segment, verb: undefined } : { id: segment.slice(0, i), verb: segment.slice(i + 1) };
}

interface ProjectParams {
  projectId: string;
}
interface AccountParams {
  account: string;
}

export function registerBillingRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const m = BILLING_METHODS;
  app.get<{ Params: ProjectParams }>("/v1/projects/:projectId/billingInfo", (req, reply) =>
    runBillingMethod(ctx, m.getBillingInfo, req, reply, (call) =>
      getBillingInfo(ctx, call, req.params.projectId),
    ),
  );
  app.put<{ Params: ProjectParams }>("/v1/projects/:projectId/billingInfo", (req, reply) =>
    runBillingMethod(ctx, m.updateBillingInfo, req, reply, (call) =>
      updateBillingInfo(ctx, call, req.params.projectId),
    ),
  );
  app.get("/v1/billingAccounts", (req, reply) =>
    runBillingMethod(ctx, m.listAccounts, req, reply, (call) => listAccounts(ctx, call)),
  );
  app.get<{ Params: AccountParams }>("/v1/billingAccounts/:account/projects", (req, reply) =>
    runBillingMethod(ctx, m.listProjects, req, reply, (call) => listProjects(ctx, call, req.params.account)),
  );
  app.get<{ Params: AccountParams }>("/v1/billingAccounts/:account", (req, reply) => {
    const { id, verb } = splitVerb(req.params.account);
    if (verb === undefined)
      return runBillingMethod(ctx, m.getAccount, req, reply, (call) => getAccount(ctx, call, id));
    if (verb === "getIamPolicy")
      return runBillingMethod(ctx, m.getIamPolicy, req, reply, (call) => getIamPolicy(ctx, call, id));
    return sendNotFoundPage(req, reply);
  });
  app.post<{ Params: AccountParams }>("/v1/billingAccounts/:account", (req, reply) => {
    const { id, verb } = splitVerb(req.params.account);
    if (verb === "testIamPermissions")
      return runBillingMethod(ctx, m.testIamPermissions, req, reply, (call) =>
        testIamPermissions(ctx, call, id),
      );
    return sendNotFoundPage(req, reply);
  });
}
