import type { FastifyReply, FastifyRequest } from "fastify";
import { annotationOf } from "../annotations";
import type { EmulatorContext } from "../context";

/** The request's path without its query string, as the request log and the fault draws key it. */
export function pathOf(req: FastifyRequest): string {
  return req.url.split("?")[0];
}

/** Logs a request that ended without any answer (status 0), since Fastify's onResponse hook never sees it. */
function logUnanswered(ctx: EmulatorContext, req: FastifyRequest): void {
  const a = annotationOf(req);
  ctx.log.add({
    method: a?.method ?? "notFound",
    principal: a?.principal,
    grantType: a?.grantType,
    status: 0,
    path: pathOf(req),
    at: ctx.clock.nowMs(),
  });
}

/**
 * Simulates a connection reset: no status line ever reaches the client. Fastify's onResponse hook
 * does not run for a hijacked reply, so the request is logged here with status 0.
 */
export function dropConnection(ctx: EmulatorContext, req: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  logUnanswered(ctx, req);
  req.raw.socket.destroy();
}

/**
 * Simulates a hung backend: the request is never handled and never answered, and the socket stays open
 * until the client gives up (or the emulator stops, which closes every socket). It is logged with status 0
 * then, so the log's order still shows the client's retry after it.
 */
export function hangUp(ctx: EmulatorContext, req: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  const socket = req.raw.socket;
  if (socket.destroyed) return logUnanswered(ctx, req);
  socket.once("close", () => logUnanswered(ctx, req));
}
