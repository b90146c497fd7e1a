// What crosses from the provider into Pulumi's gRPC host must be a plain error: grpc-js treats `code`
// and `metadata` on a thrown error as gRPC status fields and crashed on the sdk's ErrorInfo metadata.
import assert from "node:assert/strict";
import { test } from "@jest/globals";
import { PermissionDeniedError } from "../../sdk/src";
import { atBoundary, ProjectBillingLinkError } from "../../provider/src/providerError";

test("sdk errors become plain errors with the same message and the original as cause", async () => {
  const original = new PermissionDeniedError("Permission 'resourcemanager.projects.get' denied", {
    httpStatus: 403,
    status: "PERMISSION_DENIED",
    reason: "IAM_PERMISSION_DENIED",
    metadata: { permission: "resourcemanager.projects.get" },
    code: "ECONNRESET",
  });
  await assert.rejects(
    atBoundary(async () => {
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
  assert.deepEqual(await atBoundary(async () => ({ id: "p" })), { id: "p" });
});
