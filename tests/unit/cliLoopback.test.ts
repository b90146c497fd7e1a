/** The loopback listener and the credentials file writer, on 127.0.0.1 and a temp dir only. */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { defaultCredentialsPath, writeCredentialsFile } from "../../cli/src/credentialsFile";
import { LoopbackTimeoutError, startLoopbackServer, stateMatches } from "../../cli/src/loopbackServer";
import { capturingLogger, formatCheck, oneLine } from "../../cli/src/output";

describe("loopback listener", () => {
  it("compares state exactly, whatever the lengths", () => {
    assert.equal(stateMatches("abc", "abc"), true);
    assert.equal(stateMatches("abc", "abd"), false);
    assert.equal(stateMatches("abc", "abcd"), false);
    assert.equal(stateMatches("abc", ""), false);
  });

  it("binds 127.0.0.1 on a random port, rejects a wrong state and keeps waiting, then takes the right one and closes", async () => {
    const logger = capturingLogger();
    const server = await startLoopbackServer({ expectedState: "good-state", logger });
    assert.match(server.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const waiting = server.waitForCallback(5000);

    const forged = await fetch(`${server.redirectUri}?state=bad&code=4/x`);
    assert.equal(forged.status, 400);
    assert.equal((await fetch(`${server.redirectUri}?code=4/x`)).status, 400, "missing state");
    assert.equal((await fetch(`${server.redirectUri}favicon.ico`)).status, 404);
    assert.match(logger.lines.join("\n"), /wrong `state`/);

    const ok = await fetch(`${server.redirectUri}?state=good-state&code=4/real&scope=x`);
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /You can close this tab/);
    assert.deepEqual(await waiting, { kind: "code", code: "4/real" });
    await assert.rejects(fetch(`${server.redirectUri}?state=good-state&code=4/again`), "listener is closed");
    await server.close();
  });

  it("reports access_denied with the matching state", async () => {
    const server = await startLoopbackServer({ expectedState: "s", logger: capturingLogger() });
    const waiting = server.waitForCallback(5000);
    const res = await fetch(`${server.redirectUri}?error=access_denied&state=s`);
    assert.match(await res.text(), /You denied access/);
    assert.deepEqual(await waiting, { kind: "error", error: "access_denied" });
    await server.close();
  });

  it("times out", async () => {
    const server = await startLoopbackServer({ expectedState: "s", logger: capturingLogger() });
    await assert.rejects(server.waitForCallback(50), LoopbackTimeoutError);
    await server.close();
  });

  it("prints server text on one line without control characters", () => {
    // The ESC is gone, so "[2J" is inert text rather than a clear-screen sequence.
    assert.equal(oneLine("a\u001b[2Jb\nc"), "a [2Jb c");
    assert.equal(oneLine("x".repeat(700)).length, 601);
    assert.deepEqual(formatCheck({ name: "X", status: "fail", detail: "d", fix: "f" }), [
      "[FAIL] X: d",
      "       fix: f",
    ]);
  });
});

describe("credentials file", () => {
  const creds = {
    type: "authorized_user" as const,
    client_id: "id",
    client_secret: "secret",
    refresh_token: "rt",
  };

  it("writes 0600 in a 0700 directory, atomically replacing an existing file", () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-cred-"));
    try {
      const path = join(dir, "nested", "credentials.json");
      writeCredentialsFile(path, creds);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.equal(statSync(join(dir, "nested")).mode & 0o777, 0o700);
      assert.deepEqual(JSON.parse(readFileSync(path, "utf8")), creds);

      writeFileSync(path, "old", { mode: 0o644 });
      writeCredentialsFile(path, { ...creds, quota_project_id: "q" });
      assert.equal(statSync(path).mode & 0o777, 0o600, "a replaced file gets 0600 too");
      assert.equal(JSON.parse(readFileSync(path, "utf8")).quota_project_id, "q");
      // Array.from: fs builds its arrays in Node's realm, not in the test file's (jest runs tests in a vm).
      assert.deepEqual(Array.from(readdirSync(join(dir, "nested"))), ["credentials.json"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("defaults to our own config dir, never gcloud's ADC file", () => {
    assert.equal(defaultCredentialsPath({ HOME: "/h" }), "/h/.config/gcp-billing-link/credentials.json");
    assert.equal(
      defaultCredentialsPath({ HOME: "/h", XDG_CONFIG_HOME: "/x" }),
      "/x/gcp-billing-link/credentials.json",
    );
    assert.equal(existsSync("/h"), false);
  });
});
