// The package as users receive it: what `npm pack` puts in the tarball, and a TypeScript program that has
// nothing but that tarball (installed by npm into its own node_modules) running `pulumi up` against the
// emulator, with no install warning and without the emulator's server packages.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, test } from "@jest/globals";
import { ACCOUNTS, createBillingStack, type BillingStack } from "../support/billingStack";
import { ROOT } from "../support/builtPackage";

/** Everything a published gcp-billing-link may contain. */
const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^emulator\/seeds\/default\.json$/,
  /^dist\/(sdk|provider|cli|emulator)\/src\/.+\.(js|d\.ts)$/,
  /^dist\/cli\/src\/drift\/driftReport\.schema\.json$/,
];

/** What a user's program, the provider process and the CLI load from it. */
const REQUIRED = [
  "package.json",
  "README.md",
  "LICENSE",
  "dist/provider/src/index.js",
  "dist/provider/src/index.d.ts",
  "dist/provider/src/projectBillingLinkProvider.js",
  "dist/sdk/src/index.js",
  "dist/cli/src/main.js",
  "dist/cli/src/drift/index.js",
  "dist/cli/src/drift/driftReport.schema.json",
  "dist/emulator/src/index.js",
  "emulator/seeds/default.json",
];

function run(command: string, args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

function installedVersion(name: string): string {
  const manifest = path.join(ROOT, "node_modules", name, "package.json");
  return (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version;
}

/** A project shaped like `pulumi new typescript`, depending on the tarball and nothing of this repository. */
function writeProgram(dir: string, tarball: string): void {
  const files: Record<string, string> = {
    "package.json": JSON.stringify({
      name: "packed-consumer",
      private: true,
      dependencies: {
        "@pulumi/pulumi": installedVersion("@pulumi/pulumi"),
        "gcp-billing-link": `file:${tarball}`,
      },
      devDependencies: {
        "@types/node": installedVersion("@types/node"),
        "ts-node": installedVersion("ts-node"),
        typescript: installedVersion("typescript"),
      },
    }),
    "Pulumi.yaml": "name: packed-consumer\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n",
    "tsconfig.json": JSON.stringify({
      compilerOptions: {
        strict: true,
        target: "ES2022",
        module: "commonjs",
        moduleResolution: "node",
        skipLibCheck: true,
      },
      files: ["index.ts"],
    }),
    "index.ts": [
      'import * as pulumi from "@pulumi/pulumi";',
      'import { ProjectBillingLink } from "gcp-billing-link";',
      "const config = new pulumi.Config();",
      'const link = new ProjectBillingLink("app", {',
      '  projectId: config.require("projectId"),',
      '  billingAccount: config.require("billingAccount"),',
      "});",
      "export const billingAccount = link.billingAccount;",
      "",
    ].join("\n"),
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
}

describe("the package as npm pack builds it", () => {
  let scratch: string;
  let tarball: string;
  let files: string[];

  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gbl-pack-"));
    // prepack builds dist/ first, as `npm publish` would.
    const pack = spawnSync("npm", ["pack", "--json", "--pack-destination", scratch], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(pack.status, 0, pack.stderr);
    const json = pack.stdout.slice(pack.stdout.indexOf("["));
    const [result] = JSON.parse(json) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(scratch, result.filename);
    files = result.files.map((f) => f.path).sort();
  });

  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  test("ships the built package and nothing else: no tests, benchmarks, sources or source maps", () => {
    const unexpected = files.filter((f) => !ALLOWED.some((pattern) => pattern.test(f)));
    assert.deepEqual(unexpected, []);
    for (const f of REQUIRED) assert.ok(files.includes(f), `${f} is missing from the tarball`);
    for (const part of ["sdk", "provider", "cli", "emulator"]) {
      const sources = fs.readdirSync(path.join(ROOT, part, "src"), { recursive: true, encoding: "utf8" });
      const modules = sources.filter((f) => f.endsWith(".ts")).map((f) => f.replace(/\.ts$/, ".js"));
      for (const m of modules) assert.ok(files.includes(`dist/${part}/src/${m}`), `dist/${part}/src/${m}`);
    }
  });

  describe("a TypeScript program with only the tarball", () => {
    let program: string;
    let env: BillingStack | undefined;

    beforeAll(() => {
      program = path.join(scratch, "program");
      fs.mkdirSync(program);
      writeProgram(program, tarball);
    });

    afterAll(async () => {
      await env?.cleanup();
    });

    test("installs without an engine warning, and without the emulator's server packages", () => {
      const install = run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], program);
      assert.equal(install.status, 0, install.output);
      assert.doesNotMatch(install.output, /EBADENGINE|Unsupported engine/);
      assert.equal(fs.existsSync(path.join(program, "node_modules", "fastify")), false);
      // The emulator entry point then says what to install instead of "Cannot find module".
      const emulator = run(process.execPath, ["-e", 'require("gcp-billing-link/emulator")'], program);
      assert.notEqual(emulator.status, 0);
      assert.match(emulator.output, /npm install --save-dev fastify@\^5 @fastify\/formbody@\^9/);
      // The CLI is on the program's PATH through the package's bin.
      const cli = run(path.join(program, "node_modules", ".bin", "gcp-billing-link"), ["--help"], program);
      assert.equal(cli.status, 0, cli.output);
      assert.match(cli.output, /login[\s\S]*doctor[\s\S]*drift/);
    });

    test("pulumi up links the project and destroy releases it, through the engine and the tarball's provider", async () => {
      env = await createBillingStack({
        workDir: program,
        config: {
          "packed-consumer:projectId": { value: "team-01" },
          "packed-consumer:billingAccount": { value: ACCOUNTS.sandbox },
        },
      });
      const up = await env.stack.up();
      assert.deepEqual(up.summary.resourceChanges, { create: 2 });
      assert.equal(up.outputs.billingAccount.value, ACCOUNTS.sandbox);
      assert.equal(await env.liveAccount("team-01"), ACCOUNTS.sandbox);
      // The program lives outside this checkout, so the serialized provider's require of the runtime by
      // package name can only reach the tarball's copy in the program's own node_modules.
      const exported = JSON.stringify(await env.stack.exportStack());
      assert.match(exported, /gcp-billing-link\/provider-runtime/);
      const runtime = require.resolve("gcp-billing-link/provider-runtime", { paths: [program] });
      assert.ok(runtime.startsWith(path.join(fs.realpathSync(program), "node_modules")), runtime);
      const destroy = await env.stack.destroy();
      assert.deepEqual(destroy.summary.resourceChanges, { delete: 2 });
      assert.equal(await env.liveAccount("team-01"), "");
    });
  });
});
