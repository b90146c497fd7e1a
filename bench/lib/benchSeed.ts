/**
 * The emulator's world for a benchmark: `projects` unlinked projects that alice may link, billing accounts
 * whose link quota never binds, and a quota project for `x-goog-user-project`, so every figure is about
 * time and calls, never about a seeded limit. Generated, so N = 500 needs no 500-entry file in the repo.
 */
import type { SeedObject } from "../../emulator/src";

export const DEMO_CLIENT = {
  clientId: "gcp-billing-link-demo.apps.googleusercontent.com",
  clientSecret: "demo-client-secret-not-a-real-secret",
};
export const ALICE = "alice@example.com";
export const ALICE_REFRESH_TOKEN = "emu-rt-alice-cloud-billing";
export const ADMIN_REFRESH_TOKEN = "emu-rt-admin-cloud-platform";
export const QUOTA_PROJECT = "bench-quota";

/** Account i (0-based): `0A0000-000000-00000i`-style ids, in the API's syntax. */
export function accountId(i: number): string {
  return `0A0000-000000-${i.toString(16).toUpperCase().padStart(6, "0")}`;
}

export function projectId(i: number): string {
  return `bench-${String(i).padStart(4, "0")}`;
}

/** `linked`: every project starts linked to account 0, as the stacks declare (a refresh finds no drift). */
export function benchSeed(
  projects: number,
  options: { accounts?: number; linked?: boolean } = {},
): SeedObject {
  const accounts = options.accounts ?? 6;
  const ids = Array.from({ length: projects }, (_, i) => projectId(i));
  const accountIds = Array.from({ length: accounts }, (_, i) => accountId(i));
  return {
    principals: [{ email: "admin@example.com" }, { email: ALICE }],
    oauthClients: [{ ...DEMO_CLIENT, type: "desktop" }],
    refreshTokens: [
      {
        token: ADMIN_REFRESH_TOKEN,
        ...pick(DEMO_CLIENT),
        principal: "admin@example.com",
        scopes: ["https://www.googleapis.com/auth/cloud-platform"],
      },
      {
        token: ALICE_REFRESH_TOKEN,
        ...pick(DEMO_CLIENT),
        principal: ALICE,
        scopes: ["https://www.googleapis.com/auth/cloud-billing"],
      },
    ],
    billingAccounts: accountIds.map((id, i) => ({
      id,
      displayName: `Bench ${i}`,
      open: true,
      currencyCode: "USD",
      projectLinkQuota: 100_000,
    })),
    projects: [
      {
        projectId: QUOTA_PROJECT,
        projectNumber: "300000000000",
        billingAccount: null,
        cloudBillingApiEnabled: true,
      },
      ...ids.map((projectId, i) => ({
        projectId,
        projectNumber: String(300000000001 + i),
        billingAccount: null,
      })),
    ],
    iam: [
      { resource: "organizations/1000", role: "roles/owner", members: ["user:admin@example.com"] },
      ...accountIds.map((id) => ({
        resource: `billingAccounts/${id}`,
        role: "roles/billing.user" as const,
        members: [`user:${ALICE}`],
      })),
      {
        resource: `projects/${QUOTA_PROJECT}`,
        role: "roles/serviceusage.serviceUsageConsumer",
        members: [`user:${ALICE}`],
      },
      ...ids.map((id) => ({
        resource: `projects/${id}`,
        role: "roles/owner" as const,
        members: [`user:${ALICE}`],
      })),
    ],
  };
}

function pick(client: typeof DEMO_CLIENT): { clientId: string } {
  return { clientId: client.clientId };
}

/** `count` links declaring projects `from`… on account `account`, named as the links fixture expects. */
export function declaredLinks(
  count: number,
  options: { from?: number; account?: number } = {},
): { name: string; projectId: string; billingAccount: string }[] {
  const from = options.from ?? 0;
  return Array.from({ length: count }, (_, i) => ({
    name: `link-${from + i}`,
    projectId: projectId(from + i),
    billingAccount: `billingAccounts/${accountId(options.account ?? 0)}`,
  }));
}
