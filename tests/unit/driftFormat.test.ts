// The human and Markdown reports: the verdict first, every finding with its project and both accounts
// and what to do, errors marked as an incomplete check; colour only when asked; Markdown that table
// cells cannot break.
import assert from "node:assert/strict";
import { test } from "@jest/globals";
import { formatMarkdown } from "../../cli/src/drift/formatMarkdown";
import { formatForFile } from "../../cli/src/drift/formatReport";
import { formatText } from "../../cli/src/drift/formatText";
import { CLOSED, MAIN, SANDBOX, reportWithEveryKind } from "../support/driftReports";

const ESC = "\u001b[";

test("text: each finding names its project, the declared and the live account, and the action", () => {
  const text = formatText(reportWithEveryKind(), { color: false });
  assert.ok(!text.includes(ESC), "no colour unless asked");
  assert.match(text, /^Billing drift check of stack prod \(project billing\)/);
  assert.match(
    text,
    new RegExp(`RELINKED app-moved \\("moved"\\)\\n    declared: ${MAIN}; live: ${SANDBOX}`),
  );
  assert.match(
    text,
    new RegExp(`UNLINKED app-off \\("off"\\)\\n    declared: ${SANDBOX}; live: \\(unlinked\\)`),
  );
  assert.match(
    text,
    new RegExp(`PROJECT GONE app-gone \\("gone"\\)\\n    declared: ${SANDBOX}; live: \\(none`),
  );
  assert.match(
    text,
    new RegExp(`BILLING DISABLED app-closed \\("closed"\\)\\n    declared: ${CLOSED}; live: ${CLOSED}`),
  );
  assert.match(
    text,
    new RegExp(`UNMANAGED by-hand\\n    declared: \\(not declared by this stack\\); live: ${MAIN}`),
  );
  assert.match(text, new RegExp(`${SANDBOX}: could not be listed`));
  assert.match(text, /Result: DRIFT — 5 finding\(s\) to act on\.\n$/);
});

test("text: colour when asked; an incomplete check says ERROR even with findings", () => {
  const text = formatText(
    reportWithEveryKind([
      { scope: "account", billingAccount: SANDBOX, message: "cannot list", hint: "grant viewer" },
    ]),
    { color: true },
  );
  assert.ok(text.includes(`${ESC}31m✗ RELINKED`));
  assert.ok(text.includes("! cannot list\n    fix: grant viewer"));
  assert.match(
    text,
    /Result: ERROR — the check is incomplete \(1 error\(s\)\); 5 finding\(s\) in what could be read\./,
  );
});

test("markdown: a verdict heading and one table row per finding with both accounts", () => {
  const md = formatMarkdown(reportWithEveryKind());
  assert.match(md, /^## ❌ Billing drift: stack `prod` — 5 finding\(s\)\n/);
  assert.match(
    md,
    new RegExp(
      `\\| \\*\\*relinked\\*\\* \\| \`app-moved\` \\(\`moved\`\\) \\| \`${MAIN}\` \\| \`${SANDBOX}\` \\|`,
    ),
  );
  assert.match(
    md,
    new RegExp(
      `\\| \\*\\*unlinked\\*\\* \\| \`app-off\` \\(\`off\`\\) \\| \`${SANDBOX}\` \\| _unlinked_ \\|`,
    ),
  );
  assert.match(
    md,
    /\| \*\*project gone\*\* \| `app-gone` \(`gone`\) \| `billingAccounts\/0B1C2D-3E4F5A-6B7C8D` \| _project gone_ \|/,
  );
  assert.match(
    md,
    new RegExp(`\\| \\*\\*unmanaged\\*\\* \\| \`by-hand\` \\| _not declared_ \\| \`${MAIN}\` \\|`),
  );
  const rows = md.split("\n").filter((l) => l.startsWith("| **"));
  assert.equal(rows.length, 5);
  for (const row of rows) assert.equal(row.split(/(?<!\\)\|/).length, 7, `a row with a stray pipe: ${row}`);
});

test("markdown: server text cannot break the table or inject HTML", () => {
  const md = formatMarkdown(
    reportWithEveryKind([{ scope: "stack", message: "bad | pipe <script>x</script>\nnext line" }]),
  );
  assert.match(md, /^## ⚠️ Billing drift: stack `prod` — check incomplete/);
  assert.ok(md.includes("- bad \\| pipe &lt;script&gt;x&lt;/script&gt; next line"));
});

test("an output file's extension picks its format; any other file gets --format", () => {
  assert.equal(formatForFile("out/drift.json", "text"), "json");
  assert.equal(formatForFile("drift.MD", "json"), "markdown");
  assert.equal(formatForFile("drift.txt", "markdown"), "text");
  // GitHub's $GITHUB_STEP_SUMMARY has no extension; nor does a dotted directory make one.
  assert.equal(
    formatForFile("/home/runner/_temp/_runner_file_commands/step_summary_1f2e", "markdown"),
    "markdown",
  );
  assert.equal(formatForFile("reports.d/summary", "json"), "json");
});
