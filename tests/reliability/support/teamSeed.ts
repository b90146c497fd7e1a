// The default seed grown to as many team projects as a scenario needs: team-01…team-12 are seeded,
// team-13… are added the same way (unlinked, owned by alice), so a stack of 50 links is one user's
// ordinary day, not an admin's.
import * as fs from "node:fs";
import { DEFAULT_SEED_PATH, type SeedObject } from "../../../emulator/src";

const SEEDED_TEAM_PROJECTS = 12;

/** `team-01` … `team-NN`. */
export function teamProjectIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `team-${String(i + 1).padStart(2, "0")}`);
}

/** The default seed with team projects up to `count`, each unlinked and owned by alice. */
export function seedWithTeamProjects(count: number): SeedObject {
  const seed = JSON.parse(fs.readFileSync(DEFAULT_SEED_PATH, "utf8")) as SeedObject;
  for (const projectId of teamProjectIds(count).slice(SEEDED_TEAM_PROJECTS)) {
    const n = Number(projectId.slice("team-".length));
    seed.projects.push({ projectId, projectNumber: String(200000000000 + n), billingAccount: null });
    seed.iam.push({
      resource: `projects/${projectId}`,
      role: "roles/owner",
      members: ["user:alice@example.com"],
    });
  }
  return seed;
}
