// The `fields` system parameter (partial responses) over real HTTP: raw fetch for the syntax and the
// errors, googleapis for a client that passes it through as Google's own libraries do.
import assert from "node:assert/strict";
import { afterAll, beforeAll, beforeEach, describe, it } from "@jest/globals";
import { auth, cloudbilling } from "googleapis/build/src/apis/cloudbilling";
import type { RunningEmulator } from "../../emulator/src/index";
import {
  ACCOUNTS,
  ADMIN,
  ALICE,
  CP,
  OUTSIDER,
  VIEWER,
  call,
  detail,
  rpcError,
  tokenFor,
  withEmulator,
  type RawResponse,
} from "./helpers/emulatorHarness";

const MAIN = `billingAccounts/${ACCOUNTS.main}`;

/** `fields` URL-encoded, as a client would send it. */
function withFields(path: string, fields: string): string {
  return `${path}${path.includes("?") ? "&" : "?"}fields=${encodeURIComponent(fields)}`;
}

/** Google's answer to a path the response message lacks: generic message, the path in a BadRequest. */
function assertUnknownPath(r: RawResponse, fields: string, path: string): void {
  assert.equal(r.status, 400, r.text);
  assert.deepEqual(
    [rpcError(r).status, rpcError(r).message],
    ["INVALID_ARGUMENT", "Request contains an invalid argument."],
  );
  assert.deepEqual(detail(r, "BadRequest")?.fieldViolations, [
    {
      field: fields,
      description: `Error expanding 'fields' parameter. Cannot find matching fields for path '${path}'.`,
    },
  ]);
}

describe("partial responses: the fields system parameter", () => {
  let emu: RunningEmulator;
  let admin: string;
  let viewer: string;

  beforeAll(async () => {
    emu = await withEmulator();
  });
  beforeEach(async () => {
    await emu.reset();
    admin = tokenFor(emu, ADMIN, [CP]);
    viewer = tokenFor(emu, VIEWER);
  });
  afterAll(() => emu.stop());

  it("top-level fields: only those, in the response's order; an empty value means everything", async () => {
    const path = "/v1/projects/demo-data/billingInfo";
    const full = await call(emu, "GET", path, { token: viewer });
    const r = await call(emu, "GET", withFields(path, "billingEnabled,projectId"), { token: viewer });
    assert.deepEqual(r.json, { projectId: "demo-data", billingEnabled: true });
    assert.deepEqual(Object.keys(r.json ?? {}), ["projectId", "billingEnabled"]);
    const empty = await call(emu, "GET", `${path}?fields=`, { token: viewer });
    assert.deepEqual(empty.json, full.json);
  });

  it("a field the message has but the response omits (proto3 default) is simply absent", async () => {
    const r = await call(
      emu,
      "GET",
      withFields("/v1/projects/demo-app-prod/billingInfo", "billingAccountName"),
      {
        token: viewer,
      },
    );
    assert.deepEqual([r.status, r.json], [200, {}]);
  });

  it("lists: a(b,c), a/b and a.b select inside every element; * selects a whole level", async () => {
    const list = "/v1/billingAccounts?pageSize=1";
    const sub = await call(emu, "GET", withFields(list, "billingAccounts(name,open),nextPageToken"), {
      token: viewer,
    });
    assert.deepEqual(Object.keys(sub.json ?? {}), ["billingAccounts", "nextPageToken"]);
    assert.deepEqual(sub.json?.billingAccounts, [{ name: MAIN, open: true }]);
    for (const fields of ["billingAccounts/displayName", "billingAccounts.displayName"]) {
      const r = await call(emu, "GET", withFields("/v1/billingAccounts", fields), { token: viewer });
      assert.deepEqual(r.json, {
        billingAccounts: [{ displayName: "Platform (main)" }, { displayName: "Sandbox" }],
      });
    }
    const wild = await call(emu, "GET", withFields(list, "billingAccounts/*"), { token: viewer });
    const whole = await call(emu, "GET", list, { token: viewer });
    assert.deepEqual(wild.json, { billingAccounts: whole.json?.billingAccounts });
    const star = await call(emu, "GET", withFields(list, "*"), { token: viewer });
    assert.deepEqual(star.json, whole.json);
  });

  it("nested messages: getIamPolicy bindings(role) and a known-but-unset condition", async () => {
    const policy = `/v1/${MAIN}:getIamPolicy`;
    const roles = await call(emu, "GET", withFields(policy, "bindings(role),version"), { token: viewer });
    assert.deepEqual(roles.json, {
      version: 1,
      bindings: [{ role: "roles/billing.user" }, { role: "roles/billing.viewer" }],
    });
    const conditions = await call(emu, "GET", withFields(policy, "bindings/condition/title,auditConfigs"), {
      token: viewer,
    });
    assert.deepEqual(conditions.json, { bindings: [{}, {}] });
  });

  it("a PUT with fields links and answers with the selection", async () => {
    const r = await call(emu, "PUT", withFields("/v1/projects/sandbox-one/billingInfo", "billingEnabled"), {
      token: admin,
      body: { billingAccountName: MAIN },
    });
    assert.deepEqual([r.status, r.json], [200, { billingEnabled: true }]);
    const read = await call(emu, "GET", "/v1/projects/sandbox-one/billingInfo", { token: admin });
    assert.equal(read.json?.billingAccountName, MAIN);
  });

  it("a path the message lacks is Google's 400, named with dots, including snake_case and paths into scalars", async () => {
    const info = "/v1/projects/demo-data/billingInfo";
    for (const [fields, path] of [
      ["foo", "foo"],
      ["projectId,billing_account_name", "billing_account_name"],
      ["name/first", "name.first"],
      ["billingEnabled(x)", "billingEnabled.x"],
      ["*/name", "*.name"],
    ]) {
      assertUnknownPath(await call(emu, "GET", withFields(info, fields), { token: viewer }), fields, path);
    }
    const list = await call(emu, "GET", withFields("/v1/billingAccounts", "billingAccounts(name,opened)"), {
      token: viewer,
    });
    assertUnknownPath(list, "billingAccounts(name,opened)", "billingAccounts.opened");
    const policy = await call(emu, "GET", withFields(`/v1/${MAIN}:getIamPolicy`, "bindings/condition/text"), {
      token: viewer,
    });
    assertUnknownPath(policy, "bindings/condition/text", "bindings.condition.text");
  });

  it("malformed selections are a 400 in the same envelope", async () => {
    for (const fields of [
      "name(",
      "name)",
      "(name)",
      "name,,projectId",
      "name/",
      "name()",
      "a(b)c",
      `${"a(".repeat(40)}b${")".repeat(40)}`,
    ]) {
      const r = await call(emu, "GET", withFields("/v1/projects/demo-data/billingInfo", fields), {
        token: viewer,
      });
      assert.equal(r.status, 400, fields);
      const violation = detail(r, "BadRequest")?.fieldViolations;
      assert.ok(Array.isArray(violation));
      assert.equal(violation[0]?.field, fields);
      assert.match(
        String(violation[0]?.description),
        /^Error expanding 'fields' parameter\. Expected /,
        fields,
      );
    }
  });

  it("an invalid selection on a PUT is refused before the write happens", async () => {
    const r = await call(emu, "PUT", withFields("/v1/projects/sandbox-one/billingInfo", "billingEnabld"), {
      token: admin,
      body: { billingAccountName: MAIN },
    });
    assertUnknownPath(r, "billingEnabld", "billingEnabld");
    const read = await call(emu, "GET", "/v1/projects/sandbox-one/billingInfo", { token: admin });
    assert.equal(read.json?.billingAccountName, undefined);
    assert.deepEqual(
      emu.requestLog().map((e) => [e.method, e.status]),
      [
        ["projects.updateBillingInfo", 400],
        ["projects.getBillingInfo", 200],
      ],
    );
  });

  it("errors are never filtered, and come in the check order: auth before fields", async () => {
    const denied = await call(emu, "GET", withFields("/v1/projects/demo-data/billingInfo", "name"), {
      token: tokenFor(emu, OUTSIDER),
    });
    assert.equal(denied.status, 403);
    assert.equal(detail(denied, "ErrorInfo")?.reason, "IAM_PERMISSION_DENIED");
    const unauthenticated = await call(emu, "GET", withFields("/v1/projects/demo-data/billingInfo", "nope"));
    assert.equal(unauthenticated.status, 401);
  });

  it("fields may be given once, as fields or $fields", async () => {
    const dollar = await call(emu, "GET", "/v1/projects/demo-data/billingInfo?%24fields=projectId", {
      token: viewer,
    });
    assert.deepEqual(dollar.json, { projectId: "demo-data" });
    const twice = await call(emu, "GET", "/v1/projects/demo-data/billingInfo?fields=name&$fields=projectId", {
      token: viewer,
    });
    assert.equal(twice.status, 400);
  });

  it("googleapis passes fields through and gets the partial response", async () => {
    const oauth = new auth.OAuth2();
    oauth.setCredentials({ access_token: tokenFor(emu, ALICE) });
    const client = cloudbilling({ version: "v1", auth: oauth, rootUrl: emu.apiRoot });
    const res = await client.billingAccounts.list({ fields: "billingAccounts(name,displayName)" });
    assert.match(res.config.url?.toString() ?? "", /[?&]fields=billingAccounts%28name%2CdisplayName%29/);
    assert.deepEqual(
      res.data.billingAccounts?.map((a) => Object.keys(a)),
      Object.values(ACCOUNTS).map(() => ["name", "displayName"]),
    );
    await assert.rejects(
      client.projects.getBillingInfo({ name: "projects/demo-data", fields: "billingAccount" }),
      (err: { status?: number }) => err.status === 400,
    );
  });
});
