import type { FastifyReply, FastifyRequest } from "fastify";
import { annotationOf } from "../annotations";
import type { EmulatorContext } from "../context";

/**
 * Simulates a connection reset: no status line ever reaches the client. Fastify's onResponse hook
 * does not run for a hijacked reply, so the request is logged here with status 0.
 */
export function dropConnection(ctx: EmulatorContext, req: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  const a = annotationOf(req);
  ctx.log.add({
    method: a?.method ?? "notFound",
    principal: a?.principal,
    grantType: a?.grantType,
    status: 0,
    path: req.url.split("?")[0],
    at: ctx.clock.nowMs(),
  });
  req.raw.socket.destroy();
}
