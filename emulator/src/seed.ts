import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { partialKnobsSchema } from "./knobs";
import { KNOWN_ROLES } from "./iam";
import { serviceAccountSeedSchema, workloadIdentityPoolSeedSchema } from "./identities/identitySeed";

/**
 * The seed shipped with the emulator; `npm run demo` and most tests run on it. Found from the sources
 * (emulator/src, under tsx) and from the compiled dist/emulator/src alike.
 */
export const DEFAULT_SEED_PATH: string =
  [path.resolve(__dirname, "..", "seeds"), path.resolve(__dirname, "..", "..", "..", "emulator", "seeds")]
    .map((dir) => path.join(dir, "default.json"))
    .find((file) => fs.existsSync(file)) ?? path.resolve(__dirname, "..", "seeds", "default.json");

const comment = z.string().optional();
const ACCOUNT_ID = /^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/;

const seedSchema = z
  .strictObject({
    $comment: comment,
    settings: z
      .strictObject({
        $comment: comment,
        accessTokenLifetimeSeconds: z.number().int().positive().default(3599),
        /** Project number of gcloud's own OAuth client, named in "requires a quota project" errors. */
        gcloudConsumerProjectNumber: z
          .string()
          .regex(/^[0-9]+$/)
          .default("32555940559"),
        /** The organization every seeded project and account lives in; its bindings are inherited. */
        organization: z
          .string()
          .regex(/^organizations\/[0-9]+$/)
          .default("organizations/1000"),
      })
      .prefault({}),
    principals: z.array(
      z.strictObject({
        email: z.email(),
        description: comment,
        /** Google's numeric subject id (tokeninfo `sub`); derived from the email when absent. */
        subject: z
          .string()
          .regex(/^[0-9]+$/)
          .optional(),
      }),
    ),
    oauthClients: z.array(
      z.strictObject({
        clientId: z.string().min(1),
        clientSecret: z.string().min(1),
        type: z.enum(["desktop", "web"]),
        /** Tokens of this client need `x-goog-user-project`, like gcloud's ADC client on Google. */
        requiresQuotaProject: z.boolean().default(false),
        /** Exact redirect URIs accepted besides loopback ones (loopback is always accepted for desktop clients). */
        redirectUris: z.array(z.string()).default([]),
        /** Project number the client belongs to; used as consumer when no quota project is sent. */
        projectNumber: z
          .string()
          .regex(/^[0-9]+$/)
          .optional(),
        description: comment,
      }),
    ),
    refreshTokens: z.array(
      z.strictObject({
        token: z.string().min(1),
        clientId: z.string(),
        principal: z.string(),
        scopes: z.array(z.string()).min(1),
        description: comment,
      }),
    ),
    billingAccounts: z.array(
      z.strictObject({
        id: z.string().regex(ACCOUNT_ID, "billing account ids look like 012345-567890-ABCDEF"),
        displayName: z.string(),
        open: z.boolean(),
        currencyCode: z.string().regex(/^[A-Z]{3}$/),
        /** Maximum number of projects linked at once (Google's unpublished "billing quota"). */
        projectLinkQuota: z.number().int().nonnegative(),
        masterBillingAccount: z.string().optional(),
        parent: z.string().optional(),
        description: comment,
      }),
    ),
    projects: z.array(
      z.strictObject({
        projectId: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/),
        projectNumber: z.string().regex(/^[0-9]+$/),
        billingAccount: z.string().regex(ACCOUNT_ID).nullable(),
        lifecycleState: z.enum(["ACTIVE", "DELETE_REQUESTED"]).default("ACTIVE"),
        /** Whether the Cloud Billing API is enabled here, which matters when it is used as a quota project. */
        cloudBillingApiEnabled: z.boolean().default(false),
        description: comment,
      }),
    ),
    iam: z.array(
      z.strictObject({
        resource: z
          .string()
          .regex(
            /^((organizations|projects|billingAccounts)\/[^/]+|projects\/[^/]+\/serviceAccounts\/[^/]+)$/,
          ),
        role: z.enum(KNOWN_ROLES),
        members: z.array(
          z.string().regex(/^((user|serviceAccount|group):.+|principal(Set)?:\/\/iam\.googleapis\.com\/.+)$/),
        ),
        $comment: comment,
      }),
    ),
    /** Service accounts: principals of their own, with keys (JWT-bearer grant) and IAM bindings. */
    serviceAccounts: z.array(serviceAccountSeedSchema).default([]),
    /** Workload identity pools and their OIDC providers (the STS token exchange). */
    workloadIdentityPools: z.array(workloadIdentityPoolSeedSchema).default([]),
    knobs: partialKnobsSchema.default({}),
  })
  .superRefine((seed, ctx) => {
    const principals = new Set(seed.principals.map((p) => p.email));
    const clients = new Set(seed.oauthClients.map((c) => c.clientId));
    const accounts = new Set(seed.billingAccounts.map((a) => a.id));
    seed.refreshTokens.forEach((rt, i) => {
      if (!principals.has(rt.principal))
        ctx.addIssue({
          code: "custom",
          path: ["refreshTokens", i, "principal"],
          message: `unknown principal ${rt.principal}`,
        });
      if (!clients.has(rt.clientId))
        ctx.addIssue({
          code: "custom",
          path: ["refreshTokens", i, "clientId"],
          message: `unknown client ${rt.clientId}`,
        });
    });
    const projects = new Set(seed.projects.map((p) => p.projectId));
    seed.serviceAccounts.forEach((sa, i) => {
      if (!projects.has(sa.projectId))
        ctx.addIssue({
          code: "custom",
          path: ["serviceAccounts", i, "projectId"],
          message: `unknown project ${sa.projectId}`,
        });
    });
    seed.projects.forEach((p, i) => {
      if (p.billingAccount !== null && !accounts.has(p.billingAccount)) {
        ctx.addIssue({
          code: "custom",
          path: ["projects", i, "billingAccount"],
          message: `unknown billing account ${p.billingAccount}`,
        });
      }
    });
  });

export type Seed = z.infer<typeof seedSchema>;
/** What callers may pass in place of a seed path: the JSON form, before defaults are applied. */
export type SeedObject = z.input<typeof seedSchema>;

export class SeedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SeedError";
  }
}

export function parseSeed(input: unknown, origin: string): Seed {
  const result = seedSchema.safeParse(input);
  if (!result.success) throw new SeedError(`invalid seed ${origin}:\n${z.prettifyError(result.error)}`);
  return result.data;
}

export function loadSeed(source: string | SeedObject | undefined): Seed {
  if (source === undefined || typeof source === "string") {
    const file = source ?? DEFAULT_SEED_PATH;
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (cause) {
      throw new SeedError(`cannot read seed file ${file}`, { cause });
    }
    return parseSeed(raw, file);
  }
  return parseSeed(source, "(object)");
}
