/**
 * `login` in-process against the emulator with `autoApproveAs` (the consent page approves at once), so
 * the Pulumi path, the token exchange and the failure paths run without a browser. The real-browser
 * flow is tests/browser/login.test.ts.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from "@jest/globals";
import { startEmulator, type RunningEmulator } from "../../emulator/src/index";
import { login, LoginError, type LoginOptions } from "../../cli/src/commands/login";
import { capturingLogger } from "../../cli/src/output";
import type { PulumiRunner } from "../../cli/src/pulumiConfig";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, emulatorEnv } from "../browser/support/cliProcess";

let emu: RunningEmulator;
let home: string;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(async () => {
  await emu.reset();
  emu.setKnobs({ autoApproveAs: "alice@example.com" });
  home = mkdtempSync(join(tmpdir(), "cli-login-int-"));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

/** A "browser" that just follows the consent URL's redirects, ending on the loopback listener. */
const fetchingBrowser = async (url: string): Promise<boolean> => {
  void fetch(url).then((r) => r.text());
  return true;
};

function options(
  overrides: Partial<LoginOptions> = {},
): LoginOptions & { logger: ReturnType<typeof capturingLogger> } {
  return {
    clientId: DEMO_CLIENT_ID,
    clientSecret: DEMO_CLIENT_SECRET,
    scope: "cloud-billing",
    outFile: join(home, "credentials.json"),
    timeoutMs: 10_000,
    openBrowser: true,
    env: emulatorEnv(emu, home),
    browserOpener: fetchingBrowser,
    pulumiRunner: async () => assert.fail("pulumi must not run"),
    ...overrides,
    logger: capturingLogger(),
  };
}

describe("login (in-process)", () => {
  it("--pulumi-stack stores the credentials JSON through stdin, never argv, and writes no file", async () => {
    const calls: Array<{ args: string[]; stdin: string }> = [];
    const runner: PulumiRunner = async (args, stdin) => {
      calls.push({ args, stdin });
      return { exitCode: 0, stderr: "" };
    };
    const o = options({ pulumiStack: "dev", pulumiRunner: runner, quotaProject: "quota-home" });
    const result = await login(o);
    assert.deepEqual(result, {
      stored: "pulumi",
      stack: "dev",
      key: "gcp-billing:credentials",
      scope: "https://www.googleapis.com/auth/cloud-billing",
      quotaProject: "quota-home",
    });
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0].args, [
      "config",
      "set",
      "--secret",
      "--stack",
      "dev",
      "gcp-billing:credentials",
      "--non-interactive",
    ]);
    const stored = JSON.parse(calls[0].stdin);
    assert.equal(stored.type, "authorized_user");
    assert.equal(stored.quota_project_id, "quota-home");
    assert.ok(!calls[0].args.join(" ").includes(stored.refresh_token));
    assert.ok(!o.logger.lines.join("\n").includes(stored.refresh_token));
    assert.ok(!o.logger.lines.join("\n").includes(DEMO_CLIENT_SECRET));
    assert.equal(existsSync(o.outFile), false);
    // The PKCE verifier was checked by the emulator on the code exchange.
    const exchange = emu.requestLog().find((r) => r.grantType === "authorization_code");
    assert.equal(exchange?.status, 200);
  });

  it("a failing pulumi CLI is a LoginError naming the stack, with nothing saved", async () => {
    const o = options({
      pulumiStack: "nope",
      pulumiRunner: async () => ({ exitCode: 255, stderr: "error: no stack named 'nope' found\n" }),
    });
    await assert.rejects(login(o), (e: unknown) => {
      assert.ok(e instanceof LoginError);
      assert.match(e.message, /exited with code 255: error: no stack named 'nope' found/);
      assert.match(e.hint ?? "", /stack nope exists/);
      return true;
    });
  });

  it("a wrong client secret fails the exchange with a LoginError that shows no secret", async () => {
    const o = options({ clientSecret: "wrong-secret-value" });
    await assert.rejects(login(o), (e: unknown) => {
      assert.ok(e instanceof LoginError);
      assert.match(e.message, /HTTP 401, invalid_client/);
      assert.match(e.hint ?? "", /--client-secret/);
      assert.ok(!`${e.message}${e.hint}`.includes("wrong-secret-value"));
      return true;
    });
    assert.equal(existsSync(o.outFile), false);
  });

  it("times out with nothing saved when no browser answers", async () => {
    const o = options({ openBrowser: false, timeoutMs: 200 });
    await assert.rejects(login(o), /No answer from the browser within 0 s\. Nothing was saved\./);
    assert.equal(existsSync(o.outFile), false);
  });
});
