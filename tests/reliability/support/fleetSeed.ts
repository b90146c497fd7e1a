// The default emulator seed plus a fleet of unlinked projects alice owns (`fleet-01`…), for scenarios
// that need more links than the default seed's twelve team projects.
import * as fs from "node:fs";
import { DEFAULT_SEED_PATH, type SeedObject } from "../../../emulator/src";
import { DEMO_CLIENT_ID, PRINCIPALS } from "../../support/seed";

interface SeedShape {
  settings?: Record<string, unknown>;
  projects: Array<Record<string, unknown>>;
  iam: Array<{ resource: string; role: string; members: string[] }>;
  refreshTokens: Array<Record<string, unknown>>;
}

export interface FleetOptions {
  size: number;
  /** Fleet projects alice may not touch (no binding at all): their IDs, e.g. `fleet-07`. */
  withoutPermission?: string[];
  accessTokenLifetimeSeconds?: number;
  /** More refresh tokens for alice with the cloud-billing scope: a later `login` yields one of these. */
  extraAliceRefreshTokens?: string[];
}

export function fleetProject(i: number): string {
  return `fleet-${String(i).padStart(2, "0")}`;
}

export function fleetSeed(options: FleetOptions): SeedObject {
  const seed = JSON.parse(fs.readFileSync(DEFAULT_SEED_PATH, "utf8")) as SeedShape;
  const locked = new Set(options.withoutPermission ?? []);
  for (let i = 1; i <= options.size; i++) {
    const projectId = fleetProject(i);
    seed.projects.push({ projectId, projectNumber: String(400000000000 + i), billingAccount: null });
    if (!locked.has(projectId))
      seed.iam.push({
        resource: `projects/${projectId}`,
        role: "roles/owner",
        members: [`user:${PRINCIPALS.alice}`],
      });
  }
  if (options.accessTokenLifetimeSeconds !== undefined)
    seed.settings = { ...seed.settings, accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds };
  for (const token of options.extraAliceRefreshTokens ?? [])
    seed.refreshTokens.push({
      token,
      clientId: DEMO_CLIENT_ID,
      principal: PRINCIPALS.alice,
      scopes: ["https://www.googleapis.com/auth/cloud-billing"],
    });
  return seed as unknown as SeedObject;
}
