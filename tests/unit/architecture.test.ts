// The arrows ARCHITECTURE.md allows between the parts, checked on every import of every source file: a
// reader can trust the picture because a new arrow fails here first.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "@jest/globals";

const ROOT = path.resolve(__dirname, "..", "..");

type Part = "sdk" | "provider" | "cli" | "emulator" | "program" | "examples";

const SOURCES: Record<Part, string> = {
  sdk: "sdk/src",
  provider: "provider/src",
  cli: "cli/src",
  emulator: "emulator/src",
  program: "program",
  examples: "examples",
};

/** Which files of another part each part may import by relative path (a part may always import itself). */
const ALLOWED: Record<Part, (target: string) => boolean> = {
  sdk: () => false,
  provider: (target) => target.startsWith("sdk/src/"),
  // The CLI resolves credentials and names resources exactly as the provider does.
  cli: (target) =>
    target.startsWith("sdk/src/") ||
    ["provider/src/providerConfig", "provider/src/resourceType", "provider/src/providerError"].includes(
      target,
    ),
  emulator: () => false,
  // Programs and examples use the published entry point ("gcp-billing-link") only.
  program: () => false,
  examples: () => false,
};

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter(
      (f) => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts") && !f.split(path.sep).includes("node_modules"),
    )
    .map((f) => path.join(dir, f));
}

/** Every module specifier a file imports, re-exports or requires. */
function specifiers(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(/(?:from|import|require)\s*\(?\s*["']([^"']+)["']/g)) found.push(m[1]);
  return found;
}

/** A repo-relative module path without extension; a directory means its index. */
function moduleOf(absolute: string): string {
  const relative = path.relative(ROOT, absolute).replace(/\.(ts|js)$/, "");
  return fs.existsSync(absolute) && fs.statSync(absolute).isDirectory() ? `${relative}/index` : relative;
}

function partOf(repoPath: string): Part | undefined {
  return (Object.keys(SOURCES) as Part[]).find((part) => repoPath.startsWith(`${SOURCES[part]}/`));
}

describe("imports follow ARCHITECTURE.md", () => {
  for (const part of Object.keys(SOURCES) as Part[]) {
    test(`${part} imports only what it may`, () => {
      const violations: string[] = [];
      for (const file of sourceFiles(SOURCES[part])) {
        for (const spec of specifiers(file)) {
          if (!spec.startsWith(".")) continue; // a package; checked below for the package's own name
          const target = moduleOf(path.resolve(ROOT, path.dirname(file), spec));
          const targetPart = partOf(target);
          if (targetPart === part) continue;
          if (!ALLOWED[part](target)) violations.push(`${file} → ${spec}`);
        }
      }
      assert.deepEqual(violations, []);
    });
  }

  test("the sdk and the emulator never use the package by name, nor Pulumi (the sdk knows nothing of it)", () => {
    for (const part of ["sdk", "emulator"] as const) {
      for (const file of sourceFiles(SOURCES[part])) {
        for (const spec of specifiers(file)) {
          assert.ok(!spec.startsWith("gcp-billing-link"), `${file} imports ${spec}`);
          if (part === "sdk") assert.ok(!spec.startsWith("@pulumi/"), `${file} imports ${spec}`);
        }
      }
    }
  });

  test("the check itself sees imports: each part's files import something", () => {
    for (const part of ["sdk", "provider", "cli", "emulator"] as const) {
      const all = sourceFiles(SOURCES[part]).flatMap(specifiers);
      assert.ok(
        all.some((s) => s.startsWith(".")),
        `no relative import found in ${part}`,
      );
    }
  });
});
