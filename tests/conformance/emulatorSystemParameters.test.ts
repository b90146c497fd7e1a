// Google's system parameters other than `fields` on the Cloud Billing routes, over real HTTP: the access
// token in the URL; with raw fetch and with googleapis, which sends it when a caller passes it.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { auth, cloudbilling } from "googleapis/build/src/apis/cloudbilling";
import type { RunningEmulator } from "../../emulator/src/index";
import {
  ALICE,
  CB_RO,
  OUTSIDER,
  VIEWER,
  call,
  detail,
  rpcError,
  tokenFor,
  withEmulator,
  type RawResponse,
} from "./helpers/emulatorHarness";

const INFO = "/v1/projects/demo-data/billingInfo";
const DEMO_DATA = {
  name: "projects/demo-data/billingInfo",
  projectId: "demo-data",
  billingAccountName: "billingAccounts/0B1C2D-3E4F5A-6B7C8D",
  billingEnabled: true,
};

function assertInvalid(r: RawResponse, message: string | RegExp): void {
  assert.equal(r.status, 400, r.text);
  assert.equal(rpcError(r).status, "INVALID_ARGUMENT");
  if (typeof message === "string") assert.equal(rpcError(r).message, message);
  else assert.match(String(rpcError(r).message), message);
}

const MULTIPLE = "Multiple authentication credentials received. Please pass only one.";

describe("system parameters", () => {
  let emu: RunningEmulator;
  let alice: string;

  before(async () => {
    emu = await withEmulator();
  });
  beforeEach(async () => {
    await emu.reset();
    alice = tokenFor(emu, ALICE);
    emu.clearLog();
  });
  after(() => emu.stop());

  describe("access_token and oauth_token authenticate like a Bearer header", () => {
    it("either parameter alone authenticates; the log says where the token was and never holds it", async () => {
      for (const name of ["access_token", "oauth_token"]) {
        const r = await call(emu, "GET", `${INFO}?${name}=${alice}`);
        assert.deepEqual([r.status, r.json], [200, DEMO_DATA], name);
      }
      await call(emu, "GET", INFO, { token: alice });
      const log = emu.requestLog().map(({ at: _at, ...rest }) => rest);
      const entry = (credential: string) => ({
        method: "projects.getBillingInfo",
        principal: ALICE,
        credential,
        status: 200,
        path: INFO,
      });
      assert.deepEqual(log, [entry("query"), entry("query"), entry("header")]);
      assert.ok(!JSON.stringify(emu.requestLog()).includes(alice));
    });

    it("a bad token in the URL is the same 401 as in the header; an empty one counts as none", async () => {
      const bad = await call(emu, "GET", `${INFO}?access_token=not-a-token`);
      assert.equal(bad.status, 401);
      assert.equal(detail(bad, "ErrorInfo")?.reason, "ACCESS_TOKEN_EXPIRED");
      assert.match(bad.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
      const empty = await call(emu, "GET", `${INFO}?access_token=`);
      assert.equal(detail(empty, "ErrorInfo")?.reason, "CREDENTIALS_MISSING");
      assert.deepEqual(
        emu.requestLog().map((e) => [e.status, e.credential, e.principal]),
        [
          [401, "query", undefined],
          [401, undefined, undefined],
        ],
      );
    });

    it("scope and IAM apply to a token from the URL as to any other", async () => {
      const readonly = tokenFor(emu, ALICE, [CB_RO]);
      const scope = await call(emu, "PUT", `/v1/projects/sandbox-one/billingInfo?access_token=${readonly}`, {
        body: {},
      });
      assert.equal(detail(scope, "ErrorInfo")?.reason, "ACCESS_TOKEN_SCOPE_INSUFFICIENT");
      const outsider = tokenFor(emu, OUTSIDER);
      const iam = await call(emu, "GET", `${INFO}?oauth_token=${outsider}`);
      assert.equal(detail(iam, "ErrorInfo")?.reason, "IAM_PERMISSION_DENIED");
    });

    it("more than one credential is refused, whichever they are and even when equal", async () => {
      for (const [query, header] of [
        [`access_token=${alice}`, alice],
        [`oauth_token=${alice}`, "garbage"],
        [`access_token=${alice}&oauth_token=${alice}`, undefined],
        [`access_token=${alice}&access_token=${alice}`, undefined],
      ] as const) {
        const r = await call(emu, "GET", `${INFO}?${query}`, header ? { token: header } : {});
        assertInvalid(r, MULTIPLE);
      }
      assert.ok(emu.requestLog().every((e) => e.status === 400 && e.principal === undefined));
    });
  });

  it("parameters that are neither the method's nor Google's system parameters are still refused", async () => {
    const r = await call(emu, "GET", `${INFO}?access_token=${alice}&fields=name&prettyPrint=false&foo=1`);
    assertInvalid(
      r,
      `Invalid JSON payload received. Unknown name "foo": Cannot bind query parameter. Field 'foo' could not be found in request message.`,
    );
  });

  describe("through googleapis", () => {
    it("access_token as a method parameter, with no auth client, is a working credential", async () => {
      const client = cloudbilling({ version: "v1", rootUrl: emu.apiRoot });
      const res = await client.projects.getBillingInfo({ name: "projects/demo-data", access_token: alice });
      assert.deepEqual(res.data, DEMO_DATA);
      // Authenticated from the URL alone: with a header too it would have been refused as two credentials.
      assert.deepEqual(
        emu.requestLog().map((e) => [e.credential, e.principal]),
        [["query", ALICE]],
      );
    });

    it("access_token next to an auth client's header is refused as two credentials", async () => {
      const oauth = new auth.OAuth2();
      oauth.setCredentials({ access_token: tokenFor(emu, VIEWER) });
      const client = cloudbilling({ version: "v1", auth: oauth, rootUrl: emu.apiRoot });
      await assert.rejects(
        client.projects.getBillingInfo({ name: "projects/demo-data", access_token: alice }),
        (err: { status?: number; response?: { data?: { error?: { message?: string } } } }) =>
          err.status === 400 && err.response?.data?.error?.message === MULTIPLE,
      );
    });
  });
});
