// The drift verb's printing, with a stubbed check: the chosen format on stdout; with --output files,
// each file in the format its extension names, and the human text on stdout; colour only when asked.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "@jest/globals";
import { drift, type DriftCommandOptions } from "../../cli/src/commands/drift";
import type { DriftOptions } from "../../cli/src/drift/checkDrift";
import { capturingLogger } from "../../cli/src/output";
import { reportWithEveryKind, schemaErrors } from "../support/driftReports";

function run(overrides: Partial<DriftCommandOptions>) {
  const logger = capturingLogger();
  const calls: DriftOptions[] = [];
  const options: DriftCommandOptions = {
    unmanaged: false,
    format: "text",
    outputs: [],
    color: false,
    env: {},
    logger,
    check: async (o) => {
      calls.push(o);
      return reportWithEveryKind();
    },
    ...overrides,
  };
  return { logger, calls, done: drift(options) };
}

test("--format json without --output: the JSON report alone on stdout, progress elsewhere", async () => {
  const logger = capturingLogger();
  const info: string[] = [];
  const { calls, done } = run({
    format: "json",
    stack: "prod",
    cwd: "infra",
    unmanaged: true,
    logger: { ...logger, info: (l) => info.push(l) },
  });
  const report = await done;
  assert.deepEqual(JSON.parse(info.join("\n")), JSON.parse(JSON.stringify(report)));
  assert.deepEqual(schemaErrors(JSON.parse(info.join("\n"))), []);
  assert.equal(calls[0]?.stackName, "prod");
  assert.equal(calls[0]?.workDir, "infra");
  assert.equal(calls[0]?.unmanaged, true);
});

test("--output files get the format their extension names; stdout gets the text", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drift-out-"));
  try {
    const summary = path.join(dir, "step_summary_0a1b"); // no extension: --format
    const info: string[] = [];
    const base = capturingLogger();
    const { done } = run({
      format: "markdown",
      outputs: [path.join(dir, "r.json"), path.join(dir, "nested", "r.md"), summary],
      color: true,
      logger: { ...base, info: (l) => info.push(l) },
    });
    await done;
    assert.deepEqual(schemaErrors(JSON.parse(fs.readFileSync(path.join(dir, "r.json"), "utf8"))), []);
    assert.match(fs.readFileSync(path.join(dir, "nested", "r.md"), "utf8"), /^## ❌ Billing drift/);
    assert.match(fs.readFileSync(summary, "utf8"), /^## ❌ Billing drift/);
    assert.ok(!fs.readFileSync(path.join(dir, "r.json"), "utf8").includes("\u001b["), "no colour in files");
    assert.match(info[0] ?? "", /Billing drift check of stack prod/);
    assert.ok(
      info.some((l) => l.includes("\u001b[31m✗ RELINKED")),
      "colour on the terminal when asked",
    );
    assert.deepEqual(
      [...fs.readdirSync(dir)].sort(),
      ["nested", "r.json", "step_summary_0a1b"],
      "no temporary file left behind",
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
