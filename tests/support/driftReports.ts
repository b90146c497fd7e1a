// Shared by the drift tests: validates reports against the published JSON Schema, and builds one with
// every finding kind for the formatter tests.
import Ajv from "ajv";
import { buildReport } from "../../cli/src/drift/buildReport";
import type { LinkReading, StackLink } from "../../cli/src/drift/classify";
import { DRIFT_REPORT_SCHEMA } from "../../cli/src/drift/schema";
import type { DriftReport } from "../../cli/src/drift/report";
import { ACCOUNTS } from "./seed";

const validate = new Ajv({ allErrors: true, strict: true }).compile(DRIFT_REPORT_SCHEMA);

/** The schema's complaints about `value`, one line each; empty when it validates. */
export function schemaErrors(value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`);
}

export const MAIN = ACCOUNTS.main;
export const SANDBOX = ACCOUNTS.sandbox;
export const CLOSED = "billingAccounts/0C1C2C-3C4C5C-6C7C8C";

function link(resource: string, projectId: string, declared: string): StackLink {
  return {
    urn: `urn:pulumi:prod::billing::pulumi-nodejs:dynamic/gcp-billing:ProjectBillingLink::${resource}`,
    resource,
    projectId,
    declaredBillingAccount: declared,
  };
}

/** A report with one link of each status and one finding of each kind. */
export function reportWithEveryKind(errors: DriftReport["errors"] = []): DriftReport {
  const links = [
    link("ok", "app-ok", MAIN),
    link("moved", "app-moved", MAIN),
    link("off", "app-off", SANDBOX),
    link("gone", "app-gone", SANDBOX),
    link("closed", "app-closed", CLOSED),
  ];
  const readings = new Map<string, LinkReading>([
    [links[0]!.urn, { kind: "live", billingAccount: MAIN, billingEnabled: true }],
    [links[1]!.urn, { kind: "live", billingAccount: SANDBOX, billingEnabled: true }],
    [links[2]!.urn, { kind: "live", billingAccount: "", billingEnabled: false }],
    [links[3]!.urn, { kind: "gone" }],
    [links[4]!.urn, { kind: "live", billingAccount: CLOSED, billingEnabled: false }],
  ]);
  return buildReport({
    stack: { name: "prod", project: "billing" },
    generator: "gcp-billing-link 0.1.0",
    checkedAt: new Date("2025-01-02T03:04:05.678Z"),
    links,
    readings,
    listings: [
      { billingAccount: MAIN, projectIds: ["app-ok", "app-moved", "by-hand"] },
      { billingAccount: SANDBOX, projectIds: null },
    ],
    errors,
  });
}
