// What crosses from the provider into Pulumi's gRPC host must be a plain error: grpc-js treats `code`
// and `metadata` on a thrown error as gRPC status fields and crashed on the sdk's ErrorInfo metadata.
import assert from "node:assert/strict";
import { test } from "@jest/globals";
import {
  CredentialsNotFoundError,
  NotFoundError,
  PermissionDeniedError,
  RefreshTokenRevokedError,
} from "../../sdk/src";
import { atBoundary, ProjectBillingLinkError, userMessage } from "../../provider/src/providerError";

test("sdk errors become plain errors with the same message and the original as cause", async () => {
  const original = new PermissionDeniedError("Permission 'resourcemanager.projects.get' denied", {
    httpStatus: 403,
    status: "PERMISSION_DENIED",
    reason: "IAM_PERMISSION_DENIED",
    metadata: { permission: "resourcemanager.projects.get" },
    code: "ECONNRESET",
  });
  await assert.rejects(
    atBoundary("read", async () => {
      throw original;
    }),
    (err: unknown) => {
      assert.ok(err instanceof ProjectBillingLinkError);
      assert.equal(err.message, original.message);
      assert.equal(err.cause, original);
      assert.equal("metadata" in err, false);
      assert.equal("code" in err, false);
      return true;
    },
  );
});

test("results pass through untouched", async () => {
  assert.deepEqual(await atBoundary("create", async () => ({ id: "p" })), { id: "p" });
});

test("the sdk's hint reaches the user: it is appended when the message lacks it", async () => {
  const original = new CredentialsNotFoundError("No Google credentials found.", {
    status: "UNAUTHENTICATED",
    hint: "Run `gcp-billing-link login`.",
  });
  const err = await atBoundary("create", async () => {
    throw original;
  }).catch((e: unknown) => e);
  assert.ok(err instanceof ProjectBillingLinkError);
  assert.equal(err.message, "No Google credentials found. Hint: Run `gcp-billing-link login`.");
  // A message that already carries its hint is not repeated.
  const hinted = new PermissionDeniedError("denied. Hint: grant it.", { hint: "grant it." });
  assert.equal(userMessage(hinted, "create"), "denied. Hint: grant it.");
});

test("credential failures in refresh and destroy say that those use the config of the last up", () => {
  const revoked = new RefreshTokenRevokedError("oauth.token failed with 400 invalid_grant.", {});
  assert.match(
    userMessage(revoked, "read"),
    /config recorded at the last `pulumi up`.*run `pulumi up` first/,
  );
  assert.match(userMessage(revoked, "delete"), /run `pulumi up` first/);
  assert.doesNotMatch(userMessage(revoked, "create"), /run `pulumi up` first/);
  assert.doesNotMatch(userMessage(new NotFoundError("gone", {}), "read"), /pulumi up/);
});

test("the host's duplicate stderr print of a boundary error is recognisable by its stack alone", () => {
  const err = new ProjectBillingLinkError("billing account X is closed");
  // What @pulumi/pulumi/cmd/dynamic-provider prints before returning the error:
  const hostPrint = `${err}: ${err.stack}`;
  assert.match(hostPrint, /^ProjectBillingLinkError: billing account X is closed: /);
  assert.doesNotMatch(hostPrint, /\.ts|at /);
});
