// Credential files of every kind, resolved offline: what each parses to, the errors that name a field or
// a setting (never a value), the impersonation wrapper, and which URLs a file may send tokens to.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { describe, it } from "@jest/globals";
import { describe as describeCredential, resolveCredentials, secretsOf } from "../../sdk/src/credentials";
import { checkedFileUrl, isGoogleEndpoint } from "../../sdk/src/endpointPolicy";
import { overriddenEndpoints, resolveEndpoints } from "../../sdk/src/endpoints";
import { CredentialsError } from "../../sdk/src/errors";

const SECRET = `unit-secret-${Math.random().toString(36).slice(2)}`;
const PEM = `-----BEGIN PRIVATE KEY-----\n${SECRET}\n-----END PRIVATE KEY-----\n`;
const SA = "deployer@my-project.iam.gserviceaccount.com";
const AUDIENCE =
  "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/ci/providers/github";

function fromEnv(json: unknown, extra: NodeJS.ProcessEnv = {}): ReturnType<typeof resolveCredentials> {
  return resolveCredentials({ env: { GOOGLE_CREDENTIALS: JSON.stringify(json), ...extra } });
}

function refused(fn: () => unknown, want: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CredentialsError, String(e));
    assert.match(e.message, want);
    const all = `${e.message}\n${e.hint}\n${JSON.stringify(e)}\n${inspect(e)}`;
    assert.equal(all.includes(SECRET), false, "a secret reached the error");
    return true;
  });
}

const authorizedUser = {
  type: "authorized_user",
  client_id: "c",
  client_secret: SECRET,
  refresh_token: `1//${SECRET}`,
};
const serviceAccount = {
  type: "service_account",
  client_email: SA,
  private_key: PEM,
  private_key_id: "abc123",
  token_uri: "https://oauth2.googleapis.com/token",
};
const external = {
  type: "external_account",
  audience: AUDIENCE,
  subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
  token_url: "https://sts.googleapis.com/v1/token",
  credential_source: {
    url: "https://pipelines.actions.example/idtoken",
    headers: { Authorization: `Bearer ${SECRET}` },
    format: { type: "json", subject_token_field_name: "value" },
  },
  service_account_impersonation_url: `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${SA}:generateAccessToken`,
};

describe("each kind resolves, describes itself and lists its secrets", () => {
  it("service_account: the key's account is the principal; the private key is a secret", () => {
    const c = fromEnv(serviceAccount);
    assert.equal(c.kind, "service_account");
    assert.deepEqual(describeCredential(c), {
      source: "GOOGLE_CREDENTIALS",
      kind: "service_account",
      principal: SA,
    });
    assert.deepEqual(secretsOf(c), [PEM]);
  });

  it("impersonated_service_account (gcloud's ADC): the target is the principal, the source's secrets are secrets", () => {
    const c = fromEnv({
      type: "impersonated_service_account",
      service_account_impersonation_url: `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${SA}:generateAccessToken`,
      source_credentials: authorizedUser,
      delegates: ["first@my-project.iam.gserviceaccount.com"],
    });
    assert.equal(c.kind, "impersonated_service_account");
    assert.ok(c.kind === "impersonated_service_account" && c.via.kind === "authorized_user");
    assert.deepEqual(c.kind === "impersonated_service_account" && c.delegates, [
      "projects/-/serviceAccounts/first@my-project.iam.gserviceaccount.com",
    ]);
    assert.deepEqual(describeCredential(c), {
      source: "GOOGLE_CREDENTIALS",
      kind: "impersonated_service_account",
      principal: SA,
      sourceKind: "authorized_user",
    });
    assert.deepEqual(secretsOf(c), [`1//${SECRET}`, SECRET]);
  });

  it("external_account (google-github-actions/auth's url-sourced file): the request token is a secret", () => {
    const c = fromEnv(external);
    assert.deepEqual(describeCredential(c), {
      source: "GOOGLE_CREDENTIALS",
      kind: "external_account",
      workloadIdentityProvider: "projects/123/locations/global/workloadIdentityPools/ci/providers/github",
      principal: SA,
    });
    assert.ok(secretsOf(c).includes(SECRET) && secretsOf(c).includes(`Bearer ${SECRET}`));
  });

  it("impersonateServiceAccount wraps whatever resolved; the option wins over GOOGLE_IMPERSONATE_SERVICE_ACCOUNT", () => {
    const env = {
      GOOGLE_OAUTH_ACCESS_TOKEN: `ya29.${SECRET}`,
      GOOGLE_IMPERSONATE_SERVICE_ACCOUNT: "env@p.iam.gserviceaccount.com",
    };
    const fromEnvVar = resolveCredentials({ env });
    assert.deepEqual(describeCredential(fromEnvVar), {
      source: "GOOGLE_OAUTH_ACCESS_TOKEN",
      kind: "impersonated_service_account",
      principal: "env@p.iam.gserviceaccount.com",
      sourceKind: "access_token",
    });
    const fromOption = resolveCredentials({ env, credentials: { impersonateServiceAccount: SA } });
    assert.equal(describeCredential(fromOption).principal, SA);
    refused(
      () =>
        resolveCredentials({
          env,
          credentials: {
            impersonateServiceAccount: "nope",
            names: { impersonateServiceAccount: "gcp-billing:impersonateServiceAccount" },
          },
        }),
      /^gcp-billing:impersonateServiceAccount is not a service account email\./,
    );
  });
});

describe("malformed files name the field and the source, never a value", () => {
  const cases: Array<[string, unknown, RegExp]> = [
    [
      "a key without a PEM private key",
      { ...serviceAccount, private_key: SECRET },
      /GOOGLE_CREDENTIALS is missing or has an invalid private_key field/,
    ],
    [
      "a key for another universe",
      { ...serviceAccount, universe_domain: "example.com" },
      /is for universe domain "example\.com"/,
    ],
    [
      "an impersonation URL that is not generateAccessToken",
      {
        type: "impersonated_service_account",
        service_account_impersonation_url: "https://iamcredentials.googleapis.com/v1/x",
        source_credentials: authorizedUser,
      },
      /not an IAM Credentials generateAccessToken URL/,
    ],
    [
      "nested impersonation",
      {
        type: "impersonated_service_account",
        service_account_impersonation_url: external.service_account_impersonation_url,
        source_credentials: { type: "impersonated_service_account" },
      },
      /impersonates through another impersonation/,
    ],
    [
      "a bad source credential, named as nested",
      {
        type: "impersonated_service_account",
        service_account_impersonation_url: external.service_account_impersonation_url,
        source_credentials: { ...authorizedUser, refresh_token: "" },
      },
      /^source_credentials in GOOGLE_CREDENTIALS is missing or has an invalid refresh_token field/,
    ],
    [
      "an AWS source",
      { ...external, credential_source: { environment_id: "aws1", regional_cred_verification_url: SECRET } },
      /uses an AWS credential source \(environment_id\)/,
    ],
    [
      "an executable source",
      { ...external, credential_source: { executable: { command: SECRET } } },
      /uses an executable credential source/,
    ],
    [
      "both file and url",
      { ...external, credential_source: { file: "/x", url: "https://x.example/" } },
      /neither or both of file and url/,
    ],
    [
      "json format without the field name",
      { ...external, credential_source: { file: "/x", format: { type: "json" } } },
      /invalid credential_source\.format\.subject_token_field_name field/,
    ],
    [
      "an unknown type",
      { type: "external_account_authorized_user", refresh_token: SECRET },
      /type "external_account_authorized_user"; supported types are/,
    ],
  ];
  for (const [name, json, want] of cases) it(name, () => refused(() => fromEnv(json), want));
});

describe("where a file may send tokens (endpointPolicy.ts)", () => {
  it("knows Google's hosts for each service, https only", () => {
    for (const url of [
      "https://sts.googleapis.com/v1/token",
      "https://sts.us-east1.googleapis.com/v1/token",
      "https://sts-psc1.p.googleapis.com/v1/token",
    ])
      assert.equal(isGoogleEndpoint(url, "sts"), true, url);
    for (const url of [
      "http://sts.googleapis.com/v1/token",
      "https://sts.googleapis.com.evil.example/",
      "https://evil.example/sts.googleapis.com",
      "https://iamcredentials.googleapis.com/",
    ])
      assert.equal(isGoogleEndpoint(url, "sts"), false, url);
    assert.equal(isGoogleEndpoint("https://accounts.google.com/o/oauth2/token", "oauth2"), true);
    assert.equal(isGoogleEndpoint("https://oauth2.googleapis.com/token", "iamcredentials"), false);
  });

  it("refuses another host, naming the field, the file and the setting, showing only the origin", () => {
    refused(
      () =>
        checkedFileUrl(
          { url: `https://evil.example/steal?x=${SECRET}`, field: "token_url", where: "The file named by X" },
          "sts",
        ),
      /^token_url in the file named by X points at https:\/\/evil\.example, which is not a Google sts endpoint\.$/,
    );
  });

  it("knows which endpoints were set explicitly (only those may take a file's tokens elsewhere)", () => {
    const overridden = overriddenEndpoints(
      { stsTokenUrl: "http://127.0.0.1:1/v1/token" },
      { GCP_BILLING_LINK_IAM_CREDENTIALS_URL: "http://127.0.0.1:1" },
    );
    assert.deepEqual([...overridden].sort(), ["iamCredentialsUrl", "stsTokenUrl"]);
    assert.equal(
      resolveEndpoints({}, { GCP_BILLING_LINK_IAM_CREDENTIALS_URL: "http://127.0.0.1:1" }).iamCredentialsUrl,
      "http://127.0.0.1:1/",
    );
  });
});
