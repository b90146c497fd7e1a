// Engine errors in the report: attached to the link whose read failed, hint split out, one line, and
// no secret the run knows of, whatever text the engine or a program printed.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "@jest/globals";
import { commandFailureText, reportErrorsFromEngine } from "../../cli/src/drift/engineErrors";
import { knownSecrets, makeRedactor } from "../../cli/src/drift/redact";
import { RECORDED_CONFIG_NOTE } from "../../provider/src/providerError";

const URN = "urn:pulumi:dev::links::pulumi-nodejs:dynamic/gcp-billing:ProjectBillingLink::prod";
const LINKS = [
  {
    urn: URN,
    resource: "prod",
    projectId: "demo-app-prod",
    declaredBillingAccount: "billingAccounts/01A2B3-C4D5E6-F7A8B9",
  },
];
// Per-run canaries, so no token-shaped string is committed.
const REFRESH_TOKEN = `1//canary-${randomBytes(12).toString("hex")}`;
const CLIENT_SECRET = `GOCSPX-${randomBytes(12).toString("hex")}`;
const ACCESS_TOKEN = `ya29.${randomBytes(16).toString("hex")}`;

test("a link's read error names the project and carries the sdk's hint separately", () => {
  const [e] = reportErrorsFromEngine(
    [
      {
        urn: URN,
        message:
          "Preview failed: projects.getBillingInfo projects/demo-app-prod failed with 403 PERMISSION_DENIED. Hint: grant roles/viewer on the project.",
      },
    ],
    LINKS,
    makeRedactor([]),
  );
  assert.deepEqual(e, {
    scope: "link",
    projectId: "demo-app-prod",
    message:
      "reading the link of demo-app-prod failed: projects.getBillingInfo projects/demo-app-prod failed with 403 PERMISSION_DENIED.",
    hint: "grant roles/viewer on the project.",
  });
});

test("an error not attached to a link is the stack's", () => {
  const [e] = reportErrorsFromEngine([{ message: "program failed\nat line 3" }], LINKS, makeRedactor([]));
  assert.deepEqual(e, { scope: "stack", message: "program failed at line 3" });
});

test("secret config values, credential variables and the token fields inside credential JSON are redacted", () => {
  const credentialsJson = JSON.stringify({
    type: "authorized_user",
    client_id: "id.apps.googleusercontent.com",
    client_secret: CLIENT_SECRET,
    refresh_token: REFRESH_TOKEN,
  });
  const redact = makeRedactor(
    knownSecrets(
      { "gcp-billing:credentials": { value: credentialsJson, secret: true }, "links:links": { value: "[]" } },
      { GOOGLE_OAUTH_ACCESS_TOKEN: ACCESS_TOKEN },
    ),
  );
  const [e] = reportErrorsFromEngine(
    [{ message: `boom ${REFRESH_TOKEN} / ${CLIENT_SECRET} / ${ACCESS_TOKEN} / ${credentialsJson}` }],
    LINKS,
    redact,
  );
  for (const secret of [REFRESH_TOKEN, CLIENT_SECRET, ACCESS_TOKEN])
    assert.ok(!JSON.stringify(e).includes(secret));
  assert.match(e?.message ?? "", /boom \[redacted\] \/ \[redacted\] \/ \[redacted\] \/ \[redacted\]/);
});

test("a failed pulumi command is summed up by its error lines, redacted", () => {
  const redact = makeRedactor([ACCESS_TOKEN]);
  assert.equal(
    commandFailureText(`warning: x\nerror: no stack named 'prod' found\n`, redact),
    "no stack named 'prod' found",
  );
  assert.equal(commandFailureText(`panic ${ACCESS_TOKEN}\n`, redact), "panic [redacted]");
});

test("the provider's note about a plain refresh's recorded config is dropped: drift runs on the current config", () => {
  const [e] = reportErrorsFromEngine(
    [
      {
        urn: URN,
        message: `Preview failed: oauth.token failed with 400 invalid_grant. Hint: Log in again. Note: ${RECORDED_CONFIG_NOTE}`,
      },
    ],
    LINKS,
    makeRedactor([]),
  );
  assert.equal(e?.hint, "Log in again.");
  assert.ok(!JSON.stringify(e).includes("recorded at the last"));
});
