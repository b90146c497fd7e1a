import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, describe, it } from "@jest/globals";
import { describe as describeCredential, gcloudAdcPath, resolveCredentials } from "../../sdk/src/credentials";
import { resolveEndpoints } from "../../sdk/src/endpoints";
import { CredentialsError } from "../../sdk/src/errors";

const dir = mkdtempSync(join(tmpdir(), "sdk-creds-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function authorizedUser(tag: string, quota?: string): string {
  return JSON.stringify({
    type: "authorized_user",
    client_id: `client-${tag}`,
    client_secret: `secret-${tag}-value`,
    refresh_token: `rt-${tag}-value`,
    ...(quota ? { quota_project_id: quota } : {}),
  });
}

const gcloudDir = join(dir, "gcloud");
const adcDir = join(dir, "adc");
const fileCreds = join(dir, "gac.json");
const optFile = join(dir, "opt.json");
writeFileSync(fileCreds, authorizedUser("gac", "quota-from-gac"));
writeFileSync(optFile, authorizedUser("optfile"));
mkdirSync(adcDir);
writeFileSync(join(adcDir, "application_default_credentials.json"), authorizedUser("adc", "quota-from-adc"));
mkdirSync(gcloudDir);

/** Every source set; tests delete from the top to check each level of the order. */
function fullEnv(): NodeJS.ProcessEnv {
  return {
    GOOGLE_OAUTH_ACCESS_TOKEN: "at-from-env-0123456789",
    GOOGLE_CREDENTIALS: authorizedUser("gcreds"),
    GOOGLE_APPLICATION_CREDENTIALS: fileCreds,
    CLOUDSDK_CONFIG: adcDir,
    HOME: join(dir, "home-does-not-exist"),
  };
}

describe("credential resolution order", () => {
  it("explicit access token beats every env source", () => {
    const c = resolveCredentials({ credentials: { accessToken: "explicit-at-123456" }, env: fullEnv() });
    assert.deepEqual([c.source, c.kind], ["options", "access_token"]);
  });
  it("explicit refresh token + client", () => {
    const c = resolveCredentials({
      credentials: { refreshToken: "rt-explicit", clientId: "cid", clientSecret: "csecret" },
      env: fullEnv(),
    });
    assert.deepEqual([c.source, c.kind], ["options", "refresh_token"]);
  });
  it("explicit credentialsJson and credentialsFile", () => {
    const a = resolveCredentials({
      credentials: { credentialsJson: authorizedUser("optjson") },
      env: fullEnv(),
    });
    assert.deepEqual(
      [a.source, a.kind, a.kind === "authorized_user" && a.clientId],
      ["options", "authorized_user", "client-optjson"],
    );
    const b = resolveCredentials({ credentials: { credentialsFile: optFile }, env: fullEnv() });
    assert.equal(b.kind === "authorized_user" && b.clientId, "client-optfile");
  });
  it("then GOOGLE_OAUTH_ACCESS_TOKEN", () => {
    const c = resolveCredentials({ env: fullEnv() });
    assert.deepEqual([c.source, c.kind], ["GOOGLE_OAUTH_ACCESS_TOKEN", "access_token"]);
  });
  it("then GOOGLE_CREDENTIALS (contents)", () => {
    const env = fullEnv();
    delete env.GOOGLE_OAUTH_ACCESS_TOKEN;
    const c = resolveCredentials({ env });
    assert.deepEqual(
      [c.source, c.kind, c.kind === "authorized_user" && c.clientId],
      ["GOOGLE_CREDENTIALS", "authorized_user", "client-gcreds"],
    );
  });
  it("then GOOGLE_APPLICATION_CREDENTIALS (file), with its quota project", () => {
    const env = fullEnv();
    delete env.GOOGLE_OAUTH_ACCESS_TOKEN;
    delete env.GOOGLE_CREDENTIALS;
    const c = resolveCredentials({ env });
    assert.deepEqual([c.source, c.quotaProject], ["GOOGLE_APPLICATION_CREDENTIALS", "quota-from-gac"]);
  });
  it("then gcloud ADC under CLOUDSDK_CONFIG", () => {
    const env = fullEnv();
    delete env.GOOGLE_OAUTH_ACCESS_TOKEN;
    delete env.GOOGLE_CREDENTIALS;
    delete env.GOOGLE_APPLICATION_CREDENTIALS;
    const c = resolveCredentials({ env });
    assert.deepEqual([c.source, c.quotaProject], ["gcloud-adc", "quota-from-adc"]);
  });
  it("gcloud ADC under $HOME/.config/gcloud when CLOUDSDK_CONFIG is unset", () => {
    assert.equal(
      gcloudAdcPath({ HOME: "/h" }),
      join("/h", ".config", "gcloud", "application_default_credentials.json"),
    );
    assert.equal(
      gcloudAdcPath({ CLOUDSDK_CONFIG: "/c", HOME: "/h" }),
      join("/c", "application_default_credentials.json"),
    );
  });
  it("nothing found: CredentialsError with the login hint", () => {
    assert.throws(
      () => resolveCredentials({ env: { CLOUDSDK_CONFIG: gcloudDir, HOME: gcloudDir } }),
      (e: unknown) =>
        e instanceof CredentialsError &&
        /No Google credentials found/.test(e.message) &&
        /gcp-billing-link login/.test(e.hint ?? ""),
    );
  });
});

describe("quota project precedence", () => {
  const env = (): NodeJS.ProcessEnv => ({ GOOGLE_APPLICATION_CREDENTIALS: fileCreds, HOME: gcloudDir });
  it("explicit option wins", () => {
    const c = resolveCredentials({
      quotaProject: "explicit-qp",
      env: { ...env(), GOOGLE_CLOUD_QUOTA_PROJECT: "env-qp" },
    });
    assert.equal(c.quotaProject, "explicit-qp");
  });
  it("GOOGLE_CLOUD_QUOTA_PROJECT beats the file", () => {
    const c = resolveCredentials({ env: { ...env(), GOOGLE_CLOUD_QUOTA_PROJECT: "env-qp" } });
    assert.equal(c.quotaProject, "env-qp");
  });
  it("the file's quota_project_id last", () => {
    assert.equal(resolveCredentials({ env: env() }).quotaProject, "quota-from-gac");
  });
  it("applies to static tokens too", () => {
    const c = resolveCredentials({
      env: { GOOGLE_OAUTH_ACCESS_TOKEN: "at-1234567", GOOGLE_CLOUD_QUOTA_PROJECT: "env-qp" },
    });
    assert.equal(c.quotaProject, "env-qp");
  });
});

describe("static access tokens", () => {
  it("surrounding whitespace is trimmed, from options and from the environment", () => {
    const fromOptions = resolveCredentials({ credentials: { accessToken: " ya29.abc-123\n" }, env: {} });
    assert.equal(fromOptions.kind === "access_token" && fromOptions.accessToken, "ya29.abc-123");
    const fromEnv = resolveCredentials({ env: { GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.abc-123\n" } });
    assert.equal(fromEnv.kind === "access_token" && fromEnv.accessToken, "ya29.abc-123");
  });
});

describe("bad credentials name the problem, never a value", () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      "refresh token without client",
      () => resolveCredentials({ credentials: { refreshToken: "rt-lonely-secret" }, env: {} }),
      /needs clientId and clientSecret/,
    ],
    [
      "invalid JSON",
      () => resolveCredentials({ env: { GOOGLE_CREDENTIALS: "{not json rt-lonely-secret" } }),
      /GOOGLE_CREDENTIALS is not valid JSON/,
    ],
    [
      "service account key without client_email and with a private_key that is not a PEM key",
      () =>
        resolveCredentials({
          env: {
            GOOGLE_CREDENTIALS: JSON.stringify({ type: "service_account", private_key: "rt-lonely-secret" }),
          },
        }),
      /GOOGLE_CREDENTIALS is missing or has an invalid client_email, private_key field/,
    ],
    [
      "an unsupported type",
      () =>
        resolveCredentials({
          env: {
            GOOGLE_CREDENTIALS: JSON.stringify({ type: "gdch_service_account", secret: "rt-lonely-secret" }),
          },
        }),
      /type "gdch_service_account"; supported types are authorized_user, impersonated_service_account/,
    ],
    [
      "missing refresh_token",
      () =>
        resolveCredentials({
          env: {
            GOOGLE_CREDENTIALS: JSON.stringify({
              type: "authorized_user",
              client_id: "c",
              client_secret: "rt-lonely-secret",
            }),
          },
        }),
      /missing or has an invalid refresh_token field/,
    ],
    [
      "an access token with a line break",
      () =>
        resolveCredentials({ credentials: { accessToken: "ya29.rt-lonely-secret\nX-Other: 1" }, env: {} }),
      /credentials\.accessToken is not an access token: it contains spaces, line breaks/,
    ],
    [
      "an access token with a space",
      () => resolveCredentials({ env: { GOOGLE_OAUTH_ACCESS_TOKEN: "Bearer rt-lonely-secret" } }),
      /GOOGLE_OAUTH_ACCESS_TOKEN is not an access token/,
    ],
    [
      "an access token with a non-ASCII character",
      () => resolveCredentials({ credentials: { accessToken: "ya29.rt-lonely-secret\u00e9" }, env: {} }),
      /credentials\.accessToken is not an access token/,
    ],
    [
      "missing GAC file",
      () => resolveCredentials({ env: { GOOGLE_APPLICATION_CREDENTIALS: join(dir, "nope.json") } }),
      /GOOGLE_APPLICATION_CREDENTIALS names .*nope\.json, which does not exist/,
    ],
  ];
  for (const [name, fn, want] of cases) {
    it(name, () => {
      assert.throws(fn, (e: unknown) => {
        assert.ok(e instanceof CredentialsError);
        assert.match(e.message, want);
        const all = `${e.message}\n${e.stack}\n${JSON.stringify(e)}\n${inspect(e)}`;
        assert.ok(!all.includes("rt-lonely-secret"), "secret leaked");
        return true;
      });
    });
  }
});

describe("endpoints", () => {
  it("defaults to Google", () => {
    const e = resolveEndpoints({}, {});
    assert.equal(e.apiRoot, "https://cloudbilling.googleapis.com/");
    assert.equal(e.tokenUrl, "https://oauth2.googleapis.com/token");
  });
  it("env overrides defaults, options override env; apiRoot gets a trailing slash", () => {
    const env = {
      GCP_BILLING_LINK_API_ROOT: "http://127.0.0.1:9/root",
      GCP_BILLING_LINK_OAUTH_TOKEN_URL: "http://127.0.0.1:9/token",
      GCP_BILLING_LINK_OAUTH_TOKENINFO_URL: "http://127.0.0.1:9/tokeninfo",
      GCP_BILLING_LINK_OAUTH_REVOKE_URL: "http://127.0.0.1:9/revoke",
      GCP_BILLING_LINK_OAUTH_AUTH_URL: "http://127.0.0.1:9/auth",
    };
    const e = resolveEndpoints({ tokenUrl: "http://127.0.0.1:8/t" }, env);
    assert.deepEqual(e, {
      apiRoot: "http://127.0.0.1:9/root/",
      tokenUrl: "http://127.0.0.1:8/t",
      tokenInfoUrl: "http://127.0.0.1:9/tokeninfo",
      revokeUrl: "http://127.0.0.1:9/revoke",
      authUrl: "http://127.0.0.1:9/auth",
      stsTokenUrl: "https://sts.googleapis.com/v1/token",
      iamCredentialsUrl: "https://iamcredentials.googleapis.com/",
    });
  });
  it("rejects non-URLs", () => {
    assert.throws(() => resolveEndpoints({ apiRoot: "not a url" }, {}), CredentialsError);
    assert.throws(() => resolveEndpoints({ apiRoot: "file:///etc/passwd" }, {}), CredentialsError);
  });
});

describe("configured paths that are not credentials files", () => {
  // Reading any of these would block or never end, hanging the provider inside a preview.
  const fifo = join(dir, "pipe.json");
  execFileSync("mkfifo", [fifo]);
  const huge = join(dir, "huge.json");
  writeFileSync(huge, "");
  truncateSync(huge, 2 * 1024 * 1024);
  const cases: [string, string, RegExp][] = [
    ["a named pipe", fifo, /names .*pipe\.json, which is not a regular file \(a pipe, socket or device/],
    ["a device that never ends", "/dev/zero", /names \/dev\/zero, which is not a regular file/],
    ["a 2 MB file", huge, /names .*huge\.json, which is 2097152 bytes, far larger than a credentials file/],
    ["a directory", dir, /which is a directory, not a file/],
  ];
  for (const [name, path, want] of cases) {
    it(`${name} is refused without reading it`, () => {
      assert.throws(
        () => resolveCredentials({ credentials: { credentialsFile: path }, env: {} }),
        (e: unknown) =>
          e instanceof CredentialsError &&
          want.test(e.message) &&
          /^credentials\.credentialsFile /.test(e.message),
      );
    });
  }
});

describe("credentials files other users may read", () => {
  it("a 0644 file still works, with a warning that names the setting, the file and the fix", () => {
    const loose = join(dir, "loose.json");
    const tight = join(dir, "tight.json");
    writeFileSync(loose, authorizedUser("loose"), { mode: 0o644 });
    chmodSync(loose, 0o644); // whatever the umask did
    writeFileSync(tight, authorizedUser("tight"), { mode: 0o600 });
    const viaOption = describeCredential(
      resolveCredentials({ credentials: { credentialsFile: loose }, env: {} }),
    );
    assert.deepEqual(viaOption.warnings, [
      `credentials.credentialsFile names ${loose}, which other users of this machine may read (mode 0644): chmod 600 ${loose}`,
    ]);
    const viaEnv = describeCredential(resolveCredentials({ env: { GOOGLE_APPLICATION_CREDENTIALS: loose } }));
    assert.match(
      viaEnv.warnings?.[0] ?? "",
      /^GOOGLE_APPLICATION_CREDENTIALS names .*loose\.json.*chmod 600/,
    );
    assert.equal(
      describeCredential(resolveCredentials({ credentials: { credentialsFile: tight }, env: {} })).warnings,
      undefined,
    );
    // The warning never carries a value from the file.
    assert.doesNotMatch(JSON.stringify(viaOption), /rt-loose-value|secret-loose-value/);
  });
});
