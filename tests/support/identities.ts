// Test identities for impersonation and workload identity federation: RSA keys generated at run time
// (no private key is ever committed), OIDC tokens the tests sign themselves, and credential files in
// Google's formats whose every URL is the emulator's. assertLoopbackOnly() guards each file written, so a
// test can never send a token to Google.
import { createPublicKey, createSign, generateKeyPairSync, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { RunningEmulator } from "../../emulator/src";

export const DEPLOYER = "deployer@quota-home.iam.gserviceaccount.com";
export const REPORTING = "reporting@quota-home.iam.gserviceaccount.com";
export const RETIRED = "retired@quota-home.iam.gserviceaccount.com";
export const POOL = "projects/100000000009/locations/global/workloadIdentityPools/ci-pool";
export const PROVIDER = `${POOL}/providers/github-actions`;
export const AUDIENCE = `//iam.googleapis.com/${PROVIDER}`;
export const ISSUER = "https://token.actions.githubusercontent.com";
export const SCOPE_CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";
export const SCOPE_CLOUD_BILLING = "https://www.googleapis.com/auth/cloud-billing";
/** alice's refresh token from gcloud's ADC client (cloud-platform), the source of an ADC impersonation file. */
export const ALICE_ADC_REFRESH_TOKEN = "emu-rt-alice-adc";
export const ADC_CLIENT_ID = "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com";
export const ADC_CLIENT_SECRET = "gcloud-adc-secret-not-a-real-secret";

export interface TestKey {
  privateKeyPem: string;
  publicKeyPem: string;
  kid: string;
}

export function generateTestKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    kid: randomBytes(8).toString("hex"),
  };
}

/** A compact RS256 JWS (RFC 7515), as an OIDC issuer would sign its ID tokens. */
export function signJwt(key: TestKey, claims: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${part({ alg: "RS256", typ: "JWT", kid: key.kid })}.${part(claims)}`;
  return `${input}.${createSign("RSA-SHA256").update(input).sign(key.privateKeyPem).toString("base64url")}`;
}

/** Claims shaped like a GitHub Actions OIDC token for `repository`; `expiresInSeconds` may be negative. */
export function githubClaims(repository: string, expiresInSeconds = 300): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: ISSUER,
    aud: `https://iam.googleapis.com/${PROVIDER}`,
    sub: `repo:${repository}:ref:refs/heads/main`,
    repository,
    repository_owner: repository.split("/")[0],
    ref: "refs/heads/main",
    iat: now - 60,
    nbf: now - 60,
    exp: now + expiresInSeconds,
  };
}

/** Makes the emulator's GitHub-shaped provider trust `key` (as uploading a JWKS does on Google). */
export function trustIssuerKey(emulator: RunningEmulator, key: TestKey): void {
  const jwk = createPublicKey(key.publicKeyPem).export({ format: "jwk" });
  emulator.setOidcProviderJwks(PROVIDER, {
    keys: [{ ...jwk, kty: "RSA", n: String(jwk.n), e: String(jwk.e), kid: key.kid }],
  });
}

/** Throws unless every URL in a credentials JSON points at 127.0.0.1 (the guard against calling Google). */
export function assertLoopbackOnly(json: unknown, where = "credentials"): void {
  if (typeof json === "string") {
    if (/^https?:\/\//i.test(json) && new URL(json).hostname !== "127.0.0.1")
      throw new Error(`${where} names a URL that is not 127.0.0.1: tests must never reach Google`);
    return;
  }
  if (typeof json === "object" && json !== null)
    for (const [k, v] of Object.entries(json)) assertLoopbackOnly(v, `${where}.${k}`);
}

/** Writes a credentials JSON (0600) after the loopback guard; returns its path. */
export function writeJsonFile(dir: string, prefix: string, json: object): string {
  assertLoopbackOnly(json);
  const file = path.join(dir, `${prefix}-${randomBytes(4).toString("hex")}.json`);
  fs.writeFileSync(file, JSON.stringify(json, null, 2), { mode: 0o600 });
  return file;
}

export function impersonationUrl(emulator: RunningEmulator, serviceAccount: string): string {
  return `${emulator.iamCredentialsRoot}v1/projects/-/serviceAccounts/${serviceAccount}:generateAccessToken`;
}

/** A service account key file as the console downloads it, with the emulator as token_uri. */
export function serviceAccountKeyJson(
  emulator: RunningEmulator,
  email: string,
  key: TestKey,
  keyId: string,
): object {
  return {
    type: "service_account",
    project_id: "quota-home",
    private_key_id: keyId,
    private_key: key.privateKeyPem,
    client_email: email,
    client_id: "100000000000000000001",
    token_uri: emulator.oauth.tokenUrl,
  };
}

/** What `gcloud auth application-default login --impersonate-service-account` writes. */
export function impersonatedAdcJson(
  emulator: RunningEmulator,
  serviceAccount: string,
  refreshToken = ALICE_ADC_REFRESH_TOKEN,
): object {
  return {
    type: "impersonated_service_account",
    service_account_impersonation_url: impersonationUrl(emulator, serviceAccount),
    delegates: [],
    source_credentials: {
      type: "authorized_user",
      client_id: ADC_CLIENT_ID,
      client_secret: ADC_CLIENT_SECRET,
      refresh_token: refreshToken,
    },
  };
}

/** A file-sourced external_account configuration (what `gcloud iam workload-identity-pools create-cred-config` writes). */
export function externalAccountJson(
  emulator: RunningEmulator,
  subjectTokenFile: string,
  serviceAccount?: string,
): object {
  return {
    type: "external_account",
    audience: AUDIENCE,
    subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
    token_url: emulator.stsTokenUrl,
    credential_source: { file: subjectTokenFile, format: { type: "text" } },
    ...(serviceAccount
      ? { service_account_impersonation_url: impersonationUrl(emulator, serviceAccount) }
      : {}),
  };
}
