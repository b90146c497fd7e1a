// The JSON report and its published schema (cli/src/drift/driftReport.schema.json) agree, and the
// schema is strict enough to catch a report that drifted from it.
import assert from "node:assert/strict";
import { test } from "@jest/globals";
import { buildReport } from "../../cli/src/drift/buildReport";
import { formatReport } from "../../cli/src/drift/formatReport";
import { DRIFT_REPORT_SCHEMA_VERSION, FINDING_KINDS } from "../../cli/src/drift/report";
import { DRIFT_REPORT_SCHEMA } from "../../cli/src/drift/schema";
import { reportWithEveryKind, schemaErrors } from "../support/driftReports";

test("a report with every kind of finding, as printed by --format json, validates", () => {
  const printed: unknown = JSON.parse(formatReport(reportWithEveryKind(), "json", { color: false }));
  assert.deepEqual(schemaErrors(printed), []);
});

test("an error report (nothing could be read) validates", () => {
  const report = buildReport({
    stack: { name: "prod", project: "" },
    generator: "gcp-billing-link 0.1.0",
    checkedAt: new Date(0),
    links: [],
    readings: new Map(),
    listings: [],
    errors: [{ scope: "stack", message: "no stack named 'prod' found", hint: "Pass --stack NAME." }],
  });
  assert.deepEqual(schemaErrors(JSON.parse(JSON.stringify(report))), []);
});

test("the schema rejects what a reader must not be surprised by", () => {
  const good = JSON.parse(JSON.stringify(reportWithEveryKind())) as Record<string, unknown> & {
    findings: Array<Record<string, unknown>>;
  };
  assert.notDeepEqual(schemaErrors({ ...good, schemaVersion: 2 }), []);
  assert.notDeepEqual(schemaErrors({ ...good, surprise: true }), []);
  const withoutFindings: Record<string, unknown> = { ...good };
  delete withoutFindings.findings;
  assert.notDeepEqual(schemaErrors(withoutFindings), []);
  assert.notDeepEqual(schemaErrors({ ...good, findings: [{ ...good.findings[0], kind: "moved" }] }), []);
  assert.notDeepEqual(
    schemaErrors({
      ...good,
      findings: [{ ...good.findings[0], liveBillingAccount: "0B1C2D-3E4F5A-6B7C8D" }],
    }),
    [],
    "accounts are always in canonical billingAccounts/… form",
  );
});

test("the schema's version and finding kinds are the code's", () => {
  const props = DRIFT_REPORT_SCHEMA.properties as Record<string, { const?: unknown }>;
  assert.equal(props.schemaVersion?.const, DRIFT_REPORT_SCHEMA_VERSION);
  const defs = DRIFT_REPORT_SCHEMA.definitions as Record<
    string,
    { properties: Record<string, { enum?: unknown[] }> }
  >;
  assert.deepEqual(defs.finding?.properties.kind?.enum, [...FINDING_KINDS]);
});
