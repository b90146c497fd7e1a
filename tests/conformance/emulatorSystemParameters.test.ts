// Google's system parameters other than `fields` on the Cloud Billing routes, over real HTTP: the access
// token in the URL, prettyPrint, alt, quotaUser and $.xgafv; with raw fetch and with googleapis, which
// sends them when a caller passes them.
import assert from "node:assert/strict";
import { afterAll, beforeAll, beforeEach, describe, it } from "@jest/globals";
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

  beforeAll(async () => {
    emu = await withEmulator();
  });
  beforeEach(async () => {
    await emu.reset();
    alice = tokenFor(emu, ALICE);
    emu.clearLog();
  });
  afterAll(() => emu.stop());

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

  describe("prettyPrint", () => {
    it("responses and errors are pretty-printed by default and compact with prettyPrint=false or $prettyPrint=false", async () => {
      const pretty = await call(emu, "GET", INFO, { token: alice });
      assert.equal(pretty.text, JSON.stringify(DEMO_DATA, null, 2) + "\n");
      for (const param of ["prettyPrint", "%24prettyPrint"]) {
        const compact = await call(emu, "GET", `${INFO}?${param}=false`, { token: alice });
        assert.equal(compact.text, JSON.stringify(DEMO_DATA), param);
        const error = await call(emu, "GET", `${INFO}?${param}=false`);
        assert.equal(error.status, 401);
        assert.equal(error.text, JSON.stringify(error.json), param);
      }
      const explicit = await call(emu, "GET", `${INFO}?prettyPrint=true`, { token: alice });
      assert.equal(explicit.text, pretty.text);
    });
  });

  describe("alt", () => {
    it("json, with or without numeric enums, in either spelling", async () => {
      for (const query of [
        "alt=json",
        "%24alt=json",
        "alt=json%3Benum-encoding%3Dint",
        "$alt=json;enum-encoding=int",
      ]) {
        const r = await call(emu, "GET", `${INFO}?${query}`, { token: alice });
        assert.deepEqual([r.status, r.json], [200, DEMO_DATA], query);
      }
    });

    it("Google's other formats are refused as unsupported here; unknown values and repeats are refused", async () => {
      for (const alt of ["proto", "media", "sse"]) {
        const r = await call(emu, "GET", `${INFO}?alt=${alt}`, { token: alice });
        assertInvalid(r, `The emulator answers in JSON only; alt=${alt} is not supported.`);
      }
      for (const query of ["alt=xml", "alt=JSON", "alt=", "alt=json%3Benum-encoding%3Dstring"]) {
        const r = await call(emu, "GET", `${INFO}?${query}`, { token: alice });
        assertInvalid(r, /^Invalid value ".*" for system parameter "alt"/);
      }
      assertInvalid(await call(emu, "GET", `${INFO}?alt=json&$alt=json`, { token: alice }), /only once/);
    });
  });

  describe("quotaUser", () => {
    it("is accepted and does not split the consumer project's rate quota", async () => {
      emu.setKnobs({ rateLimitPerMinute: 2 });
      const statuses = [];
      for (const query of ["%24quotaUser=batch-1", "quotaUser=batch-2", "quotaUser=batch-3"])
        statuses.push((await call(emu, "GET", `${INFO}?${query}`, { token: alice })).status);
      assert.deepEqual(statuses, [200, 200, 429]);
      const limited = await call(emu, "GET", `${INFO}?quotaUser=batch-4`, { token: alice });
      assert.equal(detail(limited, "ErrorInfo")?.reason, "RATE_LIMIT_EXCEEDED");
      assert.deepEqual(
        emu.requestLog().map((e) => e.status),
        [200, 200, 429, 429],
      );
    });
  });

  describe("$.xgafv", () => {
    it("1 and 2 are accepted and change nothing in success or error bodies; other values are refused", async () => {
      const outsider = tokenFor(emu, OUTSIDER);
      const plain = await call(emu, "GET", INFO, { token: outsider });
      assert.equal(plain.status, 403);
      for (const version of ["1", "2"]) {
        const ok = await call(emu, "GET", `${INFO}?%24.xgafv=${version}`, { token: alice });
        assert.deepEqual([ok.status, ok.json], [200, DEMO_DATA]);
        const error = await call(emu, "GET", `${INFO}?$.xgafv=${version}`, { token: outsider });
        assert.deepEqual([error.status, error.text], [403, plain.text], version);
      }
      assertInvalid(
        await call(emu, "GET", `${INFO}?$.xgafv=3`, { token: alice }),
        /"\$\.xgafv"; expected 1 or 2/,
      );
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

    it("prettyPrint, quotaUser, $.xgafv and alt pass through as Google's libraries send them", async () => {
      const oauth = new auth.OAuth2();
      oauth.setCredentials({ access_token: alice });
      const client = cloudbilling({ version: "v1", auth: oauth, rootUrl: emu.apiRoot });
      const res = await client.projects.getBillingInfo(
        { name: "projects/demo-data", prettyPrint: false, quotaUser: "nightly", "$.xgafv": "2", alt: "json" },
        { responseType: "text" },
      );
      const sent = new URL(String(res.config.url)).searchParams;
      assert.deepEqual(
        [sent.get("prettyPrint"), sent.get("quotaUser"), sent.get("$.xgafv"), sent.get("alt")],
        ["false", "nightly", "2", "json"],
      );
      assert.equal(res.data, JSON.stringify(DEMO_DATA));
      assert.deepEqual(
        emu.requestLog().map((e) => [e.method, e.status]),
        [["projects.getBillingInfo", 200]],
      );
    });
  });
});
