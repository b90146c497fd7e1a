export { checkDrift, GENERATOR, type DriftOptions } from "./checkDrift";
export {
  DRIFT_REPORT_SCHEMA_VERSION,
  FINDING_KINDS,
  type AccountListing,
  type DriftReport,
  type Finding,
  type FindingKind,
  type LinkResult,
  type LinkStatus,
  type ReportError,
  type ReportStatus,
} from "./report";
export { formatReport, isReportFormat, REPORT_FORMATS, type ReportFormat } from "./formatReport";
export { DRIFT_REPORT_SCHEMA } from "./schema";
