/** The report's JSON Schema (draft-07), as an object: `ajv.compile(DRIFT_REPORT_SCHEMA)`. */
import schema from "./driftReport.schema.json";

export const DRIFT_REPORT_SCHEMA: Readonly<Record<string, unknown>> = schema;
