// The example GitHub Actions workflows (examples/pipelines/*.yml) parse as YAML, run on the events they
// promise, and reference only commands that exist: every `gcp-billing-link` verb and flag is one this
// CLI defines, every `pulumi` command and flag is one the pinned Pulumi CLI accepts, every shell step
// parses, every action is pinned to a major version, and every secret is documented in the file.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "@jest/globals";
import { parse } from "yaml";
import { buildProgram } from "../../cli/src/main";
import { silentLogger } from "../../cli/src/output";
import { ROOT } from "../browser/support/cliProcess";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureEngine, engineEnv } = require("../../scripts/engine.js") as {
  ensureEngine(): { binDir: string };
  engineEnv(binDir: string): Record<string, string>;
};

const DIR = path.join(ROOT, "examples", "pipelines");

interface Step {
  uses?: string;
  run?: string;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { steps: Step[] }>;
}

function load(file: string): { text: string; workflow: Workflow } {
  const text = fs.readFileSync(path.join(DIR, file), "utf8");
  return { text, workflow: parse(text, { strict: true, uniqueKeys: true }) as Workflow };
}

const steps = (w: Workflow): Step[] => Object.values(w.jobs).flatMap((j) => j.steps);

/** Shell words of one logical line: quotes removed, `$VAR` and `"$VAR"` kept as words. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3] ?? "");
  return out;
}

/** Every invocation of `tool` in a run script: its words up to the end of that command. */
function invocations(script: string, tool: string): string[][] {
  const lines = script.replace(/\\\n\s*/g, " ").split("\n");
  const found: string[][] = [];
  for (const line of lines) {
    const w = words(line.replace(/#.*$/, ""));
    const at = w.indexOf(tool);
    if (at < 0) continue;
    const rest = w.slice(at + 1);
    const end = rest.findIndex((x) => [";", "&&", "||", "|", ">", ">>"].includes(x));
    found.push(end < 0 ? rest : rest.slice(0, end));
  }
  return found;
}

const flagsOf = (args: string[]): string[] =>
  args.filter((a) => a.startsWith("-")).map((a) => a.split("=")[0]!);

describe("examples/pipelines workflows", () => {
  const drift = load("drift-check.yml");
  const deploy = load("deploy.yml");
  const all = [drift, deploy];

  test("they run on a schedule (drift) and on pull requests and merges (deploy)", () => {
    const schedule = drift.workflow.on.schedule as Array<{ cron: string }>;
    assert.equal(schedule[0]?.cron.split(/\s+/).length, 5);
    assert.ok("workflow_dispatch" in drift.workflow.on);
    assert.ok("pull_request" in deploy.workflow.on && "push" in deploy.workflow.on);
  });

  test("every gcp-billing-link verb and flag exists in this CLI", () => {
    const program = buildProgram(silentLogger, {});
    const calls = all.flatMap(({ workflow }) =>
      steps(workflow).flatMap((s) => (s.run ? invocations(s.run, "gcp-billing-link") : [])),
    );
    assert.ok(calls.length > 0);
    for (const [verb, ...args] of calls) {
      const command = program.commands.find((c) => c.name() === verb);
      assert.ok(command, `no gcp-billing-link verb "${verb}"`);
      const known = command.options.flatMap((o) => [o.long, o.short]).filter((f): f is string => !!f);
      for (const flag of flagsOf(args))
        assert.ok(known.includes(flag), `gcp-billing-link ${verb} has no ${flag}`);
    }
  });

  test("every pulumi command and flag exists in the pinned Pulumi CLI", () => {
    const { binDir } = ensureEngine();
    const calls = all.flatMap(({ workflow }) =>
      steps(workflow).flatMap((s) => (s.run ? invocations(s.run, "pulumi") : [])),
    );
    assert.ok(calls.length > 0);
    for (const [verb, ...args] of calls) {
      const help = spawnSync(path.join(binDir, "pulumi"), [verb!, "--help"], {
        env: engineEnv(binDir),
        encoding: "utf8",
      });
      assert.equal(help.status, 0, `pulumi ${verb} --help failed: ${help.stderr}`);
      for (const flag of flagsOf(args)) {
        assert.match(help.stdout, new RegExp(`\\s${flag}[\\s=,]`), `pulumi ${verb} has no ${flag}`);
      }
    }
  });

  test("every run step is valid bash, and every action is pinned to a major version", () => {
    for (const { workflow } of all) {
      for (const step of steps(workflow)) {
        if (step.run) {
          const check = spawnSync("bash", ["-n", "-c", step.run], { encoding: "utf8" });
          assert.equal(check.status, 0, `${check.stderr}\n${step.run}`);
        }
        if (step.uses) assert.match(step.uses, /^[\w.-]+\/[\w.-]+@v\d+$/);
      }
    }
  });

  test("every secret a workflow uses is documented at its top", () => {
    for (const { text } of all) {
      const header = text.split("\nname:")[0] ?? "";
      for (const m of text.matchAll(/secrets\.([A-Z_]+)/g)) {
        assert.ok(header.includes(m[1]!), `secret ${m[1]} is not documented in the header`);
      }
    }
  });
});
