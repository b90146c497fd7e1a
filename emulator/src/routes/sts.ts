import type { FastifyInstance } from "fastify";
import { annotate } from "../annotations";
import type { EmulatorContext } from "../context";
import { exchangeToken } from "../identities/tokenExchange";
import { OAuthError } from "../oauthErrors";
import { applyFaults, formOf, sendOAuthError, sendOAuthJson } from "./oauth";

/**
 * The Security Token Service, `POST /v1/token` as on https://sts.googleapis.com/v1/token. Its errors are
 * RFC 6749 §5.2 bodies like the OAuth token endpoint's (observed in public reports, docs/emulator.md).
 */
export function registerStsRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post("/v1/token", async (req, reply) => {
    if (await applyFaults(ctx, "sts.token", req, reply)) return;
    const form = formOf(req);
    annotate(req, { grantType: form.get("grant_type") ?? form.get("grantType") ?? undefined });
    try {
      const result = exchangeToken(ctx, form);
      annotate(req, { principal: result.principal });
      ctx.commit();
      sendOAuthJson(reply, 200, result.response);
    } catch (err) {
      if (err instanceof OAuthError) return sendOAuthError(reply, err);
      throw err;
    }
  });
}
