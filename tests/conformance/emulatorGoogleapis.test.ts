// Drives every implemented Cloud Billing method through the official `googleapis` client, with its
// own OAuth2 client refreshing against the emulator's token endpoint: if a client nobody here wrote
// can use the emulator, our shapes and paths are Google's.
import assert from "node:assert/strict";
import { afterAll, beforeAll, beforeEach, describe, it } from "@jest/globals";
import { auth, cloudbilling, type cloudbilling_v1 } from "googleapis/build/src/apis/cloudbilling";
import type { RunningEmulator } from "../../emulator/src/index";
import { ACCOUNTS, DEMO_CLIENT, withEmulator } from "./helpers/emulatorHarness";

interface GaxiosLikeError {
  status?: number;
  response?: {
    status: number;
    data: {
      error: { code: number; status: string; message: string; details?: Array<Record<string, unknown>> };
    };
  };
}

function isGaxiosLikeError(e: unknown): e is GaxiosLikeError {
  return typeof e === "object" && e !== null && "response" in e;
}

async function expectApiError(
  p: Promise<unknown>,
  status: number,
  canonical: string,
): Promise<GaxiosLikeError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isGaxiosLikeError(e), `expected an HTTP error, got ${String(e)}`);
    assert.equal(e.response?.status, status);
    assert.equal(e.response?.data.error.status, canonical);
    return e;
  }
  assert.fail("expected the call to fail");
}

describe("emulator conformance: googleapis cloudbilling v1", () => {
  let emu: RunningEmulator;
  const clients: Record<string, cloudbilling_v1.Cloudbilling> = {};

  function billingAs(refreshToken: string): cloudbilling_v1.Cloudbilling {
    const oauth = new auth.OAuth2({
      clientId: DEMO_CLIENT.id,
      clientSecret: DEMO_CLIENT.secret,
      endpoints: {
        oauth2TokenUrl: emu.oauth.tokenUrl,
        tokenInfoUrl: emu.oauth.tokenInfoUrl,
        oauth2RevokeUrl: emu.oauth.revokeUrl,
        oauth2AuthBaseUrl: emu.oauth.authUrl,
      },
    });
    oauth.setCredentials({ refresh_token: refreshToken });
    return cloudbilling({ version: "v1", auth: oauth, rootUrl: emu.apiRoot });
  }

  beforeAll(async () => {
    emu = await withEmulator();
    clients.alice = billingAs("emu-rt-alice-cloud-billing");
    clients.admin = billingAs("emu-rt-admin-cloud-platform");
    clients.viewer = billingAs("emu-rt-viewer-cloud-billing");
    clients.outsider = billingAs("emu-rt-outsider-cloud-billing");
  });
  beforeEach(() => emu.reset());
  afterAll(() => emu.stop());

  it("projects.getBillingInfo omits default fields for an unlinked project", async () => {
    const res = await clients.alice.projects.getBillingInfo({ name: "projects/demo-app-prod" });
    assert.equal(res.status, 200);
    assert.deepEqual(res.data, { name: "projects/demo-app-prod/billingInfo", projectId: "demo-app-prod" });
  });

  it("projects.getBillingInfo shows a linked project with billingEnabled", async () => {
    const res = await clients.viewer.projects.getBillingInfo({ name: "projects/demo-data" });
    assert.deepEqual(res.data, {
      name: "projects/demo-data/billingInfo",
      projectId: "demo-data",
      billingAccountName: `billingAccounts/${ACCOUNTS.sandbox}`,
      billingEnabled: true,
    });
  });

  it("projects.updateBillingInfo links, moves and unlinks", async () => {
    const linked = await clients.alice.projects.updateBillingInfo({
      name: "projects/demo-app-prod",
      requestBody: { billingAccountName: `billingAccounts/${ACCOUNTS.main}` },
    });
    assert.equal(linked.data.billingAccountName, `billingAccounts/${ACCOUNTS.main}`);
    assert.equal(linked.data.billingEnabled, true);
    const moved = await clients.alice.projects.updateBillingInfo({
      name: "projects/demo-app-prod",
      requestBody: { billingAccountName: `billingAccounts/${ACCOUNTS.sandbox}` },
    });
    assert.equal(moved.data.billingAccountName, `billingAccounts/${ACCOUNTS.sandbox}`);
    const unlinked = await clients.alice.projects.updateBillingInfo({
      name: "projects/demo-app-prod",
      requestBody: { billingAccountName: "" },
    });
    assert.deepEqual(unlinked.data, {
      name: "projects/demo-app-prod/billingInfo",
      projectId: "demo-app-prod",
    });
    const read = await clients.alice.projects.getBillingInfo({ name: "projects/demo-app-prod" });
    assert.equal(read.data.billingAccountName, undefined);
  });

  it("projects.updateBillingInfo to a closed account is accepted with billingEnabled=false", async () => {
    const res = await clients.alice.projects.updateBillingInfo({
      name: "projects/sandbox-one",
      requestBody: { billingAccountName: `billingAccounts/${ACCOUNTS.closed}` },
    });
    assert.equal(res.data.billingAccountName, `billingAccounts/${ACCOUNTS.closed}`);
    assert.equal(res.data.billingEnabled, undefined);
  });

  it("billingAccounts.get returns the account; a closed one omits `open`", async () => {
    const open = await clients.viewer.billingAccounts.get({ name: `billingAccounts/${ACCOUNTS.main}` });
    assert.deepEqual(open.data, {
      name: `billingAccounts/${ACCOUNTS.main}`,
      open: true,
      displayName: "Platform (main)",
      currencyCode: "USD",
    });
    const closed = await clients.alice.billingAccounts.get({ name: `billingAccounts/${ACCOUNTS.closed}` });
    assert.equal(closed.data.open, undefined);
  });

  it("billingAccounts.list returns only the caller's accounts and paginates", async () => {
    const viewer = await clients.viewer.billingAccounts.list({});
    assert.deepEqual(
      viewer.data.billingAccounts?.map((a) => a.name),
      [`billingAccounts/${ACCOUNTS.main}`, `billingAccounts/${ACCOUNTS.sandbox}`],
    );
    assert.equal(viewer.data.nextPageToken, undefined);

    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const page = await clients.admin.billingAccounts.list({ pageSize: 3, pageToken });
      seen.push(...(page.data.billingAccounts ?? []).map((a) => a.name ?? ""));
      pageToken = page.data.nextPageToken ?? undefined;
      pages += 1;
    } while (pageToken);
    assert.equal(pages, 2);
    assert.deepEqual(
      seen,
      Object.values(ACCOUNTS)
        .map((id) => `billingAccounts/${id}`)
        .sort(),
    );

    const none = await clients.outsider.billingAccounts.list({});
    assert.deepEqual(none.data, {});
  });

  it("billingAccounts.list rejects a bad pageToken and a negative pageSize", async () => {
    await expectApiError(
      clients.admin.billingAccounts.list({ pageToken: "not-a-token" }),
      400,
      "INVALID_ARGUMENT",
    );
    await expectApiError(clients.admin.billingAccounts.list({ pageSize: -1 }), 400, "INVALID_ARGUMENT");
  });

  it("billingAccounts.projects.list paginates linked projects", async () => {
    for (const p of ["demo-app-prod", "demo-app-staging", "sandbox-one"]) {
      await clients.admin.projects.updateBillingInfo({
        name: `projects/${p}`,
        requestBody: { billingAccountName: `billingAccounts/${ACCOUNTS.main}` },
      });
    }
    const first = await clients.viewer.billingAccounts.projects.list({
      name: `billingAccounts/${ACCOUNTS.main}`,
      pageSize: 2,
    });
    assert.equal(first.data.projectBillingInfo?.length, 2);
    assert.ok(first.data.nextPageToken);
    const second = await clients.viewer.billingAccounts.projects.list({
      name: `billingAccounts/${ACCOUNTS.main}`,
      pageSize: 2,
      pageToken: first.data.nextPageToken,
    });
    assert.equal(second.data.nextPageToken, undefined);
    const ids = [...(first.data.projectBillingInfo ?? []), ...(second.data.projectBillingInfo ?? [])].map(
      (p) => p.projectId,
    );
    assert.deepEqual(ids, ["demo-app-prod", "demo-app-staging", "quota-home", "sandbox-one"]);
    assert.equal(second.data.projectBillingInfo?.[0]?.billingEnabled, true);
  });

  it("billingAccounts.testIamPermissions returns the held subset, {} when none", async () => {
    const perms = ["billing.resourceAssociations.create", "billing.accounts.get", "billing.accounts.close"];
    const alice = await clients.alice.billingAccounts.testIamPermissions({
      resource: `billingAccounts/${ACCOUNTS.main}`,
      requestBody: { permissions: perms },
    });
    assert.deepEqual(alice.data.permissions, ["billing.resourceAssociations.create", "billing.accounts.get"]);
    const outsider = await clients.outsider.billingAccounts.testIamPermissions({
      resource: `billingAccounts/${ACCOUNTS.main}`,
      requestBody: { permissions: perms },
    });
    assert.deepEqual(outsider.data, {});
  });

  it("billingAccounts.getIamPolicy (GET) returns the account's own bindings", async () => {
    const res = await clients.viewer.billingAccounts.getIamPolicy({
      resource: `billingAccounts/${ACCOUNTS.main}`,
      "options.requestedPolicyVersion": 3,
    });
    assert.equal(res.config.method, "GET");
    assert.equal(res.data.version, 1);
    assert.ok(res.data.etag);
    assert.deepEqual(res.data.bindings, [
      { role: "roles/billing.user", members: ["user:alice@example.com"] },
      { role: "roles/billing.viewer", members: ["user:viewer@example.com"] },
    ]);
  });

  it("errors reach the client in Google's envelope with ErrorInfo and QuotaFailure", async () => {
    const denied = await expectApiError(
      clients.viewer.projects.updateBillingInfo({
        name: "projects/demo-app-prod",
        requestBody: { billingAccountName: `billingAccounts/${ACCOUNTS.main}` },
      }),
      403,
      "PERMISSION_DENIED",
    );
    assert.equal(denied.response?.data.error.details?.[0]?.reason, "IAM_PERMISSION_DENIED");

    const quota = await expectApiError(
      clients.alice.projects.updateBillingInfo({
        name: "projects/sandbox-one",
        requestBody: { billingAccountName: `billingAccounts/${ACCOUNTS.atQuota}` },
      }),
      400,
      "FAILED_PRECONDITION",
    );
    assert.equal(
      quota.response?.data.error.details?.[0]?.["@type"],
      "type.googleapis.com/google.rpc.QuotaFailure",
    );

    await expectApiError(
      clients.admin.billingAccounts.get({ name: "billingAccounts/000000-000000-000000" }),
      404,
      "NOT_FOUND",
    );
    await expectApiError(
      clients.outsider.projects.getBillingInfo({ name: "projects/no-such-project" }),
      403,
      "PERMISSION_DENIED",
    );
  });

  it("the googleapis client's traffic shows up in the request log", async () => {
    emu.clearLog();
    await clients.alice.projects.getBillingInfo({ name: "projects/demo-app-prod" });
    const counts = emu.counts();
    assert.equal(counts.byMethod["projects.getBillingInfo"], 1);
    assert.equal(counts.byPrincipal["alice@example.com"], 1);
  });
});
