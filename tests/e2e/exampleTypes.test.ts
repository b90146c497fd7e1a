// The examples type-check as a user's project does: with their own tsconfig.json, against the types the
// package publishes (dist/…/index.d.ts from `npm run build`), not against its sources. So a breaking change
// to ProjectBillingLink's inputs fails here, and a misspelled input in an example is caught.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "@jest/globals";
import ts from "typescript";
import { assertPackageBuilt, builtFile } from "../support/builtPackage";

const ROOT = path.resolve(__dirname, "..", "..");
const EXAMPLES = path.join(ROOT, "examples");
const PUBLISHED_TYPES = "provider/src/index.d.ts"; // under dist/

interface Compiled {
  errors: string[];
  /** Where `import … from "gcp-billing-link"` resolved for the example. */
  packageTypes: string | undefined;
  sourceFiles: string[];
}

// Parsed declaration files (lib, @pulumi/pulumi, the package's), shared by every compilation in this file:
// parsing them dominates a compilation, and they never change during a run.
const parsedFiles = new Map<string, ts.SourceFile | undefined>();

/** Type-checks examples/<name> with its own tsconfig.json; `edit` changes index.ts in memory first. */
function typeCheckExample(name: string, edit?: (source: string) => string): Compiled {
  assertPackageBuilt();
  const dir = path.join(EXAMPLES, name);
  const entry = path.join(dir, "index.ts");
  const { config, error } = ts.readConfigFile(path.join(dir, "tsconfig.json"), ts.sys.readFile);
  assert.equal(error, undefined, `examples/${name}/tsconfig.json does not parse`);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dir);
  const options = { ...parsed.options, noEmit: true };
  const host = ts.createCompilerHost(options);
  const readSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    if (path.resolve(fileName) === entry) {
      const source = fs.readFileSync(entry, "utf8");
      return ts.createSourceFile(fileName, edit ? edit(source) : source, languageVersion);
    }
    if (!parsedFiles.has(fileName))
      parsedFiles.set(fileName, readSourceFile(fileName, languageVersion, ...rest));
    return parsedFiles.get(fileName);
  };
  const program = ts.createProgram({ rootNames: parsed.fileNames, options, host });
  return {
    errors: ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")),
    packageTypes: ts.resolveModuleName("gcp-billing-link", entry, options, host).resolvedModule
      ?.resolvedFileName,
    sourceFiles: program.getSourceFiles().map((f) => path.resolve(f.fileName)),
  };
}

/** Replaces exactly one match of `pattern` in the example's source, so a mutation can never go missing. */
function replaceOnce(pattern: RegExp, replacement: string): (source: string) => string {
  return (source) => {
    assert.equal(source.match(new RegExp(pattern, "gm"))?.length, 1, `${pattern} must match exactly once`);
    return source.replace(pattern, replacement);
  };
}

// The line that passes billingAccount into `new ProjectBillingLink(…)` in each example.
const BILLING_ACCOUNT_INPUT: Record<string, RegExp> = {
  "single-link": /^(\s+)billingAccount: config\.require\("billingAccount"\),$/m,
  "multi-project": /^(\s+)billingAccount: declared\.billingAccount,$/m,
  "stack-config-credentials": /^(\s+)billingAccount: config\.require\("billingAccount"\),$/m,
};

describe.each(Object.keys(BILLING_ACCOUNT_INPUT))("examples/%s", (name) => {
  test("type-checks against the published types, not the package's sources", () => {
    const compiled = typeCheckExample(name);
    assert.deepEqual(compiled.errors, []);
    assert.equal(compiled.packageTypes, builtFile(PUBLISHED_TYPES));
    const fromSources = compiled.sourceFiles.filter((f) => f.startsWith(path.join(ROOT, "provider")));
    assert.deepEqual(fromSources, []);
  });

  test("a misspelled billingAccount input fails the type-check, naming the property", () => {
    const compiled = typeCheckExample(name, replaceOnce(BILLING_ACCOUNT_INPUT[name], "$1billingAcount: '',"));
    assert.ok(
      compiled.errors.some((e) => /'billingAcount' does not exist in type 'ProjectBillingLinkArgs'/.test(e)),
      compiled.errors.join("\n"),
    );
  });
});

test("examples/single-link: a deletionPolicy outside unlink | abandon | restore fails the type-check", () => {
  const compiled = typeCheckExample(
    "single-link",
    replaceOnce(/^(\s+)deletionPolicy: "restore",$/m, '$1deletionPolicy: "keep",'),
  );
  assert.ok(
    compiled.errors.some((e) => /Type '"keep"' is not assignable to type/.test(e)),
    compiled.errors.join("\n"),
  );
});
