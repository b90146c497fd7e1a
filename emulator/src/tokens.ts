import { randomBytes } from "node:crypto";
import type { EmulatorContext } from "./context";
import type { AccessTokenRecord, GrantRecord } from "./store/state";

/** Token formats mimic Google's prefixes (`ya29.`, `1//`, `4/0`) so log redactors and humans recognise them. */
function randomPart(bytes: number): string {
  return randomBytes(bytes).toString("base64url");
}

export function newAccessTokenValue(): string {
  return `ya29.emu-${randomPart(32)}`;
}

export function newRefreshTokenValue(): string {
  return `1//emu-${randomPart(32)}`;
}

export function newAuthCodeValue(): string {
  return `4/0emu-${randomPart(32)}`;
}

export interface IssueAccessTokenParams {
  principal: string;
  scopes: string[];
  clientId: string;
  grantId: string | null;
  lifetimeSeconds?: number;
  accessType?: "online" | "offline";
  /** Service account and federated tokens: the project quota is charged to without x-goog-user-project. */
  projectNumber?: string;
  federation?: AccessTokenRecord["federation"];
}

export interface IssuedAccessToken {
  token: string;
  expiresInSeconds: number;
  record: AccessTokenRecord;
}

/** Mints an access token; the caller commits. */
export function mintAccessToken(ctx: EmulatorContext, p: IssueAccessTokenParams): IssuedAccessToken {
  const expiresInSeconds = p.lifetimeSeconds ?? ctx.state.settings.accessTokenLifetimeSeconds;
  const token = newAccessTokenValue();
  const record: AccessTokenRecord = {
    grantId: p.grantId,
    clientId: p.clientId,
    principal: p.principal,
    scopes: [...p.scopes],
    expiresAtMs: ctx.clock.nowMs() + expiresInSeconds * 1000,
    accessType: p.accessType ?? "offline",
    revoked: false,
    ...(p.projectNumber !== undefined ? { projectNumber: p.projectNumber } : {}),
    ...(p.federation !== undefined ? { federation: p.federation } : {}),
  };
  ctx.state.accessTokens[token] = record;
  return { token, expiresInSeconds, record };
}

/**
 * The token's record if it is known, unrevoked, unexpired, its grant is still alive and, for a service
 * account's token, the account is not disabled ("existing access tokens for the service account are
 * rejected": https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/disable).
 */
export function activeAccessToken(ctx: EmulatorContext, token: string): AccessTokenRecord | undefined {
  const record = Object.prototype.hasOwnProperty.call(ctx.state.accessTokens, token)
    ? ctx.state.accessTokens[token]
    : undefined;
  if (!record || record.revoked || record.expiresAtMs <= ctx.clock.nowMs()) return undefined;
  if (record.grantId !== null && ctx.state.grants[record.grantId]?.revoked !== false) return undefined;
  const serviceAccount = Object.hasOwn(ctx.state.serviceAccounts, record.principal)
    ? ctx.state.serviceAccounts[record.principal]
    : undefined;
  if (serviceAccount?.disabled) return undefined;
  return record;
}

export function grantByRefreshToken(ctx: EmulatorContext, refreshToken: string): GrantRecord | undefined {
  return Object.values(ctx.state.grants).find((g) => g.refreshToken === refreshToken);
}

/** Revokes a grant and every access token minted from it. */
export function revokeGrant(ctx: EmulatorContext, grantId: string): void {
  const grant = ctx.state.grants[grantId];
  if (grant) grant.revoked = true;
  for (const t of Object.values(ctx.state.accessTokens)) if (t.grantId === grantId) t.revoked = true;
}

/**
 * Google's revoke endpoint: an access token or a refresh token, either revokes the whole grant.
 * Returns false when the token is unknown or already dead (Google answers 400 then).
 */
export function revokeAnyToken(ctx: EmulatorContext, token: string): boolean {
  const access = activeAccessToken(ctx, token);
  if (access) {
    const record = ctx.state.accessTokens[token];
    if (record) record.revoked = true;
    if (access.grantId !== null) revokeGrant(ctx, access.grantId);
    return true;
  }
  const grant = grantByRefreshToken(ctx, token);
  if (grant && !grant.revoked) {
    revokeGrant(ctx, grant.grantId);
    return true;
  }
  return false;
}

/** Drops expired tokens and codes so a long-running state file does not grow without bound. */
export function pruneExpired(ctx: EmulatorContext): void {
  const now = ctx.clock.nowMs();
  for (const [token, record] of Object.entries(ctx.state.accessTokens)) {
    if (record.expiresAtMs + 3600_000 < now) delete ctx.state.accessTokens[token];
  }
  for (const [code, record] of Object.entries(ctx.state.authCodes)) {
    if (record.expiresAtMs + 3600_000 < now) delete ctx.state.authCodes[code];
  }
}
