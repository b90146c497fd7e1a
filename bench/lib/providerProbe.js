"use strict";
// Preloaded into every Node.js process the engine starts during a benchmark (NODE_OPTIONS=--require), and
// active only in the dynamic-provider process: records when that process started, what loading our
// provider runtime cost, when the first RPC arrived, when the first OAuth token response came back and the
// CPU it used, into $GBL_BENCH_PROBE_DIR/<pid>.json when it exits. Measures; changes nothing it observes.
const dir = process.env.GBL_BENCH_PROBE_DIR;
if (dir && process.argv.some((a) => a.includes("dynamic-provider"))) {
  const fs = require("node:fs");
  const path = require("node:path");
  const http = require("node:http");
  const Module = require("node:module");
  const { performance } = require("node:perf_hooks");
  const { URL } = require("node:url");
  const record = { pid: process.pid, bootMs: performance.now() };

  const load = Module._load;
  Module._load = function (request, ...rest) {
    if (request !== "gcp-billing-link/provider-runtime" || record.runtimeRequireMs !== undefined) {
      return load.call(this, request, ...rest);
    }
    const started = performance.now();
    const runtime = load.call(this, request, ...rest);
    record.runtimeRequireMs = performance.now() - started;
    record.runtimeRequiredAtMs = started;
    const configure = runtime.provider.configure;
    runtime.provider.configure = async (...args) => {
      const t = performance.now();
      try {
        return await configure(...args);
      } finally {
        record.configureMs ??= performance.now() - t;
      }
    };
    return runtime;
  };

  // The first OAuth token response (gaxios sends through node-fetch, which uses http.request).
  const request = http.request;
  http.request = function (...args) {
    const req = request.apply(this, args);
    const target = args.find((a) => a && typeof a === "object" && !(a instanceof URL)) ?? {};
    const where =
      typeof args[0] === "string" ? args[0] : args[0] instanceof URL ? args[0].pathname : (target.path ?? "");
    if (/\/token(\?|$)/.test(where) && record.firstTokenAtMs === undefined) {
      const sent = performance.now();
      req.once("response", (res) =>
        res.once("end", () => {
          if (record.firstTokenAtMs !== undefined) return;
          record.firstTokenAtMs = performance.now();
          record.firstTokenMs = record.firstTokenAtMs - sent;
        }),
      );
    }
    if (record.firstHttpAtMs === undefined) record.firstHttpAtMs = performance.now();
    return req;
  };

  const write = () => {
    const cpu = process.cpuUsage();
    record.cpuMs = (cpu.user + cpu.system) / 1000;
    record.wallMs = performance.now();
    record.maxRssKiB = process.resourceUsage().maxRSS;
    try {
      fs.writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify(record));
    } catch {
      // The benchmark then reports the figure as missing; never fail the provider.
    }
  };
  process.once("exit", write);
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      write();
      process.exit(0);
    });
  }
}
