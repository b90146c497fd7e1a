import type { FastifyReply, FastifyRequest } from "fastify";
import { annotate } from "../annotations";
import { authenticate, type Caller } from "../authenticate";
import type { BillingMethod } from "../billingMethods";
import type { EmulatorContext } from "../context";
import { decideFault, rateLimitRetryAfterSeconds, sleep } from "../faults";
import {
  internalError,
  rateLimited,
  RpcError,
  rpcErrorEnvelope,
  unavailable,
  unknownQueryParameter,
} from "../rpcErrors";
import { readResponseOptions, SYSTEM_PARAMETERS, wantsPretty } from "../systemParameters";
import { dropConnection, hangUp, pathOf } from "./dropConnection";

export interface MethodCall {
  caller: Caller;
  query: URLSearchParams;
  /** Raw body text ("" when none); parsing belongs to the method's syntax step. */
  body: string;
  contentType: string | undefined;
}

export type MethodHandler = (call: MethodCall) => Record<string, unknown>;

export function sendJson(
  reply: FastifyReply,
  status: number,
  body: unknown,
  pretty: boolean,
  headers: Readonly<Record<string, string>> = {},
): void {
  reply.code(status).headers({ ...headers, "content-type": "application/json; charset=UTF-8" });
  void reply.send(pretty ? JSON.stringify(body, null, 2) + "\n" : JSON.stringify(body));
}

export function sendRpcError(reply: FastifyReply, err: RpcError, pretty: boolean): void {
  sendJson(reply, err.httpStatus, rpcErrorEnvelope(err), pretty, err.headers);
}

export function queryOf(req: FastifyRequest): URLSearchParams {
  const i = req.url.indexOf("?");
  return new URLSearchParams(i >= 0 ? req.url.slice(i + 1) : "");
}

function consumerHint(ctx: EmulatorContext): string {
  return Object.values(ctx.state.oauthClients)[0]?.projectNumber ?? "0";
}

/**
 * Runs the handler, then waits until the state it saw is saved. A state file saves the writes of one turn of
 * the event loop together (`store/file.ts`), and no answer, success or error (a link quota another request's
 * link just filled), may report a change that a crash could still lose.
 */
async function onceSaved(
  ctx: EmulatorContext,
  run: () => Record<string, unknown>,
): Promise<Record<string, unknown>> {
  try {
    return run();
  } finally {
    await ctx.store.settled();
  }
}

/**
 * Runs one Cloud Billing method through the check order of docs/cloud-billing-api.md §7: faults and latency,
 * then authentication, scope and consumer project, rate quota, then the handler (`billing.ts`), which does
 * syntax and calls the billing domain for IAM → existence → preconditions, and returns the response.
 */
export async function runBillingMethod(
  ctx: EmulatorContext,
  method: BillingMethod,
  req: FastifyRequest,
  reply: FastifyReply,
  handler: MethodHandler,
): Promise<void> {
  annotate(req, { method: method.name });
  const query = queryOf(req);
  const pretty = wantsPretty(query);
  await sleep(ctx.knobs.latencyMs);
  try {
    const fault = decideFault(ctx, method.name, pathOf(req));
    if (fault.kind === "drop") return dropConnection(ctx, req, reply);
    if (fault.kind === "hang") return hangUp(ctx, req, reply);
    if (fault.kind === "slow") await sleep(fault.delayMs);
    if (fault.kind === "fail") {
      if (fault.status === 429)
        throw rateLimited(
          method,
          consumerHint(ctx),
          ctx.knobs.rateLimitPerMinute || 300,
          fault.retryAfterSeconds,
        );
      throw fault.status === 500 ? internalError() : unavailable();
    }
    const caller = authenticate(ctx, { headers: req.headers, query }, method, (learned) =>
      annotate(req, learned),
    );
    const retryAfter = rateLimitRetryAfterSeconds(ctx, caller.consumerProjectNumber);
    if (retryAfter > 0)
      throw rateLimited(method, caller.consumerProjectNumber, ctx.knobs.rateLimitPerMinute, retryAfter);
    for (const name of new Set(query.keys())) {
      if (!SYSTEM_PARAMETERS.has(name) && !method.queryParams.includes(name))
        throw unknownQueryParameter(name);
    }
    // Checked before the handler runs, so a bad `fields` on a PUT changes nothing.
    const { fields } = readResponseOptions(query, method.response);
    const body = typeof req.body === "string" ? req.body : "";
    const result = await onceSaved(ctx, () =>
      handler({ caller, query, body, contentType: req.headers["content-type"] }),
    );
    sendJson(reply, 200, fields ? fields.apply(result) : result, pretty);
  } catch (err) {
    if (err instanceof RpcError) return sendRpcError(reply, err, pretty);
    req.log.error({ err }, "unexpected emulator failure");
    sendRpcError(reply, internalError(), pretty);
  }
}
