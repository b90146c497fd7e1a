// The package as users get it: dist/, which `npm run build` (and so `npm test`) writes. Tests that run
// the built CLI or let programs load gcp-billing-link by name check first that dist/ is not older than
// the sources, so a forgotten build fails loudly instead of testing yesterday's code.
import * as fs from "node:fs";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");
const PACKAGE_DIRS = ["sdk", "provider", "emulator", "cli"];

function filesUnder(dir: string, extension: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(extension))
    .map((f) => path.join(dir, f));
}

let checked = false;

/** Throws unless every package directory has been built since its sources last changed. */
export function assertPackageBuilt(): void {
  if (checked) return;
  const mtime = (file: string) => fs.statSync(file).mtimeMs;
  const sources = PACKAGE_DIRS.flatMap((d) => filesUnder(path.join(ROOT, d, "src"), ".ts"));
  const outputs = PACKAGE_DIRS.flatMap((d) => filesUnder(path.join(ROOT, "dist", d, "src"), ".js"));
  const newestSource = Math.max(...sources.map(mtime));
  const oldestOutput = outputs.length ? Math.min(...outputs.map(mtime)) : -Infinity;
  if (oldestOutput < newestSource) {
    throw new Error(
      "dist/ is missing or older than the package's sources: run `npm run build` (npm test does)",
    );
  }
  checked = true;
}

/** A file of the built package, e.g. builtFile("cli/src/main.js"), after checking the build is current. */
export function builtFile(relativePath: string): string {
  assertPackageBuilt();
  return path.join(ROOT, "dist", relativePath);
}
