import type { FastifyInstance } from "fastify";
import {
  checkRequestedPolicyVersion,
  parseAccountListing,
  parseBillingAccountId,
  parseLinkTarget,
  parsePermissions,
  parseProjectListing,
  parseProjectRef,
} from "../billing/requestSyntax";
import { BILLING_METHODS } from "../billingMethods";
import type { EmulatorContext } from "../context";
import {
  billingAccountJson,
  listBillingAccountsJson,
  listProjectBillingInfoJson,
  policyJson,
  projectBillingInfoJson,
  testIamPermissionsJson,
} from "../proto3Json";
import { parseJsonObject, readMessage, type MessageField } from "../requestBody";
import { runBillingMethod, type MethodCall } from "./billingPipeline";
import { sendNotFoundPage } from "./notFoundPage";

/**
 * Cloud Billing API v1 over HTTP (docs/cloud-billing-api.md §2). Each handler only translates: it reads
 * the path, query and body into the domain's inputs (the syntax step, in the order the request is read),
 * calls the billing domain (`ctx.billing`), which runs IAM → existence → preconditions, and renders its
 * answer as proto3 JSON. The steps before syntax run in `billingPipeline.ts`.
 */

const PROJECT_BILLING_INFO_FIELDS: readonly MessageField[] = [
  { json: "name", proto: "name", type: "string" },
  { json: "projectId", proto: "project_id", type: "string" },
  { json: "billingAccountName", proto: "billing_account_name", type: "string" },
  { json: "billingEnabled", proto: "billing_enabled", type: "bool" },
];
const TEST_IAM_FIELDS: readonly MessageField[] = [
  { json: "permissions", proto: "permissions", type: "repeated string" },
];

type Json = Record<string, unknown>;

/** A query parameter under its lowerCamelCase name or its snake_case one, as Google binds both. */
function queryParam(call: MethodCall, camel: string, snake: string): string | null {
  return call.query.get(camel) ?? call.query.get(snake);
}

function getBillingInfo(ctx: EmulatorContext, call: MethodCall, rawProject: string): Json {
  const info = ctx.billing.getBillingInfo(call.caller, parseProjectRef(rawProject));
  return projectBillingInfoJson(info, ctx.knobs.printDefaults);
}

function updateBillingInfo(ctx: EmulatorContext, call: MethodCall, rawProject: string): Json {
  const project = parseProjectRef(rawProject);
  const body = readMessage(
    parseJsonObject(call.body, call.contentType),
    PROJECT_BILLING_INFO_FIELDS,
    "project_billing_info",
  );
  const name = body.billingAccountName;
  const target = parseLinkTarget(typeof name === "string" ? name : undefined);
  const info = ctx.billing.updateBillingInfo(call.caller, project, target);
  return projectBillingInfoJson(info, ctx.knobs.printDefaults);
}

function getAccount(ctx: EmulatorContext, call: MethodCall, rawId: string): Json {
  const account = ctx.billing.getBillingAccount(call.caller, parseBillingAccountId(rawId));
  return billingAccountJson(account, ctx.knobs.printDefaults);
}

function listAccounts(ctx: EmulatorContext, call: MethodCall): Json {
  const listing = parseAccountListing({
    pageSize: queryParam(call, "pageSize", "page_size"),
    filter: call.query.get("filter"),
    pageToken: queryParam(call, "pageToken", "page_token"),
    parent: call.query.get("parent"),
  });
  return listBillingAccountsJson(
    ctx.billing.listBillingAccounts(call.caller, listing),
    ctx.knobs.printDefaults,
  );
}

function listProjects(ctx: EmulatorContext, call: MethodCall, rawId: string): Json {
  const listing = parseProjectListing(parseBillingAccountId(rawId), {
    pageSize: queryParam(call, "pageSize", "page_size"),
    pageToken: queryParam(call, "pageToken", "page_token"),
  });
  return listProjectBillingInfoJson(
    ctx.billing.listProjectBillingInfo(call.caller, listing),
    ctx.knobs.printDefaults,
  );
}

function testIamPermissions(ctx: EmulatorContext, call: MethodCall, rawId: string): Json {
  const id = parseBillingAccountId(rawId, "resource");
  const body = readMessage(parseJsonObject(call.body, call.contentType), TEST_IAM_FIELDS, "");
  const permissions = parsePermissions(Array.isArray(body.permissions) ? body.permissions : []);
  const held = ctx.billing.testIamPermissions(call.caller, id, permissions);
  return testIamPermissionsJson(held, ctx.knobs.printDefaults);
}

function getIamPolicy(ctx: EmulatorContext, call: MethodCall, rawId: string): Json {
  const id = parseBillingAccountId(rawId, "resource");
  checkRequestedPolicyVersion(
    queryParam(call, "options.requestedPolicyVersion", "options.requested_policy_version"),
  );
  return policyJson(ctx.billing.getIamPolicy(call.caller, id));
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
