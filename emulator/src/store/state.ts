import { z } from "zod";
import { KNOWN_ROLES } from "../iam";
import { jwksSchema } from "../identities/identitySeed";
import type { Seed } from "../seed";

/**
 * Everything the emulator can change, in one JSON-serialisable value: the state file holds exactly
 * this. Seeded principals, clients and accounts are copied in, so a state file is self-contained and a
 * later edit of the seed does not half-apply to an existing state.
 */
export const emulatorStateSchema = z.object({
  version: z.literal(1),
  settings: z.object({
    accessTokenLifetimeSeconds: z.number().int().positive(),
    gcloudConsumerProjectNumber: z.string(),
    organization: z.string(),
  }),
  principals: z.record(z.string(), z.object({ email: z.string(), subject: z.string() })),
  oauthClients: z.record(
    z.string(),
    z.object({
      clientId: z.string(),
      clientSecret: z.string(),
      type: z.enum(["desktop", "web"]),
      requiresQuotaProject: z.boolean(),
      redirectUris: z.array(z.string()),
      projectNumber: z.string(),
    }),
  ),
  billingAccounts: z.record(
    z.string(),
    z.object({
      id: z.string(),
      displayName: z.string(),
      open: z.boolean(),
      currencyCode: z.string(),
      projectLinkQuota: z.number().int(),
      masterBillingAccount: z.string().optional(),
      parent: z.string().optional(),
    }),
  ),
  projects: z.record(
    z.string(),
    z.object({
      projectId: z.string(),
      projectNumber: z.string(),
      billingAccountId: z.string().nullable(),
      lifecycleState: z.enum(["ACTIVE", "DELETE_REQUESTED"]),
      cloudBillingApiEnabled: z.boolean(),
    }),
  ),
  iam: z.array(z.object({ resource: z.string(), role: z.enum(KNOWN_ROLES), members: z.array(z.string()) })),
  /** Keyed by email. Defaults keep state files written before service accounts existed loadable. */
  serviceAccounts: z
    .record(
      z.string(),
      z.object({
        email: z.string(),
        projectId: z.string(),
        uniqueId: z.string(),
        disabled: z.boolean(),
        keys: z.array(z.object({ keyId: z.string(), publicKeyPem: z.string() })),
      }),
    )
    .default({}),
  /** Keyed by pool name (`projects/N/locations/global/workloadIdentityPools/P`). */
  workloadIdentityPools: z
    .record(
      z.string(),
      z.object({
        name: z.string(),
        disabled: z.boolean(),
        providers: z.record(
          z.string(),
          z.object({
            providerId: z.string(),
            issuerUri: z.string(),
            allowedAudiences: z.array(z.string()),
            attributeMapping: z.record(z.string(), z.string()),
            attributeCondition: z.string().optional(),
            jwks: jwksSchema,
            disabled: z.boolean(),
          }),
        ),
      }),
    )
    .default({}),
  /** A grant is one user consent (or one seeded refresh token); revoking any of its tokens revokes it. */
  grants: z.record(
    z.string(),
    z.object({
      grantId: z.string(),
      refreshToken: z.string().nullable(),
      clientId: z.string(),
      principal: z.string(),
      scopes: z.array(z.string()),
      revoked: z.boolean(),
    }),
  ),
  accessTokens: z.record(
    z.string(),
    z.object({
      grantId: z.string().nullable(),
      clientId: z.string(),
      principal: z.string(),
      scopes: z.array(z.string()),
      expiresAtMs: z.number(),
      accessType: z.enum(["online", "offline"]),
      revoked: z.boolean(),
      /** Quota is charged here when no x-goog-user-project is sent: a service account's or a pool's project. */
      projectNumber: z.string().optional(),
      /** Set on tokens the STS issued to a federated identity: what principalSet members match. */
      federation: z.object({ pool: z.string(), attributes: z.record(z.string(), z.string()) }).optional(),
    }),
  ),
  authCodes: z.record(
    z.string(),
    z.object({
      clientId: z.string(),
      principal: z.string(),
      scopes: z.array(z.string()),
      redirectUri: z.string(),
      codeChallenge: z.string().nullable(),
      codeChallengeMethod: z.enum(["S256", "plain"]).nullable(),
      accessType: z.enum(["online", "offline"]),
      expiresAtMs: z.number(),
      /** Set once exchanged: a second exchange fails and revokes this grant (RFC 6749 §4.1.2). */
      exchangedGrantId: z.string().nullable(),
    }),
  ),
});

export type EmulatorState = z.infer<typeof emulatorStateSchema>;
export type ProjectRecord = EmulatorState["projects"][string];
export type BillingAccountRecord = EmulatorState["billingAccounts"][string];
export type GrantRecord = EmulatorState["grants"][string];
export type AccessTokenRecord = EmulatorState["accessTokens"][string];
export type AuthCodeRecord = EmulatorState["authCodes"][string];
export type OAuthClientRecord = EmulatorState["oauthClients"][string];
export type ServiceAccountRecord = EmulatorState["serviceAccounts"][string];
export type WorkloadIdentityPoolRecord = EmulatorState["workloadIdentityPools"][string];
export type OidcProviderRecord = WorkloadIdentityPoolRecord["providers"][string];

/** A stable 21-digit stand-in for Google's numeric account id, so tokeninfo `sub` is the same every run. */
export function subjectFor(email: string): string {
  let h = 1469598103934665603n;
  for (const ch of email) h = ((h ^ BigInt(ch.codePointAt(0) ?? 0)) * 1099511628211n) % 10n ** 20n;
  return `1${h.toString().padStart(20, "0")}`;
}

export function stateFromSeed(seed: Seed): EmulatorState {
  const state: EmulatorState = {
    version: 1,
    settings: { ...seed.settings },
    principals: {},
    oauthClients: {},
    billingAccounts: {},
    projects: {},
    iam: seed.iam.map((b) => ({ resource: b.resource, role: b.role, members: [...b.members] })),
    serviceAccounts: serviceAccountsFromSeed(seed),
    workloadIdentityPools: poolsFromSeed(seed),
    grants: {},
    accessTokens: {},
    authCodes: {},
  };
  for (const p of seed.principals)
    state.principals[p.email] = { email: p.email, subject: p.subject ?? subjectFor(p.email) };
  for (const c of seed.oauthClients) {
    state.oauthClients[c.clientId] = {
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      type: c.type,
      requiresQuotaProject: c.requiresQuotaProject,
      redirectUris: [...c.redirectUris],
      // The ADC stand-in's consumer is gcloud's project, as Google's error messages name it.
      projectNumber:
        c.projectNumber ??
        (c.requiresQuotaProject ? seed.settings.gcloudConsumerProjectNumber : "200000000001"),
    };
  }
  for (const a of seed.billingAccounts) {
    state.billingAccounts[a.id] = {
      id: a.id,
      displayName: a.displayName,
      open: a.open,
      currencyCode: a.currencyCode,
      projectLinkQuota: a.projectLinkQuota,
      ...(a.masterBillingAccount ? { masterBillingAccount: a.masterBillingAccount } : {}),
      ...(a.parent ? { parent: a.parent } : {}),
    };
  }
  for (const p of seed.projects) {
    state.projects[p.projectId] = {
      projectId: p.projectId,
      projectNumber: p.projectNumber,
      billingAccountId: p.billingAccount,
      lifecycleState: p.lifecycleState,
      cloudBillingApiEnabled: p.cloudBillingApiEnabled,
    };
  }
  seed.refreshTokens.forEach((rt, i) => {
    const grantId = `seed-${i}`;
    state.grants[grantId] = {
      grantId,
      refreshToken: rt.token,
      clientId: rt.clientId,
      principal: rt.principal,
      scopes: [...rt.scopes],
      revoked: false,
    };
  });
  return state;
}

function serviceAccountsFromSeed(seed: Seed): EmulatorState["serviceAccounts"] {
  const out: EmulatorState["serviceAccounts"] = {};
  for (const sa of seed.serviceAccounts) {
    out[sa.email] = {
      email: sa.email,
      projectId: sa.projectId,
      uniqueId: sa.uniqueId ?? subjectFor(sa.email),
      disabled: sa.disabled,
      keys: sa.keys.map((k) => ({ keyId: k.keyId, publicKeyPem: k.publicKeyPem })),
    };
  }
  return out;
}

function poolsFromSeed(seed: Seed): EmulatorState["workloadIdentityPools"] {
  const out: EmulatorState["workloadIdentityPools"] = {};
  for (const pool of seed.workloadIdentityPools) {
    const providers: WorkloadIdentityPoolRecord["providers"] = {};
    for (const p of pool.providers) {
      providers[p.providerId] = {
        providerId: p.providerId,
        issuerUri: p.issuerUri,
        allowedAudiences: [...p.allowedAudiences],
        attributeMapping: { ...p.attributeMapping },
        ...(p.attributeCondition !== undefined ? { attributeCondition: p.attributeCondition } : {}),
        jwks: { keys: p.jwks.keys.map((k) => ({ ...k })) },
        disabled: p.disabled,
      };
    }
    out[pool.name] = { name: pool.name, disabled: pool.disabled, providers };
  }
  return out;
}
