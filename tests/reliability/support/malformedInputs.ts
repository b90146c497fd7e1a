// Malformed ProjectBillingLink arguments, one bad property per row, as a program could pass them: the
// links fixture reads its links from JSON config, so numbers, null, objects, arrays and booleans arrive
// as such. Each row says which property must be named and what the message must say about it.

export type LinkProperty = "projectId" | "billingAccount" | "deletionPolicy";

export interface MalformedInput {
  /** What is wrong, in words (for failure messages). */
  what: string;
  property: LinkProperty;
  value: unknown;
  /** What the error must say after `<property> `. */
  reason: RegExp;
}

/** A well-formed value for the properties a row leaves alone. */
export const WELL_FORMED = { projectId: "bad-input-ok", billingAccount: "01A2B3-C4D5E6-F7A8B9" };

const NOT_VALID = /^"[^\n]*" is not valid[^\n]*; expected /;
const REQUIRED = /^is required$/;
const TEN_KB = 10 * 1024;
/** The string the engine passes to providers for a value not yet known at preview. */
export const ENGINE_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const project = (what: string, value: unknown, reason: RegExp = NOT_VALID): MalformedInput => ({
  what,
  property: "projectId",
  value,
  reason,
});
const account = (what: string, value: unknown, reason: RegExp = NOT_VALID): MalformedInput => ({
  what,
  property: "billingAccount",
  value,
  reason,
});
const policy = (what: string, value: unknown): MalformedInput => ({
  what,
  property: "deletionPolicy",
  value,
  reason: /^must be one of "unlink", "abandon", "restore"; got /,
});
const notAString = (type: string): RegExp => new RegExp(`^must be a string, got ${type}$`);

export const MALFORMED_INPUTS: MalformedInput[] = [
  project("empty", "", REQUIRED),
  project("spaces only", "   ", NOT_VALID),
  project("tabs only", "\t\t", NOT_VALID),
  project("a space inside", "demo app prod"),
  project("a tab inside", "demo-app\tprod"),
  project("a newline inside", "demo-app\nprod"),
  project("Cyrillic а for a", "demo-аpp-prod"),
  project("Cyrillic о for o", "demо-app-prod"),
  project("fullwidth digits", "demo-app-１２３"),
  project("a zero-width space", "demo-app\u200b-prod"),
  project(
    "projects/ prefix",
    "projects/demo-app-prod",
    /^"projects\/demo-app-prod" is not valid \(pass the project ID "demo-app-prod", not the resource name\)/,
  ),
  project("path traversal", "../demo-app-prod"),
  project("path traversal after the ID", "demo-app-prod/../../billingAccounts"),
  project("an encoded slash", "demo-app%2Fprod"),
  project("an encoded dot-dot-slash", "%2E%2E%2Fdemo-app-prod"),
  project("10 kB", "a".repeat(TEN_KB)),
  project(
    "domain-scoped, with a 10 kB domain",
    `${"a.".repeat(TEN_KB / 2)}com:demo-app-prod`,
    /^"a\.a\.[^\n]*" is not valid \(its domain is over 253 characters\); expected /,
  ),
  project("upper case", "Demo-App-Prod", /^"Demo-App-Prod" is not valid \(project IDs are lower-case\)/),
  project("5 characters, one too short", "abcde"),
  project("31 characters, one too long", `a${"b".repeat(30)}`),
  project("a project number", "123456789012", /\(a project number is not a project ID\)/),
  project("starts with a digit", "1demo-app-prod"),
  project("ends with a hyphen", "demo-app-prod-"),
  project("underscores", "demo_app_prod"),
  project("a domain with no project", "example.com:"),
  project("a project with an empty domain", ":demo-app-prod"),
  project("the engine's unknown-value marker, typed in", ENGINE_UNKNOWN),
  project("a number", 12345678, notAString("number")),
  project("null", null, REQUIRED),
  project("an object", { id: "demo-app-prod" }, notAString("object")),
  project("an array", ["demo-app-prod"], notAString("an array")),
  project("a boolean", true, notAString("boolean")),
  account("empty", "", REQUIRED),
  account("spaces and tabs only", " \t ", NOT_VALID),
  account("two groups", "012345-ABCDEF"),
  account("a 5-character group", "012345-567890-ABCDE"),
  account("a 7-character group", "012345-567890-ABCDEF0"),
  account("no hyphens", "012345567890ABCDEF"),
  account("G is not hex", "012345-567890-ABCDEG"),
  account("billingAccounts/ with nothing", "billingAccounts/"),
  account(
    "the prefix twice",
    "billingAccounts/billingAccounts/01A2B3-C4D5E6-F7A8B9",
    /\(the billingAccounts\/ prefix appears twice\)/,
  ),
  account(
    "a mis-cased prefix",
    "BillingAccounts/01A2B3-C4D5E6-F7A8B9",
    /\(the prefix is case-sensitive: billingAccounts\/\)/,
  ),
  account("a projects/ name", "projects/demo-app-prod"),
  account("Cyrillic А for A", "01А2B3-C4D5E6-F7A8B9"),
  account("fullwidth digits", "０１A2B3-C4D5E6-F7A8B9"),
  account("en dashes", "01A2B3–C4D5E6–F7A8B9"),
  account("a ligature that upper-cases to FF", "01A2B3-C4D5E6-F7A8ﬀ"),
  account("path traversal", "billingAccounts/../01A2B3-C4D5E6-F7A8B9"),
  account("an encoded slash", "billingAccounts%2F01A2B3-C4D5E6-F7A8B9"),
  account("a trailing path", "01A2B3-C4D5E6-F7A8B9/projects"),
  account("10 kB", "0".repeat(TEN_KB)),
  account("the engine's unknown-value marker, typed in", ENGINE_UNKNOWN),
  account("a number", 12345, notAString("number")),
  account("null", null, REQUIRED),
  account("an object", { name: "billingAccounts/01A2B3-C4D5E6-F7A8B9" }, notAString("object")),
  account("an array", ["01A2B3-C4D5E6-F7A8B9"], notAString("an array")),
  account("a boolean", false, notAString("boolean")),
  policy("unknown policy", "delete"),
  policy("mis-cased policy", "Restore"),
  policy("a number", 1),
  policy("an object", { policy: "restore" }),
  policy("the engine's unknown-value marker, typed in", ENGINE_UNKNOWN),
];
