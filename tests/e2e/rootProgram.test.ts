// The root program on a brand-new stack: no config at all must preview cleanly (an empty set of links),
// and a malformed links map must fail with the program's own message naming the key.
import assert from "node:assert/strict";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { test } from "@jest/globals";
import { CommandError } from "@pulumi/pulumi/automation";
import { cleanupAfterEach } from "../support/cleanups";
import { createTestStack } from "../support/engine";

const ROOT = path.resolve(__dirname, "..", "..");
const cleanups = cleanupAfterEach();

test("a fresh stack with no config previews an empty set of links; bad links config names the key", async () => {
  const stackName = `t${randomBytes(5).toString("hex")}`;
  const env = await createTestStack({ workDir: ROOT, stackName });
  cleanups.add(async () => {
    await env.cleanup();
    fs.rmSync(path.join(ROOT, `Pulumi.${stackName}.yaml`), { force: true });
  });

  const preview = await env.stack.preview();
  assert.deepEqual(preview.changeSummary, { create: 1 });

  await env.stack.setConfig("links", { value: '["demo-app-prod"]' });
  await assert.rejects(env.stack.preview(), (err: unknown) => {
    assert.ok(err instanceof CommandError);
    assert.match(String(err), /billing-links:links must map project IDs to billing accounts/);
    return true;
  });
});
