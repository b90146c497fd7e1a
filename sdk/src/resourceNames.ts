/**
 * The only place that parses or builds Cloud Billing resource names (docs/conventions.md "Naming"). Everything is
 * validated before a request is made, so a malformed ID never reaches Google (where a doubled prefix
 * produces an HTML 404, pulumi-gcp#1212) and the message can show the accepted forms.
 */
import { InvalidResourceNameError } from "./errors";

const PROJECT_FORMS =
  'a project ID: 6-30 characters of lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen (e.g. "my-project-123"), optionally domain-scoped ("example.com:my-project")';
const ACCOUNT_FORMS = '"012345-567890-ABCDEF" or "billingAccounts/012345-567890-ABCDEF"';

// https://cloud.google.com/resource-manager/docs/creating-managing-projects#before_you_begin
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
// Legacy domain-scoped IDs ("google.com:foo"); the domain part follows DNS label rules.
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
/** The longest DNS name (RFC 1035). */
const MAX_DOMAIN = 253;
const ACCOUNT_ID = /^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/;
const ACCOUNT_ID_ANY_CASE = /^[0-9A-Fa-f]{6}-[0-9A-Fa-f]{6}-[0-9A-Fa-f]{6}$/;
const ACCOUNT_PREFIX = "billingAccounts/";

/** Shows the rejected input safely: quoted (so stray tabs are visible) and capped. */
function show(input: unknown): string {
  if (typeof input !== "string") return `a ${input === null ? "null" : typeof input}`;
  const quoted = JSON.stringify(input);
  return quoted.length > 80 ? `${quoted.slice(0, 77)}…"` : quoted;
}

function reject(field: string, input: unknown, forms: string, extra = ""): never {
  throw new InvalidResourceNameError(`${field} ${show(input)} is not valid${extra}; expected ${forms}.`, {
    status: "INVALID_ARGUMENT",
    reason: "INVALID_RESOURCE_NAME",
    resource: field,
    hint: `Use ${forms}.`,
  });
}

/**
 * Validates a project ID by Google's rules and returns it (surrounding whitespace trimmed).
 * `projects/x`, project numbers and upper-case IDs are rejected with a specific reason.
 */
export function parseProjectId(input: string, field = "projectId"): string {
  if (typeof input !== "string") reject(field, input, PROJECT_FORMS);
  const id = input.trim();
  if (id.startsWith("projects/")) {
    reject(field, input, PROJECT_FORMS, ` (pass the project ID "${id.slice(9, 40)}", not the resource name)`);
  }
  if (/^[0-9]+$/.test(id)) reject(field, input, PROJECT_FORMS, " (a project number is not a project ID)");
  if (id !== id.toLowerCase()) reject(field, input, PROJECT_FORMS, " (project IDs are lower-case)");
  const colon = id.lastIndexOf(":");
  if (colon === -1) {
    if (!PROJECT_ID.test(id)) reject(field, input, PROJECT_FORMS);
    return id;
  }
  const domain = id.slice(0, colon);
  const local = id.slice(colon + 1);
  // DOMAIN bounds each label, not how many there are: without this a 10 kB ID would reach the API.
  if (domain.length > MAX_DOMAIN)
    reject(field, input, PROJECT_FORMS, ` (its domain is over ${MAX_DOMAIN} characters)`);
  if (!DOMAIN.test(domain) || !PROJECT_ID.test(local)) reject(field, input, PROJECT_FORMS);
  return id;
}

/**
 * Accepts `012345-567890-ABCDEF` or `billingAccounts/012345-567890-ABCDEF` (trimmed, upper-cased) and
 * returns the canonical `billingAccounts/012345-567890-ABCDEF`.
 */
export function parseBillingAccountName(input: string, field = "billingAccount"): string {
  if (typeof input !== "string") reject(field, input, ACCOUNT_FORMS);
  let id = input.trim();
  // The prefix is case-sensitive on the wire; accept exactly one, in its documented spelling.
  if (id.startsWith(ACCOUNT_PREFIX)) id = id.slice(ACCOUNT_PREFIX.length);
  // Decided before upper-casing, which would make a mis-cased single prefix look like a second one.
  const why = id.startsWith(ACCOUNT_PREFIX)
    ? " (the billingAccounts/ prefix appears twice)"
    : id.toLowerCase().startsWith(ACCOUNT_PREFIX.toLowerCase())
      ? " (the prefix is case-sensitive: billingAccounts/)"
      : "";
  // Checked before upper-casing too: toUpperCase maps some non-ASCII letters onto hex digits (the
  // ligature "ﬀ" becomes "FF"), which would send the API an account the user never typed.
  if (!ACCOUNT_ID_ANY_CASE.test(id)) reject(field, input, ACCOUNT_FORMS, why);
  id = id.toUpperCase();
  if (!ACCOUNT_ID.test(id)) reject(field, input, ACCOUNT_FORMS, why);
  return `${ACCOUNT_PREFIX}${id}`;
}

/** `billingAccounts/012345-567890-ABCDEF` (or the bare ID) → `012345-567890-ABCDEF`. */
export function billingAccountId(name: string): string {
  return parseBillingAccountName(name).slice(ACCOUNT_PREFIX.length);
}

/** `projects/{id}` for messages and error `resource` fields. */
export function projectName(projectId: string): string {
  return `projects/${parseProjectId(projectId)}`;
}

/** API paths, each segment percent-encoded even though validation already excludes `/`. */
export const apiPaths = {
  projectBillingInfo: (projectId: string): string =>
    `v1/projects/${encodeURIComponent(projectId)}/billingInfo`,
  billingAccount: (name: string): string =>
    `v1/billingAccounts/${encodeURIComponent(billingAccountId(name))}`,
  billingAccounts: (): string => "v1/billingAccounts",
  billingAccountProjects: (name: string): string =>
    `v1/billingAccounts/${encodeURIComponent(billingAccountId(name))}/projects`,
  testIamPermissions: (name: string): string =>
    `v1/billingAccounts/${encodeURIComponent(billingAccountId(name))}:testIamPermissions`,
};
