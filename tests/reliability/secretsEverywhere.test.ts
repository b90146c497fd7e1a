// Every place a run leaves text, at every verbosity. One stack with alice's authorized_user file in stack
// config goes through up, drift and a refreshing preview, an up that fails on a project alice may not use,
// destroy, and a preview after her refresh token was revoked; the CLI runs plainly, with --diff, --debug,
// --json, -v=9 --logflow (to stderr, and to glog's files under $TMPDIR) and both tracing flags, while
// PULUMI_DEBUG_GRPC records every gRPC call between engine, program and provider. No refresh token, client
// secret or access token may appear in any of it, nor in the state, the serialized providers, the backend,
// PULUMI_HOME (the provider's link journal included), the stack's config or the emulator's request log.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "@jest/globals";
import {
  ACCOUNTS,
  ALICE_REFRESH_TOKEN,
  DEMO_CLIENT_SECRET,
  createBillingStack,
  LINKS_PROGRAM,
  type DeclaredLink,
} from "../support/billingStack";
import { cleanupAfterEach } from "../support/cleanups";
import type { CliResult } from "../support/engine";
import { PRINCIPALS } from "../support/seed";
import { recordScenario, timed } from "./support/scenarioResults";
import { EMULATOR_ACCESS_TOKEN_PREFIX, filesUnder, scanForSecrets } from "./support/secretScan";
import { stackPlaces } from "./support/stackPlaces";

const cleanups = cleanupAfterEach();

const SECRETS = [ALICE_REFRESH_TOKEN, DEMO_CLIENT_SECRET, EMULATOR_ACCESS_TOKEN_PREFIX];
const LINKS: DeclaredLink[] = [
  { name: "prod", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main },
  { name: "staging", projectId: "demo-app-staging", billingAccount: ACCOUNTS.main },
];
/** A project alice holds no role on: linking it fails with PERMISSION_DENIED. */
const FORBIDDEN: DeclaredLink = { name: "forbidden", projectId: "trial-two", billingAccount: ACCOUNTS.main };
/** glog's JSON lines at -v=9, and the engine's own lines about the provider plugin's calls. */
const V9_LINE = /"v":9\}/g;
const PROVIDER_CALL = /Provider\[0x[0-9a-f]+\]\.(Configure|Check|Diff|Read|Create|Update|Delete)\(/g;

interface ExportedState {
  deployment: {
    resources?: Array<{ urn: string; inputs?: { __provider?: string }; outputs?: { __provider?: string } }>;
  };
}

/** The serialized provider of every resource that has one, inputs and outputs, as text. */
function serializedProviders(exported: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of (JSON.parse(exported) as ExportedState).deployment.resources ?? []) {
    for (const side of ["inputs", "outputs"] as const) {
      const provider = r[side]?.__provider;
      if (provider !== undefined) out[`__provider of ${r.urn} (${side})`] = provider;
    }
  }
  return out;
}

test("secrets everywhere: no credential in any output, log, trace, state or file, at any verbosity", async () => {
  // glog writes what -v does not send to stderr under $TMPDIR: a directory of this test's, not the machine's.
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "gbl-logs-"));
  const glogInSystemTmp = (): string[] =>
    [...fs.readdirSync(os.tmpdir())].filter((f) => /^pulumi.*\.log\./.test(f));
  const glogBefore = new Set(glogInSystemTmp());
  cleanups.add(() => fs.rmSync(logDir, { recursive: true, force: true }));
  const grpcLog = path.join(logDir, "grpc.jsonl");
  const otelFile = path.join(logDir, "up.otel.json");
  const traceFile = path.join(logDir, "destroy.trace");
  const env = await createBillingStack({ envVars: { TMPDIR: logDir, PULUMI_DEBUG_GRPC: grpcLog } });
  cleanups.add(() => env.cleanup());
  const credentialsFile = (await env.stack.getConfig("gcp-billing:credentials")).value;

  const produced: Record<string, string> = {};
  const pulumi = async (step: string, args: string[]): Promise<CliResult> => {
    const result = await env.cli(args);
    produced[`${step}: pulumi ${args.join(" ")}: stdout`] = result.stdout;
    produced[`${step}: pulumi ${args.join(" ")}: stderr`] = result.stderr;
    return result;
  };

  const { value: runs, durationMs } = await timed(async () => {
    await env.declare(LINKS);
    const up = await pulumi("up", ["up", "--yes"]);
    assert.equal(up.code, 0, up.stdout + up.stderr);

    await env.admin.updateProjectBillingInfo("demo-app-prod", ACCOUNTS.sandbox);
    const drift = await pulumi("drift", ["preview", "--refresh", "--debug"]);
    assert.equal(drift.code, 0, drift.stdout + drift.stderr);
    assert.match(drift.stdout, /prod +update/, "the preview saw the drift");

    await env.declare([...LINKS, FORBIDDEN]);
    const failing = await pulumi("failing up", [
      "up",
      "--yes",
      "--refresh",
      "-v=9",
      "--logtostderr",
      "--logflow",
      "--json",
      `--otel-traces=file://${otelFile}`,
    ]);
    assert.notEqual(failing.code, 0);
    assert.match(failing.stdout, /trial-two failed with 403 PERMISSION_DENIED/);
    // The state between the runs, with the serialized providers in it (destroy empties it).
    const midway = await env.cli(["stack", "export", "--show-secrets"]);
    assert.equal(midway.code, 0, midway.stderr);
    produced["stack export --show-secrets before destroy"] = midway.stdout;
    // …and every file the stack has then: the provider's link journal exists only while links do.
    for (const [file, text] of Object.entries(filesUnder(env.stateDir)))
      if (file !== credentialsFile) produced[`before destroy: ${file}`] = text;

    await env.declare(LINKS);
    const destroy = await pulumi("destroy", [
      "destroy",
      "--yes",
      "-v=9",
      "--logflow",
      `--tracing=file:${traceFile}`,
      "--diff",
    ]);
    assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);

    // Someone revokes alice's session: the next preview fails at the token endpoint, with the refresh token
    // and client secret in the request it sent there.
    const revoked = await fetch(env.emulator.oauth.revokeUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: ALICE_REFRESH_TOKEN }),
    });
    assert.equal(revoked.status, 200);
    const afterRevoke = await pulumi("revoked", ["preview", "--debug", "-v=9", "--logtostderr", "--logflow"]);
    assert.notEqual(afterRevoke.code, 0);
    assert.match(afterRevoke.stdout, /revoked\. Log in again/);
    return { drift, failing, midway, destroy };
  });

  // What the scan covers is not empty: the debug and -v=9 output is there, with the provider plugin's calls.
  assert.ok((runs.drift.stdout.match(/ debug: /g) ?? []).length >= 10, "--debug printed debug lines");
  const v9 = runs.failing.stderr;
  assert.ok((v9.match(V9_LINE) ?? []).length >= 50, `-v=9 --logtostderr wrote ${v9.length} chars`);
  assert.ok((v9.match(PROVIDER_CALL) ?? []).length >= 5, "-v=9 logged the provider plugin's calls");
  assert.match(v9, /pulumi-resource-pulumi-nodejs/);
  const logFiles = filesUnder(logDir);
  const escaped = glogInSystemTmp().filter((f) => !glogBefore.has(f));
  assert.equal(escaped.length, 0, `glog files outside the scanned directory: ${escaped.join(", ")}`);
  const glogFiles = Object.keys(logFiles).filter((f) => /^pulumi\..*\.log\.INFO\./.test(path.basename(f)));
  assert.equal(glogFiles.length, 1, "the destroy's -v=9 went to a glog file under $TMPDIR");
  assert.match(runs.destroy.stderr, new RegExp(`The log file for this run is at ${logDir}`));
  assert.ok(
    (logFiles[glogFiles[0]].match(PROVIDER_CALL) ?? []).length >= 2,
    "with the provider's Delete calls",
  );
  const grpc = logFiles[grpcLog] ?? "";
  for (const method of ["Configure", "Check", "Diff", "Read", "Create", "Delete"])
    assert.ok(grpc.includes(`"/pulumirpc.ResourceProvider/${method}"`), `the gRPC log has ${method}`);
  assert.ok(grpc.includes(credentialsFile), "the provider's configuration (the credentials path) is in it");
  const providers = serializedProviders(runs.midway.stdout);
  assert.ok(Object.keys(providers).length >= 4, "every link's serialized provider, inputs and outputs");
  for (const text of Object.values(providers))
    assert.ok(text.includes('require("gcp-billing-link/provider-runtime")'), text.slice(0, 200));
  assert.ok((logFiles[otelFile] ?? "").length > 0, "the failing up wrote OpenTelemetry traces");
  assert.ok((logFiles[traceFile] ?? "").length > 0, "the destroy wrote a trace");
  assert.ok(
    Object.keys(produced).some((k) => k.includes(`${path.sep}gcp-billing-link${path.sep}journal${path.sep}`)),
    "the provider's link journal was scanned",
  );
  // The stack's own config file and config, which name the credentials file.
  const stackConfigFile = path.join(LINKS_PROGRAM, `Pulumi.${env.stack.name}.yaml`);
  produced[stackConfigFile] = fs.readFileSync(stackConfigFile, "utf8");
  assert.ok(produced[stackConfigFile].includes(credentialsFile));
  const config = await env.cli(["config", "--show-secrets", "--json"]);
  assert.equal(config.code, 0, config.stderr);
  produced["pulumi config --show-secrets --json"] = config.stdout;
  // …and the provider did get access tokens, and used them.
  const log = env.emulator.requestLog();
  assert.ok(log.some((e) => e.method === "oauth.token" && e.status === 200));
  assert.ok(log.some((e) => e.method === "projects.updateBillingInfo" && e.principal === PRINCIPALS.alice));

  // The scanner finds what it looks for: the credentials file holds the refresh token and client secret, and
  // a token the emulator mints carries the access-token prefix.
  const minted = await fetch(`${env.emulator.controlUrl}/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      principal: PRINCIPALS.alice,
      scopes: ["https://www.googleapis.com/auth/cloud-billing"],
    }),
  });
  const control = scanForSecrets(SECRETS, {
    "credentials file": fs.readFileSync(credentialsFile, "utf8"),
    "a minted token": await minted.text(),
  });
  assert.equal(control.count, 3, control.findings.join("; "));

  const places = await stackPlaces(env, { ...produced, ...logFiles, ...providers }, [credentialsFile]);
  const leaks = scanForSecrets(SECRETS, places);
  assert.deepEqual(leaks.findings, []);
  const scannedChars = Object.values(places).reduce((n, text) => n + text.length, 0);

  recordScenario({
    scenario: "secrets everywhere",
    test: "secretsEverywhere.test.ts › secrets everywhere",
    faults:
      "up; an out-of-band relink and preview --refresh --debug; an up --refresh -v=9 --logtostderr --logflow --json --otel-traces failing with 403 on one link; destroy -v=9 --logflow --tracing --diff (glog to files); a preview -v=9 --debug after the refresh token was revoked; PULUMI_DEBUG_GRPC throughout",
    outcome: `${Object.keys(places).length} places (${Math.round(scannedChars / 1024)} KiB: CLI output, glog, gRPC log, state exports, serialized providers, backend and PULUMI_HOME files, request log) hold no refresh token, client secret or access token`,
    lost: 0,
    leaked: leaks.count,
    retries: 0,
    durationMs,
  });
});
