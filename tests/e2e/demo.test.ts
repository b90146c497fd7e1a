// `npm run demo` is the main job: it must run start to finish, detect the drift it creates, repair it,
// and print no secret along the way.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "@jest/globals";
import { cleanupAfterEach } from "../support/cleanups";

const ROOT = path.resolve(__dirname, "..", "..");
const cleanups = cleanupAfterEach();

test("npm run demo links, detects drift with exit code 7, repairs it and cleans up", async () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "gbl-demo-"));
  cleanups.add(() => fs.rmSync(stateDir, { recursive: true, force: true }));
  const child = spawn(process.execPath, [path.join(ROOT, "scripts", "demo.js")], {
    cwd: ROOT,
    env: { ...process.env, GCP_BILLING_LINK_STATE_DIR: stateDir, NO_COLOR: "1" },
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const code = await new Promise((resolve) => child.once("exit", resolve));
  assert.equal(code, 0, output.slice(-3000));

  assert.match(output, /Resources:\s+\+ 4 created/);
  assert.match(output, /will adopt the existing link of demo-data to billingAccounts\/0B1C2D-3E4F5A-6B7C8D/);
  assert.match(output, /will link demo-app-prod to billingAccounts\/01A2B3-C4D5E6-F7A8B9/);
  assert.match(output, /Resources:\s+4 unchanged/);
  assert.match(
    output,
    /billingAccount\s+: "billingAccounts\/01A2B3-C4D5E6-F7A8B9" => "billingAccounts\/0B1C2D-3E4F5A-6B7C8D"/,
  );
  assert.match(output, /the drift check exited with 7: drift detected/);
  assert.match(output, /demo-app-prod is linked to billingAccounts\/01A2B3-C4D5E6-F7A8B9 again/);
  assert.match(output, /Resources:\s+- 4 deleted/);
  // Destroy undid what the stack did: the adopted project keeps its billing.
  assert.match(
    output,
    /demo-app-prod: no billing account\n\s+demo-app-staging: no billing account\n\s+demo-data: billingAccounts\/0B1C2D-3E4F5A-6B7C8D/,
  );
  for (const secret of [
    "emu-rt-alice-cloud-billing",
    "emu-rt-admin-cloud-platform",
    "demo-client-secret-not-a-real-secret",
  ]) {
    assert.equal(output.includes(secret), false, `the demo printed ${secret}`);
  }
});
