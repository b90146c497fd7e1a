import { z } from "zod";
import { parseAttributeCondition, parseAttributeMapping } from "./attributes";

/**
 * Seed shapes for the identities behind impersonation and workload identity federation: service
 * accounts (https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts) and workload
 * identity pools with OIDC providers (…/projects.locations.workloadIdentityPools.providers). Field names
 * follow those resources where they exist.
 */

const comment = z.string().optional();

/** A public key the service account signs its JWT-bearer assertions with (private keys never enter the emulator). */
export const serviceAccountKeySeedSchema = z.strictObject({
  /** Google's `private_key_id`: the assertion's `kid` header names it. */
  keyId: z.string().regex(/^[0-9a-f]{8,64}$/),
  publicKeyPem: z.string().startsWith("-----BEGIN PUBLIC KEY-----"),
  $comment: comment,
});

export const serviceAccountSeedSchema = z.strictObject({
  email: z
    .string()
    .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$/),
  /** The project the account lives in: its IAM resource is `projects/{projectId}/serviceAccounts/{email}`. */
  projectId: z.string(),
  /** Google's 21-digit `uniqueId` (tokeninfo `sub`); derived from the email when absent. */
  uniqueId: z
    .string()
    .regex(/^[0-9]{21}$/)
    .optional(),
  displayName: z.string().optional(),
  disabled: z.boolean().default(false),
  keys: z.array(serviceAccountKeySeedSchema).default([]),
  description: comment,
});

const attributeMappingSchema = z.record(z.string(), z.string()).superRefine((mapping, ctx) => {
  try {
    parseAttributeMapping(mapping);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: err instanceof Error ? err.message : String(err) });
  }
});

const attributeConditionSchema = z.string().superRefine((condition, ctx) => {
  try {
    parseAttributeCondition(condition);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: err instanceof Error ? err.message : String(err) });
  }
});

/** A JSON Web Key Set as an OIDC provider's `jwksJson` holds it (RFC 7517 §5); RSA keys only here. */
export const jwksSchema = z.object({
  keys: z.array(
    z.looseObject({ kty: z.literal("RSA"), n: z.string(), e: z.string(), kid: z.string().optional() }),
  ),
});
export type Jwks = z.infer<typeof jwksSchema>;

export const oidcProviderSeedSchema = z.strictObject({
  providerId: z.string().regex(/^[a-z0-9-]{4,32}$/),
  issuerUri: z.url(),
  /** Accepted `aud` values; empty means the provider's own resource name, as on Google. */
  allowedAudiences: z.array(z.string()).default([]),
  /** `google.subject` is required; values are `assertion.<claim>` paths (a subset of CEL, docs/emulator.md). */
  attributeMapping: attributeMappingSchema,
  attributeCondition: attributeConditionSchema.optional(),
  /** The issuer's keys, uploaded as on Google (`oidc.jwksJson`); tests add theirs at run time. */
  jwks: jwksSchema.default({ keys: [] }),
  disabled: z.boolean().default(false),
  description: comment,
});

export const workloadIdentityPoolSeedSchema = z.strictObject({
  /** `projects/{number}/locations/global/workloadIdentityPools/{poolId}` */
  name: z.string().regex(/^projects\/[0-9]+\/locations\/global\/workloadIdentityPools\/[a-z0-9-]{4,32}$/),
  disabled: z.boolean().default(false),
  providers: z.array(oidcProviderSeedSchema),
  description: comment,
});
