// An emulator plus a Pulumi stack of ProjectBillingLink resources wired to it through stack config,
// and an admin client for out-of-band changes made through the real API.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CloudBillingClient } from "../../sdk/src";
import { startEmulator, type RunningEmulator, type SeedObject } from "../../emulator/src";
import { createTestStack, type TestStack } from "./engine";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, REFRESH_TOKENS } from "./seed";

export const LINKS_PROGRAM = path.join(__dirname, "..", "e2e", "fixtures", "links");

export { ACCOUNTS, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from "./seed";
export const ALICE_REFRESH_TOKEN = REFRESH_TOKENS.alice;
export const ADMIN_REFRESH_TOKEN = REFRESH_TOKENS.admin;

export interface DeclaredLink {
  name: string;
  projectId: string;
  billingAccount: string;
  deletionPolicy?: "unlink" | "abandon" | "restore";
}

export interface BillingStack extends TestStack {
  emulator: RunningEmulator;
  /** The admin principal, for out-of-band changes ("someone relinked it in the console"). */
  admin: CloudBillingClient;
  declare(links: DeclaredLink[]): Promise<void>;
  /** The linked account of a project, read as the admin. "" when unlinked. */
  liveAccount(projectId: string): Promise<string>;
}

export function authorizedUserJson(refreshToken: string): string {
  return JSON.stringify({
    type: "authorized_user",
    client_id: DEMO_CLIENT_ID,
    client_secret: DEMO_CLIENT_SECRET,
    refresh_token: refreshToken,
  });
}

/** Writes an authorized_user file (0600), the way `gcp-billing-link login` or gcloud would. */
export function writeCredentialsFile(dir: string, refreshToken: string): string {
  const file = path.join(dir, `credentials-${randomBytes(4).toString("hex")}.json`);
  fs.writeFileSync(file, authorizedUserJson(refreshToken), { mode: 0o600 });
  return file;
}

export interface BillingStackOptions {
  /**
   * How the provider gets alice's credentials: `file` (default) sets `gcp-billing:credentials` to the path
   * of an authorized_user file; `none` sets nothing (tests pass env vars instead).
   */
  credentials?: "file" | "none";
  envVars?: Record<string, string>;
  /** The Pulumi program to run; default the links fixture (which `declare` configures). */
  workDir?: string;
  /** More stack config, set along with the emulator endpoints. */
  config?: Record<string, { value: string; secret?: boolean }>;
  /** The emulator's seed; default its default seed. */
  seed?: SeedObject;
  /** Also point gcp-billing:stsTokenUrl and gcp-billing:iamCredentialsEndpoint at the emulator. */
  identityEndpoints?: boolean;
}

/** The admin principal's client for an emulator, for out-of-band changes and reading live state. */
export function adminClient(emulator: RunningEmulator): CloudBillingClient {
  return new CloudBillingClient({
    credentials: {
      refreshToken: ADMIN_REFRESH_TOKEN,
      clientId: DEMO_CLIENT_ID,
      clientSecret: DEMO_CLIENT_SECRET,
    },
    endpoints: { apiRoot: emulator.apiRoot, tokenUrl: emulator.oauth.tokenUrl },
    env: {},
  });
}

export async function createBillingStack(options: BillingStackOptions = {}): Promise<BillingStack> {
  const emulator = await startEmulator({ port: 0, ...(options.seed ? { seed: options.seed } : {}) });
  // Stacks share the fixture directory (and so its Pulumi.<stack>.yaml): every stack gets its own name.
  const stackName = `t${randomBytes(5).toString("hex")}`;
  const workDir = options.workDir ?? LINKS_PROGRAM;
  // A stack that cannot be made (no engine, a bad config) must not leave the emulator holding the worker open.
  const env = await createTestStack({
    workDir,
    stackName,
    envVars: options.envVars,
    config: {
      "gcp-billing:apiEndpoint": { value: emulator.apiRoot },
      "gcp-billing:oauthTokenUrl": { value: emulator.oauth.tokenUrl },
      ...(options.identityEndpoints
        ? {
            "gcp-billing:stsTokenUrl": { value: emulator.stsTokenUrl },
            "gcp-billing:iamCredentialsEndpoint": { value: emulator.iamCredentialsRoot },
          }
        : {}),
      ...options.config,
    },
  }).catch(async (err: unknown) => {
    await emulator.stop();
    throw err;
  });
  if ((options.credentials ?? "file") === "file") {
    const file = writeCredentialsFile(env.stateDir, ALICE_REFRESH_TOKEN);
    await env.stack.setConfig("gcp-billing:credentials", { value: file });
  }
  const admin = adminClient(emulator);
  return {
    ...env,
    emulator,
    admin,
    async declare(links) {
      await env.stack.setConfig("links", { value: JSON.stringify(links) });
    },
    async liveAccount(projectId) {
      return (await admin.getProjectBillingInfo(projectId)).billingAccountName;
    },
    async cleanup() {
      await env.cleanup();
      fs.rmSync(path.join(workDir, `Pulumi.${stackName}.yaml`), { force: true });
      await emulator.stop();
    },
  };
}

/** Requests the provider made (the admin's own calls are excluded), by method. */
export function providerCalls(
  emulator: RunningEmulator,
  principal = "alice@example.com",
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of emulator.requestLog()) {
    if (entry.principal !== principal) continue;
    counts[entry.method] = (counts[entry.method] ?? 0) + 1;
  }
  return counts;
}
