// The guard every identity test's credential file passes through: a URL that is not 127.0.0.1 is refused,
// wherever it sits in the JSON, so no test can send a token to Google.
import assert from "node:assert/strict";
import { test } from "@jest/globals";
import { assertLoopbackOnly } from "../support/identities";

test("credential files written by tests may name 127.0.0.1 URLs only", () => {
  assert.doesNotThrow(() =>
    assertLoopbackOnly({ token_url: "http://127.0.0.1:1/v1/token", credential_source: { file: "/tmp/x" } }),
  );
  assert.throws(
    () => assertLoopbackOnly({ credential_source: { url: "https://sts.googleapis.com/v1/token" } }),
    /credentials\.credential_source\.url names a URL that is not 127\.0\.0\.1/,
  );
  assert.throws(() => assertLoopbackOnly({ token_uri: "https://oauth2.googleapis.com/token" }), /token_uri/);
});
