import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import * as outOfBand from "./billing/outOfBandChanges";
import type { EmulatorContext } from "./context";
import { jwksSchema } from "./identities/identitySeed";
import { setOidcProviderJwks } from "./identities/oidcKeys";
import { addServiceAccountKey, setServiceAccountDisabled } from "./identities/serviceAccounts";
import { partialKnobsSchema } from "./knobs";
import { mintAccessToken } from "./tokens";

/**
 * The operator surface under /__emulator/: request log, counts, reset, knobs, token minting, the
 * clock, the changes the Cloud Billing API cannot express — deleting a project (Resource Manager) and
 * closing or reopening a billing account (the Cloud console) — and the identity set-up Google does in IAM's
 * own API (service account keys and state, an OIDC provider's keys). It never changes billing links —
 * tests do that through the real API as the admin.
 */

export const CONTROL_PREFIX = "/__emulator";

export const issueTokenSchema = z.strictObject({
  principal: z.string(),
  scopes: z.array(z.string()).min(1),
  clientId: z.string().optional(),
  lifetimeSeconds: z.number().int().positive().optional(),
});
export type IssueTokenRequest = z.infer<typeof issueTokenSchema>;

export const deleteProjectSchema = z.strictObject({ purge: z.boolean().default(false) });

/*
 * Operator changes are saved before they return: the in-process API is synchronous, so a test may stop the
 * emulator and start another on the same state file right after.
 */

/** Deletes a project as Resource Manager would (`billing/outOfBandChanges.ts`); throws on an unknown one. */
export function deleteProject(ctx: EmulatorContext, projectId: string, purge: boolean): void {
  outOfBand.deleteProject(ctx.store, projectId, purge);
  ctx.commit();
}

/** Closes or reopens a billing account as in the Cloud console. Throws on an unknown account. */
export function setBillingAccountOpen(ctx: EmulatorContext, accountId: string, open: boolean): void {
  outOfBand.setBillingAccountOpen(ctx.store, accountId, open);
  ctx.commit();
}

/** The custom verbs of `POST /__emulator/billingAccounts/{id}:verb`, and the `open` state each sets. */
const ACCOUNT_VERBS: Readonly<Record<string, boolean>> = { close: false, reopen: true };

/** Mints an access token without any OAuth flow, for static-token tests. Throws on unknown principal or client. */
export function issueAccessToken(
  ctx: EmulatorContext,
  p: IssueTokenRequest,
): { token: string; expiresInSeconds: number } {
  if (!Object.prototype.hasOwnProperty.call(ctx.state.principals, p.principal))
    throw new Error(`issueAccessToken: unknown principal ${p.principal}`);
  const clientId = p.clientId ?? Object.keys(ctx.state.oauthClients)[0];
  if (!clientId || !ctx.state.oauthClients[clientId])
    throw new Error(`issueAccessToken: unknown client ${p.clientId ?? "(none seeded)"}`);
  const issued = mintAccessToken(ctx, {
    principal: p.principal,
    scopes: p.scopes,
    clientId,
    grantId: null,
    lifetimeSeconds: p.lifetimeSeconds,
  });
  ctx.commit();
  return { token: issued.token, expiresInSeconds: issued.expiresInSeconds };
}

function badRequest(reply: FastifyReply, error: z.ZodError | Error): void {
  const message = error instanceof z.ZodError ? z.prettifyError(error) : error.message;
  void reply.code(400).send({ error: message });
}

function jsonBody(raw: unknown): unknown {
  if (typeof raw !== "string" || raw.trim() === "") return {};
  return JSON.parse(raw);
}

const serviceAccountKeySchema = z.strictObject({ publicKeyPem: z.string() });
const serviceAccountStateSchema = z.strictObject({ disabled: z.boolean() });
const oidcJwksSchema = z.strictObject({ provider: z.string(), jwks: jwksSchema });

/** Answers 400 with the error's message when `run` throws (an unknown account, a bad key, bad JSON). */
async function guarded(reply: FastifyReply, run: () => unknown): Promise<unknown> {
  try {
    return run();
  } catch (err) {
    return badRequest(reply, err instanceof Error ? err : new Error(String(err)));
  }
}

function registerIdentityRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post<{ Params: { email: string } }>(`${CONTROL_PREFIX}/serviceAccounts/:email/keys`, (req, reply) =>
    guarded(reply, () => {
      const { publicKeyPem } = serviceAccountKeySchema.parse(jsonBody(req.body));
      return { keyId: addServiceAccountKey(ctx, req.params.email, publicKeyPem) };
    }),
  );
  app.post<{ Params: { email: string } }>(`${CONTROL_PREFIX}/serviceAccounts/:email/state`, (req, reply) =>
    guarded(reply, () => {
      const { disabled } = serviceAccountStateSchema.parse(jsonBody(req.body));
      setServiceAccountDisabled(ctx, req.params.email, disabled);
      return {};
    }),
  );
  app.post(`${CONTROL_PREFIX}/oidc/jwks`, (req, reply) =>
    guarded(reply, () => {
      const { provider, jwks } = oidcJwksSchema.parse(jsonBody(req.body));
      setOidcProviderJwks(ctx, provider, jwks);
      return {};
    }),
  );
}

export function registerControlRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  registerIdentityRoutes(app, ctx);
  app.get(`${CONTROL_PREFIX}/health`, async () => ({ status: "ok" }));
  app.get(`${CONTROL_PREFIX}/requests`, async () => ({ requests: ctx.log.list() }));
  app.delete(`${CONTROL_PREFIX}/requests`, async () => {
    ctx.log.clear();
    return {};
  });
  app.get(`${CONTROL_PREFIX}/counts`, async () => ctx.log.counts());
  app.post(`${CONTROL_PREFIX}/reset`, async () => {
    ctx.reset();
    return {};
  });
  app.get(`${CONTROL_PREFIX}/knobs`, async () => ctx.knobs);
  app.patch(`${CONTROL_PREFIX}/knobs`, async (req, reply) => {
    try {
      const parsed = partialKnobsSchema.safeParse(jsonBody(req.body));
      if (!parsed.success) return badRequest(reply, parsed.error);
      ctx.setKnobs(parsed.data);
      return ctx.knobs;
    } catch (err) {
      return badRequest(reply, err instanceof Error ? err : new Error(String(err)));
    }
  });
  app.post(`${CONTROL_PREFIX}/tokens`, async (req, reply) => {
    try {
      const parsed = issueTokenSchema.safeParse(jsonBody(req.body));
      if (!parsed.success) return badRequest(reply, parsed.error);
      const issued = issueAccessToken(ctx, parsed.data);
      return { access_token: issued.token, expires_in: issued.expiresInSeconds, token_type: "Bearer" };
    } catch (err) {
      return badRequest(reply, err instanceof Error ? err : new Error(String(err)));
    }
  });
  app.post<{ Params: { projectId: string } }>(
    `${CONTROL_PREFIX}/projects/:projectId/delete`,
    async (req, reply) => {
      try {
        const parsed = deleteProjectSchema.safeParse(jsonBody(req.body));
        if (!parsed.success) return badRequest(reply, parsed.error);
        deleteProject(ctx, req.params.projectId, parsed.data.purge);
        return {};
      } catch (err) {
        return badRequest(reply, err instanceof Error ? err : new Error(String(err)));
      }
    },
  );
  // `{id}:verb` is one path segment, as in the Cloud Billing API's own custom methods.
  app.post<{ Params: { account: string } }>(
    `${CONTROL_PREFIX}/billingAccounts/:account`,
    async (req, reply) => {
      const colon = req.params.account.indexOf(":");
      const accountId = req.params.account.slice(0, colon < 0 ? undefined : colon);
      const verb = colon < 0 ? "" : req.params.account.slice(colon + 1);
      if (!Object.prototype.hasOwnProperty.call(ACCOUNT_VERBS, verb))
        return reply.code(404).send({ error: "expected billingAccounts/{id}:close or :reopen" });
      try {
        setBillingAccountOpen(ctx, accountId, ACCOUNT_VERBS[verb]);
        return { name: `billingAccounts/${accountId}`, open: ACCOUNT_VERBS[verb] };
      } catch (err) {
        return badRequest(reply, err instanceof Error ? err : new Error(String(err)));
      }
    },
  );
  app.post(`${CONTROL_PREFIX}/clock/advance`, async (req, reply) => {
    try {
      const parsed = z.strictObject({ ms: z.number().nonnegative() }).safeParse(jsonBody(req.body));
      if (!parsed.success) return badRequest(reply, parsed.error);
      ctx.clock.advance(parsed.data.ms);
      return { nowMs: ctx.clock.nowMs() };
    } catch (err) {
      return badRequest(reply, err instanceof Error ? err : new Error(String(err)));
    }
  });
}
