"use strict";
// Makes the pinned Pulumi engine (CLI + Node.js language host + dynamic-provider launcher) available.
//
// Order: a `pulumi` on PATH that is exactly the pinned version (or any version when
// GCP_BILLING_LINK_USE_SYSTEM_PULUMI=1) → a per-user cache keyed by version and build inputs →
// a fresh offline build from the Go tools module in tools/pulumi (first time only).
// Only Node built-ins here: it runs before and independently of `npm ci`.
const { spawnSync } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const TOOLS_DIR = path.join(ROOT, "tools", "pulumi");
const PLUGIN_BINARIES = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"];

/** The Pulumi version pinned by tools/pulumi/go.mod. */
function pinnedVersion() {
  const goMod = fs.readFileSync(path.join(TOOLS_DIR, "go.mod"), "utf8");
  const match = /^\s*github\.com\/pulumi\/pulumi\/pkg\/v3 (v\d+\.\d+\.\d+)(?:\s*\/\/ indirect)?\s*$/m.exec(
    goMod,
  );
  if (!match)
    throw new Error("tools/pulumi/go.mod does not pin github.com/pulumi/pulumi/pkg/v3 to a release");
  return match[1];
}

/** Hash of everything that goes into the build, so an edited language host is rebuilt, never reused stale. */
function buildInputsHash() {
  const hash = crypto.createHash("sha256");
  const files = [
    "go.mod",
    "go.sum",
    ...fs.readdirSync(path.join(TOOLS_DIR, "langhost")).map((f) => `langhost/${f}`),
  ];
  for (const file of files.sort()) {
    hash
      .update(file)
      .update("\0")
      .update(fs.readFileSync(path.join(TOOLS_DIR, file)))
      .update("\0");
  }
  return hash.digest("hex").slice(0, 12);
}

function cacheBase() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "gcp-billing-link", "pulumi");
}

function versionOf(pulumiPath) {
  const result = spawnSync(pulumiPath, ["version"], {
    encoding: "utf8",
    env: engineEnv(path.dirname(pulumiPath)),
  });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function findOnPath(name) {
  for (const dir of (process.env.PATH || "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return fs.realpathSync(candidate);
    } catch {
      // not here
    }
  }
  return undefined;
}

function hasAllBinaries(binDir) {
  return PLUGIN_BINARIES.every((b) => fs.existsSync(path.join(binDir, b)));
}

function systemEngine(version) {
  const pulumi = findOnPath("pulumi");
  if (!pulumi) return undefined;
  const binDir = path.dirname(pulumi);
  const forced = process.env.GCP_BILLING_LINK_USE_SYSTEM_PULUMI === "1";
  if (!forced && versionOf(pulumi) !== version) return undefined;
  if (!hasAllBinaries(binDir)) {
    if (forced) {
      throw new Error(
        `GCP_BILLING_LINK_USE_SYSTEM_PULUMI=1 but ${binDir} lacks one of ${PLUGIN_BINARIES.join(", ")}; ` +
          "install a full Pulumi CLI distribution or unset the variable to build the pinned engine",
      );
    }
    return undefined;
  }
  const root = automationRoot(binDir);
  return { root, binDir: path.join(root, "bin"), pulumi, version: versionOf(pulumi), source: "system" };
}

/**
 * The Automation API runs `<root>/bin/pulumi`. A CLI unpacked from Pulumi's tarball lives in a folder
 * named `pulumi/`, not `bin/`: give it a root of its own whose `bin/` links to its binaries.
 */
function automationRoot(binDir) {
  if (path.basename(binDir) === "bin") return path.dirname(binDir);
  const hash = crypto.createHash("sha256").update(binDir).digest("hex").slice(0, 12);
  const root = path.join(cacheBase(), `system-${hash}`);
  const linkDir = path.join(root, "bin");
  fs.mkdirSync(linkDir, { recursive: true });
  for (const name of fs.readdirSync(binDir).filter((f) => f === "pulumi" || f.startsWith("pulumi-"))) {
    const link = path.join(linkDir, name);
    const target = path.join(binDir, name);
    if (fs.existsSync(link) && fs.realpathSync(link) === fs.realpathSync(target)) continue;
    fs.rmSync(link, { force: true });
    fs.symlinkSync(target, link);
  }
  return root;
}

function requireGo() {
  const result = spawnSync("go", ["version"], { encoding: "utf8" });
  if (result.error || result.status !== 0) {
    throw new Error(
      "Go (1.26 or newer) is needed to build the pinned Pulumi CLI offline, and `go` was not found on PATH. " +
        "Install Go (e.g. `apt-get install golang` or from go.dev/dl), or put a Pulumi CLI " +
        `${pinnedVersion()} on PATH, or set GCP_BILLING_LINK_USE_SYSTEM_PULUMI=1 to use the one you have.`,
    );
  }
}

function goEnv(extra) {
  return { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly", CGO_ENABLED: "0", ...extra };
}

function go(args, options = {}) {
  const result = spawnSync("go", args, {
    cwd: TOOLS_DIR,
    stdio: ["ignore", "inherit", "inherit"],
    env: goEnv(),
    ...options,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`go ${args.join(" ")} failed with exit code ${result.status}`);
  return result;
}

function buildEngine(version, targetRoot) {
  requireGo();
  const staging = `${targetRoot}.tmp-${process.pid}`;
  const binDir = path.join(staging, "bin");
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(binDir, { recursive: true });
  const ldflags = `-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}`;
  const started = Date.now();
  console.error(
    `[engine] building Pulumi ${version} from the Go module proxy (first time only; about 4 min on 2 cores)…`,
  );
  go([
    "build",
    "-trimpath",
    "-tags",
    "grpcnotrace",
    "-ldflags",
    ldflags,
    "-o",
    path.join(binDir, "pulumi"),
    "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
  ]);
  go([
    "build",
    "-trimpath",
    "-ldflags",
    ldflags,
    "-o",
    path.join(binDir, "pulumi-language-nodejs"),
    "./langhost",
  ]);
  // The dynamic-provider launcher is a shell script shipped in the sdk module (not a Go binary).
  const sdkDir = spawnSync("go", ["list", "-m", "-f", "{{.Dir}}", `github.com/pulumi/pulumi/sdk/v3`], {
    cwd: TOOLS_DIR,
    encoding: "utf8",
    env: goEnv(),
  }).stdout.trim();
  const launcher = path.join(sdkDir, "nodejs", "dist", "pulumi-resource-pulumi-nodejs");
  if (!sdkDir || !fs.existsSync(launcher))
    throw new Error(`could not find the dynamic-provider launcher at ${launcher}`);
  fs.copyFileSync(launcher, path.join(binDir, "pulumi-resource-pulumi-nodejs"));
  fs.chmodSync(path.join(binDir, "pulumi-resource-pulumi-nodejs"), 0o755);
  const built = versionOf(path.join(binDir, "pulumi"));
  if (built !== version) throw new Error(`built pulumi reports version "${built}", expected ${version}`);
  try {
    fs.renameSync(staging, targetRoot); // atomic: a killed build never leaves a half-filled cache
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (!hasAllBinaries(path.join(targetRoot, "bin"))) throw err; // someone else won the race: fine
  }
  console.error(`[engine] built in ${Math.round((Date.now() - started) / 1000)} s → ${targetRoot}`);
}

/** Returns {root, binDir, pulumi, version, source}; `root` is what PulumiCommand.get({root}) expects. */
function ensureEngine() {
  const version = pinnedVersion();
  const system = systemEngine(version);
  if (system) return system;
  const root = path.join(cacheBase(), `${version}-${buildInputsHash()}`);
  const binDir = path.join(root, "bin");
  let source = "cache";
  if (!hasAllBinaries(binDir)) {
    buildEngine(version, root);
    source = "built";
  }
  return { root, binDir, pulumi: path.join(binDir, "pulumi"), version, source };
}

/**
 * The offline, non-interactive environment for running the engine: the pinned binaries first on PATH,
 * no update checks, no plugin downloads.
 */
function engineEnv(binDir, extra = {}) {
  return {
    ...process.env,
    PATH: `${binDir}${path.delimiter}${process.env.PATH || ""}`,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
    PULUMI_CREDENTIAL_STORE: "plaintext",
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
    ...extra,
  };
}

module.exports = { ensureEngine, engineEnv, pinnedVersion };

if (require.main === module) {
  try {
    const engine = ensureEngine();
    console.log(`${engine.pulumi} (${engine.version}, ${engine.source})`);
  } catch (err) {
    console.error(`engine: ${err.message}`);
    process.exit(1);
  }
}
