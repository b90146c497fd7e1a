import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from "fastify";
import { annotationOf } from "./annotations";
import type { EmulatorContext } from "./context";
import { CONTROL_PREFIX, registerControlRoutes } from "./control";
import { invalidArgument, invalidJsonPayload, RpcError } from "./rpcErrors";
import { registerBillingRoutes } from "./routes/billing";
import { sendRpcError } from "./routes/billingPipeline";
import { sendNotFoundPage } from "./routes/notFoundPage";
import { registerIamCredentialsRoutes } from "./routes/iamCredentials";
import { registerOAuthRoutes } from "./routes/oauth";
import { registerStsRoutes } from "./routes/sts";
import { oauthErrors } from "./oauthErrors";

/** Largest request body accepted, in bytes; larger ones get Google's payload-size 400. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The whole route table. Google API paths (`/v1/...`: Cloud Billing, the STS's `/v1/token` and IAM
 * Credentials' `/v1/projects/-/serviceAccounts/…`), OAuth paths (`/o/oauth2/v2/auth`, `/token`,
 * `/tokeninfo`, `/revoke`) and the operator surface (`/__emulator/...`) never overlap.
 */
export function buildServer(ctx: EmulatorContext): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    forceCloseConnections: true,
    routerOptions: { maxParamLength: 1000 },
  });

  // Bodies stay raw text: each method parses its own, *after* auth, as Google's check order requires
  // (a malformed body from an unauthenticated caller is a 401, not a 400).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));

  registerBillingRoutes(app, ctx);
  registerOAuthRoutes(app, ctx);
  registerStsRoutes(app, ctx);
  registerIamCredentialsRoutes(app, ctx);
  registerControlRoutes(app, ctx);
  app.setNotFoundHandler((req, reply) => sendNotFoundPage(req, reply));

  // Failures before a handler runs (body too large, broken framing) still answer in Google's shape.
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const path = req.url.split("?")[0];
    if (path.startsWith(CONTROL_PREFIX))
      return reply.code(err.statusCode ?? 500).send({ error: err.message });
    const tooLarge = err.code === "FST_ERR_CTP_BODY_TOO_LARGE";
    if (path.startsWith("/v1/") && path !== "/v1/token") {
      const rpc = tooLarge
        ? invalidArgument(`Request payload size exceeds the limit: ${MAX_BODY_BYTES} bytes.`)
        : err instanceof RpcError
          ? err
          : invalidJsonPayload("Invalid JSON payload received.");
      return sendRpcError(reply, rpc, true);
    }
    const oauth =
      (err.statusCode ?? 500) < 500 ? oauthErrors.missingParameter("body") : oauthErrors.internal();
    return reply
      .code(tooLarge ? 400 : oauth.httpStatus)
      .send(
        tooLarge
          ? { error: "invalid_request", error_description: "Request payload too large." }
          : oauth.toJSON(),
      );
  });

  const logged = new WeakSet<FastifyRequest>();
  const logAnswer = (req: FastifyRequest, status: number, abandoned = false): void => {
    const path = req.url.split("?")[0];
    if (path.startsWith(CONTROL_PREFIX) || logged.has(req)) return;
    logged.add(req);
    const a = annotationOf(req) ?? { method: "notFound" };
    ctx.log.add({
      method: a.method,
      ...(a.principal ? { principal: a.principal } : {}),
      ...(a.credential ? { credential: a.credential } : {}),
      ...(a.grantType ? { grantType: a.grantType } : {}),
      status,
      path,
      at: ctx.clock.nowMs(),
      ...(abandoned ? { abandoned: true as const } : {}),
    });
  };
  app.addHook("onResponse", async (req, reply) => logAnswer(req, reply.statusCode));
  // A client that gave up before a slow answer was ready: Node never finishes that response, so onResponse
  // never runs. The request still took effect (a write is applied), so it is logged with the status it
  // was answered with, here, as the answer is sent, and marked `abandoned`.
  app.addHook("onSend", async (req, reply, payload) => {
    if (req.raw.socket?.destroyed) logAnswer(req, reply.statusCode, true);
    return payload;
  });

  return app;
}
