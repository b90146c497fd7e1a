// The suite itself: a Pulumi CLI that is not inside a `bin/` folder (Pulumi's own tarball unpacks to
// `pulumi/`) still drives the tests, and an engine call that hangs fails its test within its bound and
// leaves no process behind, instead of hanging the suite (tests/support/engine.ts).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "@jest/globals";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { startEmulator } from "../../emulator/src";
import { cleanupAfterEach } from "../support/cleanups";
import { ACCOUNTS, createBillingStack, LINKS_PROGRAM, writeCredentialsFile } from "../support/billingStack";
import { TEST_PASSPHRASE } from "../support/engine";
import { markedProcesses, TEST_RUN_MARKER } from "../support/processTree";
import { recordScenario } from "./support/scenarioResults";

const cleanups = cleanupAfterEach();
const ROOT = path.resolve(__dirname, "..", "..");

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureEngine } = require("../../scripts/engine.js") as {
  ensureEngine(): { binDir: string };
};

/** The engine's binaries in a folder named `pulumi/`, as Pulumi's release tarball lays them out. */
function tarballLayout(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gbl-system-pulumi-"));
  cleanups.add(() => fs.rmSync(dir, { recursive: true, force: true }));
  const unpacked = path.join(dir, "pulumi");
  fs.mkdirSync(unpacked);
  const { binDir } = ensureEngine();
  for (const name of fs.readdirSync(binDir)) {
    // A hard link (same file system) or a copy: never a symlink, which would resolve back into a `bin/`.
    try {
      fs.linkSync(path.join(binDir, name), path.join(unpacked, name));
    } catch {
      fs.copyFileSync(path.join(binDir, name), path.join(unpacked, name));
      fs.chmodSync(path.join(unpacked, name), 0o755);
    }
  }
  return unpacked;
}

/** Processes still carrying a stack's marker. */
describe("the suite itself", () => {
  test("a Pulumi CLI on PATH outside a bin/ folder drives a stack", async () => {
    const started = Date.now();
    const unpacked = tarballLayout();
    const env = {
      ...process.env,
      PATH: `${unpacked}${path.delimiter}${process.env.PATH ?? ""}`,
      GCP_BILLING_LINK_USE_SYSTEM_PULUMI: "1",
      XDG_CACHE_HOME: path.join(path.dirname(unpacked), "cache"),
    };
    const found = spawnSync(
      process.execPath,
      ["-e", "console.log(JSON.stringify(require('./scripts/engine.js').ensureEngine()))"],
      { cwd: ROOT, env, encoding: "utf8" },
    );
    assert.equal(found.status, 0, found.stderr);
    const engine = JSON.parse(found.stdout) as { root: string; pulumi: string; source: string };
    assert.equal(engine.source, "system");
    assert.equal(
      fs.realpathSync(path.join(engine.root, "bin", "pulumi")),
      fs.realpathSync(path.join(unpacked, "pulumi")),
    );

    // The Automation API runs `<root>/bin/pulumi`: a preview against the emulator goes through it.
    const emulator = await startEmulator({ port: 0 });
    cleanups.add(() => emulator.stop());
    const stateDir = path.dirname(unpacked);
    fs.mkdirSync(path.join(stateDir, "backend"));
    const stackName = `sys${process.pid}`;
    cleanups.add(() => fs.rmSync(path.join(LINKS_PROGRAM, `Pulumi.${stackName}.yaml`), { force: true }));
    const envVars: Record<string, string> = {
      ...(env as Record<string, string>),
      PATH: `${path.join(engine.root, "bin")}${path.delimiter}${env.PATH}`,
      PULUMI_HOME: path.join(stateDir, "home"),
      PULUMI_BACKEND_URL: `file://${path.join(stateDir, "backend")}`,
      PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      NO_PROXY: "127.0.0.1,localhost",
    };
    const pulumiCommand = await PulumiCommand.get({ root: engine.root });
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName, workDir: LINKS_PROGRAM },
      { pulumiCommand, pulumiHome: envVars.PULUMI_HOME, envVars },
    );
    await stack.setAllConfig({
      "gcp-billing:apiEndpoint": { value: emulator.apiRoot },
      "gcp-billing:oauthTokenUrl": { value: emulator.oauth.tokenUrl },
      "gcp-billing:credentials": { value: writeCredentialsFile(stateDir, "emu-rt-alice-cloud-billing") },
      links: {
        value: JSON.stringify([{ name: "one", projectId: "team-01", billingAccount: ACCOUNTS.main }]),
      },
    });
    const preview = await stack.preview();
    assert.equal(preview.changeSummary.create, 2, preview.stdout); // the stack and the link
    await stack.workspace.removeStack(stackName, { force: true });
    recordScenario({
      scenario: "suite: system Pulumi outside bin/",
      test: "suiteBounds.test.ts › a Pulumi CLI on PATH outside a bin/ folder drives a stack",
      faults:
        "GCP_BILLING_LINK_USE_SYSTEM_PULUMI=1 with the CLI unpacked in pulumi/, as Pulumi's tarball does",
      outcome: "the engine got a root whose bin/ links to it; a preview ran through the Automation API",
      lost: 0,
      leaked: 0,
      retries: 0,
      durationMs: Date.now() - started,
    });
  });

  test("an engine call that hangs fails within its bound and leaves no process behind", async () => {
    const started = Date.now();
    // An API that accepts connections and never answers: the sdk's own timeouts (60 s per call) are
    // longer than the bound, so only the bound can end the preview in time.
    const sockets = new Set<net.Socket>();
    const blackhole = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, "127.0.0.1", resolve));
    cleanups.add(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => blackhole.close(resolve));
    });
    const { port } = blackhole.address() as net.AddressInfo;
    const env = await createBillingStack({
      config: { "gcp-billing:apiEndpoint": { value: `http://127.0.0.1:${port}/` } },
    });
    cleanups.add(() => env.cleanup());
    await env.declare([{ name: "one", projectId: "team-01", billingAccount: ACCOUNTS.main }]);
    const previous = process.env.GCP_BILLING_LINK_ENGINE_CALL_TIMEOUT_MS;
    process.env.GCP_BILLING_LINK_ENGINE_CALL_TIMEOUT_MS = "15000";
    try {
      await assert.rejects(
        env.stack.preview(),
        /stack\.preview did not finish within 15 s; killed its [1-9]\d* engine process/,
      );
    } finally {
      if (previous === undefined) delete process.env.GCP_BILLING_LINK_ENGINE_CALL_TIMEOUT_MS;
      else process.env.GCP_BILLING_LINK_ENGINE_CALL_TIMEOUT_MS = previous;
    }
    const run = env.envVars[TEST_RUN_MARKER];
    assert.ok(run);
    assert.deepEqual(markedProcesses(run), [], "the CLI, language host and provider are all gone");
    const elapsed = Date.now() - started;
    recordScenario({
      scenario: "suite: hung engine call",
      test: "suiteBounds.test.ts › an engine call that hangs fails within its bound",
      faults: "an API endpoint that accepts connections and never answers; engine call bound 15 s",
      outcome: "the preview failed with the bound named; no engine process left",
      lost: 0,
      leaked: 0,
      retries: 0,
      durationMs: elapsed,
    });
  });
});
