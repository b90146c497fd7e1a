// OAuth 2.0 conformance: google-auth-library's OAuth2Client (a client nobody here wrote) against the
// emulator's consent page, token, tokeninfo and revoke endpoints (docs/oauth.md §2, §3, §7).
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, it } from "@jest/globals";
import { CodeChallengeMethod, OAuth2Client } from "google-auth-library";
import type { RunningEmulator } from "../../emulator/src/index";
import {
  ADC_CLIENT,
  ALICE,
  CB,
  CB_RO,
  DEMO_CLIENT,
  VIEWER,
  call,
  withEmulator,
} from "./helpers/emulatorHarness";

interface OAuthErrorResponse {
  status: number;
  data: { error: string; error_description: string };
}

function isOAuthFailure(e: unknown): e is { response: OAuthErrorResponse } {
  return typeof e === "object" && e !== null && "response" in e;
}

async function expectOAuthError(
  p: Promise<unknown>,
  status: number,
  error: string,
  description: string,
): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(isOAuthFailure(e), `expected an HTTP error, got ${String(e)}`);
    assert.equal(e.response.status, status);
    assert.deepEqual(e.response.data, { error, error_description: description });
    return;
  }
  assert.fail("expected an OAuth error");
}

/** A one-shot loopback listener like an installed app's (RFC 8252 §7.3). */
async function loopbackListener(): Promise<{
  redirectUri: string;
  received: Promise<URLSearchParams>;
  close: () => Promise<void>;
}> {
  let resolve: (q: URLSearchParams) => void = () => undefined;
  const received = new Promise<URLSearchParams>((r) => (resolve = r));
  const server = http.createServer((req, res) => {
    resolve(new URL(req.url ?? "/", "http://127.0.0.1").searchParams);
    res.end("You may close this window.");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function consentIdOf(html: string): string {
  const m = /name="consent_id" value="([^"]+)"/.exec(html);
  assert.ok(m, "consent page has a consent_id");
  return m[1];
}

describe("emulator conformance: OAuth 2.0 with google-auth-library", () => {
  let emu: RunningEmulator;

  function client(id = DEMO_CLIENT.id, secret = DEMO_CLIENT.secret, redirectUri?: string): OAuth2Client {
    return new OAuth2Client({
      clientId: id,
      clientSecret: secret,
      redirectUri,
      endpoints: {
        oauth2TokenUrl: emu.oauth.tokenUrl,
        tokenInfoUrl: emu.oauth.tokenInfoUrl,
        oauth2RevokeUrl: emu.oauth.revokeUrl,
        oauth2AuthBaseUrl: emu.oauth.authUrl,
      },
    });
  }

  /** Opens the consent page for an auth URL and answers it. Returns the redirect Location. */
  async function answerConsent(
    authUrl: string,
    principal: string,
    decision: "allow" | "deny",
  ): Promise<string> {
    const page = await fetch(authUrl);
    assert.equal(page.status, 200);
    const html = await page.text();
    const form = new URLSearchParams({ consent_id: consentIdOf(html), principal, decision });
    const res = await fetch(emu.oauth.authUrl, { method: "POST", body: form, redirect: "manual" });
    assert.equal(res.status, 302);
    return res.headers.get("location") ?? "";
  }

  beforeAll(async () => {
    emu = await withEmulator();
  });
  beforeEach(() => emu.reset());
  afterAll(() => emu.stop());

  it("refresh_token grant gives a 3599 s token carrying the grant's scopes", async () => {
    const c = client();
    c.setCredentials({ refresh_token: "emu-rt-alice-cloud-billing" });
    const { token } = await c.getAccessToken();
    assert.ok(token?.startsWith("ya29."));
    const info = await c.getTokenInfo(token ?? "");
    assert.deepEqual(info.scopes, [CB]);
    assert.equal(info.email, ALICE);
    assert.equal(info.aud, DEMO_CLIENT.id);
    assert.ok(info.expiry_date > Date.now() + 3500_000 && info.expiry_date <= Date.now() + 3600_000);
    const api = await call(emu, "GET", "/v1/projects/demo-data/billingInfo", { token: token ?? "" });
    assert.equal(api.status, 200);
  });

  it("tokeninfo answers GET, POST form and POST Bearer with string exp/expires_in", async () => {
    const token = emu.issueAccessToken({ principal: VIEWER, scopes: [CB_RO] });
    for (const init of [
      { url: `${emu.oauth.tokenInfoUrl}?access_token=${token}`, method: "GET" },
      { url: emu.oauth.tokenInfoUrl, method: "POST", body: new URLSearchParams({ access_token: token }) },
      { url: emu.oauth.tokenInfoUrl, method: "POST", headers: { authorization: `Bearer ${token}` } },
    ]) {
      const res = await fetch(init.url, init);
      assert.equal(res.status, 200);
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(body.scope, CB_RO);
      assert.equal(body.email, VIEWER);
      assert.equal(typeof body.exp, "string");
      assert.equal(typeof body.expires_in, "string");
      assert.ok(["3598", "3599"].includes(String(body.expires_in)));
    }
    const bad = await fetch(`${emu.oauth.tokenInfoUrl}?access_token=nope`);
    assert.equal(bad.status, 400);
    // JSON.parse, not bad.json(): fetch builds its objects in Node's realm, and jest runs the test in a vm
    // realm of its own, where a deep strict comparison with a literal would fail on the prototype alone.
    assert.deepEqual(JSON.parse(await bad.text()), {
      error: "invalid_token",
      error_description: "Invalid Value",
    });
  });

  it("revoking the refresh token kills it and its access tokens", async () => {
    const c = client();
    c.setCredentials({ refresh_token: "emu-rt-alice-cloud-billing" });
    const { token } = await c.getAccessToken();
    await c.revokeToken("emu-rt-alice-cloud-billing");
    assert.equal(
      (await call(emu, "GET", "/v1/projects/demo-data/billingInfo", { token: token ?? "" })).status,
      401,
    );
    await expectOAuthError(
      c.refreshAccessToken(),
      400,
      "invalid_grant",
      "Token has been expired or revoked.",
    );
    await expectOAuthError(
      c.revokeToken("emu-rt-alice-cloud-billing"),
      400,
      "invalid_token",
      "Token expired or revoked",
    );
  });

  it("revoking an access token revokes its grant (the refresh token too)", async () => {
    const c = client();
    c.setCredentials({ refresh_token: "emu-rt-viewer-cloud-billing" });
    const { token } = await c.getAccessToken();
    await c.revokeToken(token ?? "");
    const fresh = client();
    fresh.setCredentials({ refresh_token: "emu-rt-viewer-cloud-billing" });
    await expectOAuthError(
      fresh.getAccessToken(),
      400,
      "invalid_grant",
      "Token has been expired or revoked.",
    );
  });

  it("token endpoint errors are worded as Google words them", async () => {
    const wrongSecret = client(DEMO_CLIENT.id, "wrong");
    wrongSecret.setCredentials({ refresh_token: "emu-rt-alice-cloud-billing" });
    await expectOAuthError(wrongSecret.getAccessToken(), 401, "invalid_client", "Unauthorized");

    const unknown = client("nobody.apps.googleusercontent.com", "x");
    unknown.setCredentials({ refresh_token: "emu-rt-alice-cloud-billing" });
    await expectOAuthError(
      unknown.getAccessToken(),
      401,
      "invalid_client",
      "The OAuth client was not found.",
    );

    const otherClient = client(ADC_CLIENT.id, ADC_CLIENT.secret);
    otherClient.setCredentials({ refresh_token: "emu-rt-alice-cloud-billing" });
    await expectOAuthError(otherClient.getAccessToken(), 401, "unauthorized_client", "Unauthorized");

    const post = (form: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(emu.oauth.tokenUrl, { method: "POST", body: new URLSearchParams(form), headers });
    const missing = await post({
      grant_type: "refresh_token",
      client_id: DEMO_CLIENT.id,
      client_secret: DEMO_CLIENT.secret,
    });
    assert.deepEqual(
      [missing.status, JSON.parse(await missing.text())],
      [400, { error: "invalid_request", error_description: "Missing required parameter: refresh_token" }],
    );
    const badGrant = await post({
      grant_type: "password",
      client_id: DEMO_CLIENT.id,
      client_secret: DEMO_CLIENT.secret,
    });
    assert.deepEqual(
      [badGrant.status, JSON.parse(await badGrant.text())],
      [400, { error: "unsupported_grant_type", error_description: "Invalid grant_type: password" }],
    );

    const basic = Buffer.from(
      `${encodeURIComponent(DEMO_CLIENT.id)}:${encodeURIComponent(DEMO_CLIENT.secret)}`,
    ).toString("base64");
    const viaBasic = await post(
      { grant_type: "refresh_token", refresh_token: "emu-rt-alice-readonly" },
      { authorization: `Basic ${basic}` },
    );
    assert.equal(viaBasic.status, 200);
    const body = (await viaBasic.json()) as Record<string, unknown>;
    assert.deepEqual(
      [body.scope, body.token_type, body.expires_in, body.refresh_token],
      [CB_RO, "Bearer", 3599, undefined],
    );
  });

  it("authorization code + PKCE S256 through the consent page and a loopback listener", async () => {
    const listener = await loopbackListener();
    try {
      const c = client(DEMO_CLIENT.id, DEMO_CLIENT.secret, listener.redirectUri);
      const { codeVerifier, codeChallenge } = await c.generateCodeVerifierAsync();
      const authUrl = c.generateAuthUrl({
        access_type: "offline",
        prompt: "consent",
        scope: [CB],
        state: "st-123",
        login_hint: ALICE,
        code_challenge: codeChallenge,
        code_challenge_method: CodeChallengeMethod.S256,
      });
      const page = await (await fetch(authUrl)).text();
      assert.ok(page.includes("View and manage your Google Cloud Platform billing accounts"));
      assert.ok(page.includes(`value="${ALICE}" checked`));
      assert.match(page, /<button type="submit" name="decision" value="allow">Allow<\/button>/);

      const location = await answerConsent(authUrl, ALICE, "allow");
      assert.ok(location.startsWith(listener.redirectUri));
      await fetch(location);
      const q = await listener.received;
      assert.equal(q.get("state"), "st-123");
      assert.equal(q.get("scope"), CB);
      const code = q.get("code") ?? "";
      assert.ok(code.startsWith("4/"));

      await expectOAuthError(
        c.getToken({ code, codeVerifier: "x".repeat(43), redirect_uri: listener.redirectUri }),
        400,
        "invalid_grant",
        "Invalid code verifier.",
      );
      const { tokens } = await c.getToken({ code, codeVerifier, redirect_uri: listener.redirectUri });
      assert.ok(tokens.access_token && tokens.refresh_token);
      assert.equal(tokens.scope, CB);
      const info = await c.getTokenInfo(tokens.access_token);
      assert.equal(info.email, ALICE);

      // Codes are single-use; a replay also revokes what the first exchange issued.
      await expectOAuthError(
        c.getToken({ code, codeVerifier, redirect_uri: listener.redirectUri }),
        400,
        "invalid_grant",
        "Bad Request",
      );
      assert.equal(
        (await call(emu, "GET", "/v1/projects/demo-data/billingInfo", { token: tokens.access_token })).status,
        401,
      );
      assert.equal(
        emu.requestLog().filter((r) => r.method === "oauth.token" && r.grantType === "authorization_code")
          .length,
        3,
      );
    } finally {
      await listener.close();
    }
  });

  it("PKCE: a missing verifier and a wrong redirect_uri are rejected", async () => {
    const redirectUri = "http://[::1]:5555/cb";
    const c = client(DEMO_CLIENT.id, DEMO_CLIENT.secret, redirectUri);
    const { codeVerifier, codeChallenge } = await c.generateCodeVerifierAsync();
    const authUrl = c.generateAuthUrl({
      access_type: "offline",
      scope: [CB],
      code_challenge: codeChallenge,
      code_challenge_method: CodeChallengeMethod.S256,
    });
    const code = new URL(await answerConsent(authUrl, ALICE, "allow")).searchParams.get("code") ?? "";
    await expectOAuthError(
      c.getToken({ code, redirect_uri: redirectUri }),
      400,
      "invalid_grant",
      "Missing code verifier.",
    );
    await expectOAuthError(
      c.getToken({ code, codeVerifier, redirect_uri: "http://127.0.0.1:5555/cb" }),
      400,
      "redirect_uri_mismatch",
      "Bad Request",
    );
    const { tokens } = await c.getToken({ code, codeVerifier, redirect_uri: redirectUri });
    assert.ok(tokens.refresh_token);
  });

  it("Deny redirects with error=access_denied and the state", async () => {
    const c = client(DEMO_CLIENT.id, DEMO_CLIENT.secret, "http://localhost:9/cb");
    const authUrl = c.generateAuthUrl({ scope: [CB], state: "keep-me" });
    const location = new URL(await answerConsent(authUrl, ALICE, "deny"));
    assert.equal(location.searchParams.get("error"), "access_denied");
    assert.equal(location.searchParams.get("state"), "keep-me");
    assert.equal(location.searchParams.get("code"), null);
  });

  it("parameter errors are shown on the page, never redirected; values are escaped", async () => {
    const cases: Array<[Record<string, string>, number, string]> = [
      [
        {
          client_id: DEMO_CLIENT.id,
          redirect_uri: "urn:ietf:wg:oauth:2.0:oob",
          response_type: "code",
          scope: CB,
        },
        400,
        "invalid_request",
      ],
      [
        {
          client_id: DEMO_CLIENT.id,
          redirect_uri: "https://evil.example.com/cb",
          response_type: "code",
          scope: CB,
        },
        400,
        "redirect_uri_mismatch",
      ],
      [
        { client_id: "nobody", redirect_uri: "http://127.0.0.1:1/cb", response_type: "code", scope: CB },
        401,
        "invalid_client",
      ],
      [
        { client_id: DEMO_CLIENT.id, redirect_uri: "http://127.0.0.1:1/cb", response_type: "code" },
        400,
        "invalid_request",
      ],
      [
        {
          client_id: DEMO_CLIENT.id,
          redirect_uri: "http://127.0.0.1:1/cb",
          response_type: "code",
          scope: "<script>alert(1)</script>",
        },
        400,
        "invalid_scope",
      ],
      [
        {
          client_id: DEMO_CLIENT.id,
          redirect_uri: "http://127.0.0.1:1/cb",
          response_type: "code",
          scope: CB,
          code_challenge_method: "S256",
        },
        400,
        "invalid_request",
      ],
    ];
    for (const [params, status, error] of cases) {
      const res = await fetch(`${emu.oauth.authUrl}?${new URLSearchParams(params)}`, { redirect: "manual" });
      const html = await res.text();
      assert.equal(res.status, status, JSON.stringify(params));
      assert.equal(res.headers.get("location"), null);
      assert.ok(html.includes(`Error ${status}: ${error}`), html);
      assert.ok(!html.includes("<script>"));
    }
  });

  it("autoApproveAs skips the page; tokens expire against the emulator clock", async () => {
    emu.setKnobs({ autoApproveAs: ALICE });
    const c = client(DEMO_CLIENT.id, DEMO_CLIENT.secret, "http://127.0.0.1:7/cb");
    const res = await fetch(c.generateAuthUrl({ scope: [CB], access_type: "offline" }), {
      redirect: "manual",
    });
    assert.equal(res.status, 302);
    const code = new URL(res.headers.get("location") ?? "").searchParams.get("code") ?? "";
    const { tokens } = await c.getToken({ code, redirect_uri: "http://127.0.0.1:7/cb" });
    emu.advanceClock(3600_000);
    assert.equal(
      (await call(emu, "GET", "/v1/projects/demo-data/billingInfo", { token: tokens.access_token ?? "" }))
        .status,
      401,
    );
    const tokeninfo = await fetch(`${emu.oauth.tokenInfoUrl}?access_token=${tokens.access_token}`);
    assert.equal(tokeninfo.status, 400);
  });
});
