// Identity conformance: google-auth-library's own classes (JWT, Impersonated, IdentityPoolClient — clients
// nobody here wrote) against the emulator's JWT-bearer grant, IAM Credentials generateAccessToken and STS
// token exchange; then the exact error bodies with raw HTTP. Keys and OIDC tokens are made at run time.
// A safety net under the loopback guards (tests/support/identities.ts): any request that is not to
// 127.0.0.1 goes to a proxy on a closed local port instead of leaving the machine, so even a regression
// that sent a token to a Google host could not reach Google.
process.env.NO_PROXY = "127.0.0.1,localhost";
process.env.HTTPS_PROXY = "http://127.0.0.1:9";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, it } from "@jest/globals";
import { Gaxios, type GaxiosOptions, type GaxiosResponse } from "gaxios";
import { IdentityPoolClient, Impersonated, JWT, UserRefreshClient } from "google-auth-library";
import type { RunningEmulator } from "../../emulator/src/index";
import {
  ADC_CLIENT_ID,
  ADC_CLIENT_SECRET,
  ALICE_ADC_REFRESH_TOKEN,
  AUDIENCE,
  DEPLOYER,
  PROVIDER,
  REPORTING,
  RETIRED,
  SCOPE_CLOUD_BILLING,
  SCOPE_CLOUD_PLATFORM,
  externalAccountJson,
  generateTestKey,
  githubClaims,
  signJwt,
  trustIssuerKey,
  type TestKey,
} from "../support/identities";
import { CB, DEMO_CLIENT, call, rpcError, withEmulator } from "./helpers/emulatorHarness";

const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";

/**
 * google-auth-library's JWT client posts to Google's token URL, which it hard-codes (gtoken's
 * GOOGLE_TOKEN_URL). This transporter sends that one URL to the emulator and refuses anything else that is
 * not 127.0.0.1, so the test cannot reach Google whatever the library does.
 */
class LoopbackOnly extends Gaxios {
  constructor(private readonly tokenUrl: string) {
    super();
  }
  override request<T = unknown>(opts: GaxiosOptions = {}): Promise<GaxiosResponse<T>> {
    const url = String(opts.url ?? "");
    const target = url === GOOGLE_TOKEN_URL ? this.tokenUrl : url;
    if (new URL(target).hostname !== "127.0.0.1") throw new Error(`refused a request to ${url}`);
    return super.request<T>({ ...opts, url: target });
  }
}

function oauthErrorOf(e: unknown): { status?: number; data?: unknown; message: string } {
  const err = e as { response?: { status?: number; data?: unknown }; message?: string };
  return { status: err.response?.status, data: err.response?.data, message: String(err.message ?? e) };
}

async function rejects(p: Promise<unknown>): Promise<{ status?: number; data?: unknown; message: string }> {
  try {
    await p;
  } catch (e) {
    return oauthErrorOf(e);
  }
  assert.fail("expected a failure");
}

describe("emulator conformance: identities with google-auth-library", () => {
  let emu: RunningEmulator;
  let key: TestKey;
  let dir: string;

  beforeAll(async () => {
    emu = await withEmulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "gbl-identities-"));
  });
  beforeEach(async () => {
    await emu.reset();
    key = generateTestKey();
  });
  afterAll(async () => {
    await emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function jwtClient(email: string, keyId: string, signingKey = key): JWT {
    return new JWT({
      email,
      key: signingKey.privateKeyPem,
      keyId,
      scopes: [SCOPE_CLOUD_BILLING],
      transporter: new LoopbackOnly(emu.oauth.tokenUrl),
    });
  }

  function aliceAdc(): UserRefreshClient {
    return new UserRefreshClient({
      clientId: ADC_CLIENT_ID,
      clientSecret: ADC_CLIENT_SECRET,
      refreshToken: ALICE_ADC_REFRESH_TOKEN,
      endpoints: { oauth2TokenUrl: emu.oauth.tokenUrl },
    });
  }

  function impersonating(target: string, sourceClient = aliceAdc()): Impersonated {
    return new Impersonated({
      sourceClient,
      targetPrincipal: target,
      targetScopes: [SCOPE_CLOUD_BILLING],
      lifetime: 600,
      endpoint: emu.iamCredentialsRoot.replace(/\/$/, ""),
    });
  }

  function subjectTokenFile(claims: Record<string, unknown>): string {
    const file = path.join(dir, `oidc-${Math.random().toString(36).slice(2)}.jwt`);
    fs.writeFileSync(file, signJwt(key, claims));
    return file;
  }

  function poolClient(claims: Record<string, unknown>, serviceAccount?: string): IdentityPoolClient {
    trustIssuerKey(emu, key);
    const json = externalAccountJson(emu, subjectTokenFile(claims), serviceAccount) as Record<
      string,
      unknown
    >;
    return new IdentityPoolClient({ ...json, scopes: [SCOPE_CLOUD_BILLING] } as never);
  }

  async function billingInfoAs(token: string | null | undefined): Promise<number> {
    return (await call(emu, "GET", "/v1/projects/demo-app-prod/billingInfo", { token: token ?? "" })).status;
  }

  describe("JWT-bearer grant (service account keys)", () => {
    it("JWT gets a token for the account that signed, usable on the Cloud Billing API", async () => {
      const keyId = emu.addServiceAccountKey(DEPLOYER, key.publicKeyPem);
      const { token } = await jwtClient(DEPLOYER, keyId).getAccessToken();
      assert.ok(token?.startsWith("ya29."));
      assert.equal(await billingInfoAs(token), 200);
      const grant = emu.requestLog().find((e) => e.method === "oauth.token");
      assert.equal(grant?.grantType, "urn:ietf:params:oauth:grant-type:jwt-bearer");
      assert.equal(grant?.principal, DEPLOYER);
      assert.equal(emu.requestLog().at(-1)?.principal, DEPLOYER);
    });

    it("refuses an unknown account, a key it does not hold and a disabled account, as Google words it", async () => {
      const keyId = emu.addServiceAccountKey(DEPLOYER, key.publicKeyPem);
      const unknown = await rejects(
        jwtClient("nobody-here@quota-home.iam.gserviceaccount.com", keyId).getAccessToken(),
      );
      assert.deepEqual(unknown.data, {
        error: "invalid_grant",
        error_description: "Invalid grant: account not found",
      });
      const stranger = generateTestKey();
      const forged = await rejects(jwtClient(DEPLOYER, keyId, stranger).getAccessToken());
      assert.deepEqual(forged.data, { error: "invalid_grant", error_description: "Invalid JWT Signature." });
      const retiredKey = emu.addServiceAccountKey(RETIRED, key.publicKeyPem);
      const disabled = await rejects(jwtClient(RETIRED, retiredKey).getAccessToken());
      assert.deepEqual(disabled.data, { error: "invalid_grant", error_description: "Robot is disabled." });
      assert.equal(disabled.status, 400);
    });

    it("a disabled account's existing tokens stop working, and work again once it is enabled", async () => {
      const keyId = emu.addServiceAccountKey(DEPLOYER, key.publicKeyPem);
      const { token } = await jwtClient(DEPLOYER, keyId).getAccessToken();
      emu.setServiceAccountDisabled(DEPLOYER, true);
      assert.equal(await billingInfoAs(token), 401);
      emu.setServiceAccountDisabled(DEPLOYER, false);
      assert.equal(await billingInfoAs(token), 200);
    });
  });

  describe("IAM Credentials generateAccessToken (impersonation)", () => {
    it("Impersonated with user credentials as the source gets a token for the service account", async () => {
      const client = impersonating(DEPLOYER);
      const { token } = await client.getAccessToken();
      assert.equal(await billingInfoAs(token), 200);
      const minted = emu.requestLog().find((e) => e.method === "iamcredentials.generateAccessToken");
      assert.equal(minted?.principal, "alice@example.com", "the caller is the source identity");
      assert.equal(minted?.status, 200);
      assert.equal(emu.requestLog().at(-1)?.principal, DEPLOYER, "the API sees the service account");
    });

    it("answers a caller without token creator with Google's 403 IAM_PERMISSION_DENIED body", async () => {
      const failure = await rejects(impersonating(REPORTING).getAccessToken());
      assert.match(failure.message, /Permission 'iam\.serviceAccounts\.getAccessToken' denied on resource/);
      const source = await aliceAdc().getAccessToken();
      const raw = await call(emu, "POST", `/v1/projects/-/serviceAccounts/${REPORTING}:generateAccessToken`, {
        token: source.token ?? "",
        body: { scope: [CB] },
      });
      assert.equal(raw.status, 403);
      assert.deepEqual(raw.json, {
        error: {
          code: 403,
          message:
            "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).",
          status: "PERMISSION_DENIED",
          details: [
            {
              "@type": "type.googleapis.com/google.rpc.ErrorInfo",
              reason: "IAM_PERMISSION_DENIED",
              domain: "iam.googleapis.com",
              metadata: { permission: "iam.serviceAccounts.getAccessToken" },
            },
          ],
        },
      });
    });

    it("a missing account looks exactly like a denied one", async () => {
      const source = await aliceAdc().getAccessToken();
      const missing = await call(
        emu,
        "POST",
        "/v1/projects/-/serviceAccounts/ghost-account@quota-home.iam.gserviceaccount.com:generateAccessToken",
        { token: source.token ?? "", body: { scope: [CB] } },
      );
      const denied = await call(
        emu,
        "POST",
        `/v1/projects/-/serviceAccounts/${REPORTING}:generateAccessToken`,
        {
          token: source.token ?? "",
          body: { scope: [CB] },
        },
      );
      assert.equal(missing.status, 403);
      assert.deepEqual(missing.json, denied.json);
    });

    it("a disabled account answers 400 FAILED_PRECONDITION even to a token creator", async () => {
      const failure = await rejects(impersonating(RETIRED).getAccessToken());
      assert.match(failure.message, /FAILED_PRECONDITION/);
      const entry = emu.requestLog().find((e) => e.method === "iamcredentials.generateAccessToken");
      assert.equal(entry?.status, 400);
    });

    it("the source token needs cloud-platform (or iam): a cloud-billing token gets 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT", async () => {
      const narrow = new UserRefreshClient({
        clientId: DEMO_CLIENT.id,
        clientSecret: DEMO_CLIENT.secret,
        refreshToken: "emu-rt-alice-cloud-billing",
        endpoints: { oauth2TokenUrl: emu.oauth.tokenUrl },
      });
      await rejects(impersonating(DEPLOYER, narrow).getAccessToken());
      const entry = emu.requestLog().find((e) => e.method === "iamcredentials.generateAccessToken");
      assert.equal(entry?.status, 403);
      const { token } = await narrow.getAccessToken();
      const raw = await call(emu, "POST", `/v1/projects/-/serviceAccounts/${DEPLOYER}:generateAccessToken`, {
        token: token ?? "",
        body: { scope: [CB] },
      });
      const info = (rpcError(raw).details as Array<{ reason?: string }> | undefined)?.[0];
      assert.equal(info?.reason, "ACCESS_TOKEN_SCOPE_INSUFFICIENT");
    });

    it("honours the requested lifetime, caps it at 3600 s and needs the - project wildcard", async () => {
      const source = (await aliceAdc().getAccessToken()).token ?? "";
      const ok = await call(emu, "POST", `/v1/projects/-/serviceAccounts/${DEPLOYER}:generateAccessToken`, {
        token: source,
        body: { scope: [CB], lifetime: "300s" },
      });
      assert.equal(ok.status, 200);
      const expireTime = Date.parse(String(ok.json?.expireTime));
      assert.ok(Math.abs(expireTime - (Date.now() + 300_000)) < 5_000, "expireTime is 300 s away (RFC 3339)");
      const long = await call(emu, "POST", `/v1/projects/-/serviceAccounts/${DEPLOYER}:generateAccessToken`, {
        token: source,
        body: { scope: [CB], lifetime: "7200s" },
      });
      assert.equal(long.status, 400);
      const project = await call(
        emu,
        "POST",
        `/v1/projects/quota-home/serviceAccounts/${DEPLOYER}:generateAccessToken`,
        {
          token: source,
          body: { scope: [CB] },
        },
      );
      assert.equal(project.status, 400);
    });

    it("walks a delegation chain: each hop needs token creator on the next", async () => {
      const source = (await aliceAdc().getAccessToken()).token ?? "";
      const viaDeployer = await call(
        emu,
        "POST",
        `/v1/projects/-/serviceAccounts/${REPORTING}:generateAccessToken`,
        {
          token: source,
          body: { scope: [CB], delegates: [`projects/-/serviceAccounts/${DEPLOYER}`] },
        },
      );
      assert.equal(viaDeployer.status, 403, "deployer holds no token creator on reporting");
      const detail = (rpcError(viaDeployer).details as Array<{ metadata?: { permission?: string } }>)[0];
      assert.equal(detail.metadata?.permission, "iam.serviceAccounts.getAccessToken");
    });
  });

  describe("STS token exchange (workload identity federation)", () => {
    it("IdentityPoolClient with a file-sourced OIDC token gets a federated token the API accepts directly", async () => {
      const client = poolClient(githubClaims("acme/infra"));
      const { token } = await client.getAccessToken();
      assert.equal(await billingInfoAs(token), 200);
      const exchange = emu.requestLog().find((e) => e.method === "sts.token");
      assert.equal(exchange?.status, 200);
      assert.equal(
        exchange?.principal,
        `principal://iam.googleapis.com/${PROVIDER.split("/providers/")[0]}/subject/repo:acme/infra:ref:refs/heads/main`,
      );
    });

    it("with service_account_impersonation_url the federated token impersonates the service account", async () => {
      const client = poolClient(githubClaims("acme/infra"), DEPLOYER);
      const { token } = await client.getAccessToken();
      assert.equal(await billingInfoAs(token), 200);
      const methods = emu.requestLog().map((e) => `${e.method} ${e.status}`);
      assert.deepEqual(methods, [
        "sts.token 200",
        "iamcredentials.generateAccessToken 200",
        "projects.getBillingInfo 200",
      ]);
      assert.equal(emu.requestLog().at(-1)?.principal, DEPLOYER);
    });

    it("a repository the pool admits but the service account does not trust is denied at generateAccessToken", async () => {
      const client = poolClient(githubClaims("acme/website"), DEPLOYER);
      const failure = await rejects(client.getAccessToken());
      assert.match(failure.message, /iam\.serviceAccounts\.getAccessToken/);
      assert.deepEqual(
        emu.requestLog().map((e) => `${e.method} ${e.status}`),
        ["sts.token 200", "iamcredentials.generateAccessToken 403"],
      );
    });

    it("the attribute condition rejects another owner's repository: unauthorized_client", async () => {
      const failure = await rejects(poolClient(githubClaims("evil/fork")).getAccessToken());
      assert.match(
        failure.message,
        /unauthorized_client: The given credential is rejected by the attribute condition\./,
      );
    });

    it("an expired OIDC token is stale; the federated token never outlives the subject token", async () => {
      const expired = await rejects(poolClient(githubClaims("acme/infra", -30)).getAccessToken());
      assert.match(expired.message, /invalid_grant: ID Token issued at [0-9]+ is stale to sign-in\./);
      const shortLived = poolClient(githubClaims("acme/infra", 120));
      const { res } = await shortLived.getAccessToken();
      const expiresIn = Number((res?.data as { expires_in?: number } | undefined)?.expires_in);
      assert.ok(expiresIn > 100 && expiresIn <= 120, `expires_in ${expiresIn} follows the subject token`);
    });

    it("checks issuer, signature and audience, and names an unknown provider invalid_target (raw bodies)", async () => {
      trustIssuerKey(emu, key);
      const exchange = (subjectToken: string, audience = AUDIENCE) =>
        fetch(emu.stsTokenUrl, {
          method: "POST",
          body: new URLSearchParams({
            grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
            requested_token_type: "urn:ietf:params:oauth:token-type:access_token",
            subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
            scope: SCOPE_CLOUD_PLATFORM,
            audience,
            subject_token: subjectToken,
          }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, string> }));
      const issuer = await exchange(
        signJwt(key, { ...githubClaims("acme/infra"), iss: "https://other.example" }),
      );
      assert.equal(issuer.body.error, "invalid_grant");
      assert.match(
        issuer.body.error_description,
        /^The issuer in ID Token https:\/\/other\.example does not match/,
      );
      const forged = await exchange(signJwt(generateTestKey(), githubClaims("acme/infra")));
      assert.equal(forged.body.error, "invalid_grant");
      const audience = await exchange(
        signJwt(key, { ...githubClaims("acme/infra"), aud: "https://elsewhere" }),
      );
      assert.match(audience.body.error_description, /^The audience in ID Token \[https:\/\/elsewhere\]/);
      const unknown = await exchange(
        signJwt(key, githubClaims("acme/infra")),
        AUDIENCE.replace("ci-pool", "no-pool"),
      );
      assert.deepEqual([unknown.status, unknown.body.error], [400, "invalid_target"]);
    });

    it("accepts the camelCase JSON body google-github-actions/auth sends", async () => {
      trustIssuerKey(emu, key);
      const res = await fetch(emu.stsTokenUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          audience: AUDIENCE,
          grantType: "urn:ietf:params:oauth:grant-type:token-exchange",
          requestedTokenType: "urn:ietf:params:oauth:token-type:access_token",
          scope: SCOPE_CLOUD_PLATFORM,
          subjectTokenType: "urn:ietf:params:oauth:token-type:jwt",
          subjectToken: signJwt(key, githubClaims("acme/infra")),
        }),
      });
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(res.status, 200);
      assert.equal(body.issued_token_type, "urn:ietf:params:oauth:token-type:access_token");
      assert.equal(body.token_type, "Bearer");
    });
  });

  it("the operator routes register keys, trust an issuer and disable an account over HTTP", async () => {
    const post = (route: string, body: unknown) =>
      fetch(`${emu.controlUrl}${route}`, { method: "POST", body: JSON.stringify(body) }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as Record<string, unknown>,
      }));
    const registered = await post(`/serviceAccounts/${DEPLOYER}/keys`, { publicKeyPem: key.publicKeyPem });
    assert.match(String(registered.body.keyId), /^[0-9a-f]{40}$/);
    assert.equal(
      (
        await post("/serviceAccounts/nobody@x.iam.gserviceaccount.com/keys", {
          publicKeyPem: key.publicKeyPem,
        })
      ).status,
      400,
    );
    assert.equal((await post("/oidc/jwks", { provider: PROVIDER, jwks: { keys: [] } })).status, 200);
    assert.equal((await post(`/serviceAccounts/${DEPLOYER}/state`, { disabled: true })).status, 200);
    const { token } = await jwtClient(DEPLOYER, String(registered.body.keyId))
      .getAccessToken()
      .catch(() => ({ token: null }));
    assert.equal(token, null, "a disabled account gets no token");
  });
});
