// The pinned engine, end to end: a trivial dynamic resource through up, a no-change preview, refresh
// and destroy, all driven by the Automation API against the locally built CLI.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "@jest/globals";
import { cleanupAfterEach } from "../support/cleanups";
import { createTestStack } from "../support/engine";

const FIXTURE = path.join(__dirname, "fixtures", "smoke");
const cleanups = cleanupAfterEach();

test("the pinned engine runs a dynamic provider through up, preview, refresh and destroy", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gbl-smoke-"));
  const target = path.join(dir, "owned.txt");
  const env = await createTestStack({ workDir: FIXTURE, config: { path: { value: target } } });
  cleanups.add(async () => {
    await env.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const { stack } = env;

  const version = stack.workspace.pulumiCommand.version?.toString();
  assert.match(version ?? "", /^3\.274\.1$/);

  const up = await stack.up();
  assert.equal(up.summary.result, "succeeded");
  assert.deepEqual(up.summary.resourceChanges, { create: 2 });
  assert.equal(fs.readFileSync(target, "utf8"), "hello");
  assert.equal(up.outputs.filePath?.value, target);

  const preview = await stack.preview({ expectNoChanges: true });
  assert.deepEqual(preview.changeSummary, { same: 2 });

  // Out-of-band change: refresh must notice it through the provider's read + diff.
  fs.writeFileSync(target, "edited by hand");
  const refresh = await stack.refresh();
  assert.equal(refresh.summary.result, "succeeded");
  assert.deepEqual(refresh.summary.resourceChanges, { same: 1, update: 1 });

  const destroy = await stack.destroy();
  assert.deepEqual(destroy.summary.resourceChanges, { delete: 2 });
  assert.equal(fs.existsSync(target), false);
});
