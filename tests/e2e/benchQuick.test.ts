// `npm run bench -- --quick` end to end, so the benchmark harness cannot rot between full runs: every
// section runs once at a tiny size and writes well-formed results. Timings are never asserted (they are
// what the full run measures, on a quiet machine); what is asserted is what each section must produce.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "@jest/globals";
import { runBench, writeResults } from "../../bench/run";
import { parseOptions, SECTIONS } from "../../bench/lib/options";
import type { BenchResults } from "../../bench/lib/report";
import { ROOT } from "../support/builtPackage";

const finite = (x: unknown) => typeof x === "number" && Number.isFinite(x);

test("the quick benchmark runs every section and writes results.json and results.md", async () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "gbl-bench-quick-"));
  try {
    const opts = parseOptions(["--quick", "--out", outDir], ROOT);
    writeResults(await runBench(opts, () => undefined), outDir);
    const results = JSON.parse(fs.readFileSync(path.join(outDir, "results.json"), "utf8")) as BenchResults;
    assert.equal(results.quick, true);
    assert.deepEqual(Object.keys(results.sections).sort(), [...SECTIONS].sort());

    const [engine] = results.sections.engine ?? [];
    assert.equal(engine.n, 3);
    for (const [op, r] of Object.entries(engine.operations)) {
      assert.ok(finite(r.oursMs.median) && finite(r.floorMs.median) && finite(r.ratio.median), op);
      assert.equal(r.oursSamplesMs.length, 1, op);
    }
    // The request counts are exact, so they are checked: 1 read + 1 write per created link, none per link
    // for a plain preview, 1 read for a refresh, one token per engine run.
    assert.equal(engine.operations.up.calls["projects.getBillingInfo"], 3);
    assert.equal(engine.operations.up.calls["projects.updateBillingInfo"], 3);
    assert.equal(engine.operations.preview.calls["projects.getBillingInfo"] ?? 0, 0);
    assert.equal(engine.operations["preview --refresh"].calls["projects.getBillingInfo"], 3);
    assert.equal(engine.operations.destroy.calls["projects.updateBillingInfo"], 3);
    for (const r of Object.values(engine.operations)) assert.equal(r.calls["oauth.token"], 1);
    assert.ok(finite(engine.providerProcess.ours.runtimeRequireMs?.median), "the probe saw the runtime load");
    assert.ok(engine.state.oursBytesPerLink > 0 && engine.state.providerBytes > 0);

    const [limiter] = results.sections.limiter ?? [];
    assert.deepEqual(limiter.failures, { default: 0, unlimited: 0 });
    assert.ok(finite(limiter.ratio.median) && finite(limiter.quotaMinimumMs));
    const throttled = results.sections.throttled;
    assert.deepEqual(
      throttled?.cases.map((c) => [c.quotaPerMinute, c.failures, c.throttlingShownToUser]),
      [
        [300, 0, 0],
        [600, 0, 0],
      ],
    );
    assert.equal(results.sections.manyStacks?.failures, 0);
    assert.equal(results.sections.manyStacks?.throttledPerStack[0].length, 2);
    const clients = results.sections.coldStart ?? [];
    assert.equal(clients.length, 6);
    for (const c of clients) assert.ok(finite(c.firstResultAtMs.median) && c.installedMiB > 0, c.client);
    assert.equal(clients.find((c) => c.client === "sdk, static token")?.loadsGoogleAuthLibrary, false);

    assert.match(fs.readFileSync(path.join(outDir, "results.md"), "utf8"), /## Engine overhead/);
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
});
