/** Validation and normalization of ProjectBillingLink inputs: pure, so `check` and `diff` stay cheap. */
import { InvalidResourceNameError, parseBillingAccountName, parseProjectId } from "../../sdk/src";
import {
  DEFAULT_DELETION_POLICY,
  DELETION_POLICIES,
  type DeletionPolicy,
  type DeletionPolicyOrigin,
  type ProjectBillingLinkInputs,
} from "./types";

/** The engine passes this string for values not yet known during preview. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface InputFailure {
  property: "projectId" | "billingAccount" | "deletionPolicy";
  reason: string;
}

export interface NormalizedInputs {
  inputs: ProjectBillingLinkInputs;
  failures: InputFailure[];
  /**
   * True when the link declares no policy and keeps the `"unlink"` that version 0.1 recorded as its
   * default: destroy will unlink it, which the current default would not do. The provider warns about it.
   */
  keepsLegacyUnlink: boolean;
}

type Raw = Record<string, unknown>;

export interface NormalizeOptions {
  /**
   * Whether UNKNOWN_VALUE means "not known yet" (default). In the program a computed value is an Output,
   * never this string, so there it can only have been typed in and is validated like any other string.
   */
  unknowns?: boolean;
}

/**
 * Normalizes what a program declared; unknown (preview-time) values pass through untouched. `olds` are the
 * inputs recorded at the last update, which decide the policy of a link that declares none.
 */
export function normalizeInputs(news: Raw, olds: Raw = {}, options: NormalizeOptions = {}): NormalizedInputs {
  const failures: InputFailure[] = [];
  const unknowns = options.unknowns ?? true;
  const projectId = normalizeName(news.projectId, "projectId", parseProjectId, failures, unknowns);
  const billingAccount = normalizeName(
    news.billingAccount,
    "billingAccount",
    parseBillingAccountName,
    failures,
    unknowns,
  );
  const policy = resolveDeletionPolicy(news.deletionPolicy, olds, failures, unknowns);
  const inputs: ProjectBillingLinkInputs = {
    projectId,
    billingAccount,
    deletionPolicy: policy.deletionPolicy,
    __deletionPolicyOrigin: policy.origin,
  };
  if (typeof news.__urn === "string" && news.__urn !== UNKNOWN_VALUE) inputs.__urn = news.__urn;
  return {
    inputs,
    failures,
    keepsLegacyUnlink: policy.origin === "legacy-default" && policy.deletionPolicy === "unlink",
  };
}

/**
 * Re-validates inputs that `check` already produced (what `create`/`update` receive): the names again,
 * and the recorded policy and its origin as they are.
 */
export function normalizeCheckedInputs(checked: Raw): NormalizedInputs {
  const origin = checked.__deletionPolicyOrigin;
  const recorded = isPolicy(checked.deletionPolicy) && (origin === "default" || origin === "legacy-default");
  // A recorded default is re-read as "keep what is recorded"; a declared policy as declared.
  const news = recorded ? { ...checked, deletionPolicy: undefined } : checked;
  return normalizeInputs(news, checked);
}

function normalizeName(
  value: unknown,
  property: "projectId" | "billingAccount",
  parse: (input: string, field?: string) => string,
  failures: InputFailure[],
  unknowns: boolean,
): string {
  if (unknowns && value === UNKNOWN_VALUE) return value;
  if (value === undefined || value === null || value === "") {
    failures.push({ property, reason: `${property} is required` });
    return "";
  }
  if (typeof value !== "string") {
    failures.push({ property, reason: `${property} must be a string, got ${describeType(value)}` });
    return "";
  }
  try {
    return parse(value, property);
  } catch (err) {
    if (err instanceof InvalidResourceNameError) {
      failures.push({ property, reason: err.message });
      return value;
    }
    throw err;
  }
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  return value === null ? "null" : typeof value;
}

function isPolicy(value: unknown): value is DeletionPolicy {
  return typeof value === "string" && (DELETION_POLICIES as readonly string[]).includes(value);
}

interface ResolvedPolicy {
  deletionPolicy: DeletionPolicy;
  origin: DeletionPolicyOrigin;
}

/**
 * A declared policy wins. A link that declares none keeps the policy recorded when it was created (so a
 * package upgrade never silently changes what destroy does), unless the recorded one was declared and has
 * since been removed from the program: then the current default applies.
 */
function resolveDeletionPolicy(
  declared: unknown,
  olds: Raw,
  failures: InputFailure[],
  unknowns: boolean,
): ResolvedPolicy {
  const undeclared =
    declared === undefined ||
    declared === null ||
    declared === "" ||
    (unknowns && declared === UNKNOWN_VALUE);
  if (!undeclared) {
    if (isPolicy(declared)) return { deletionPolicy: declared, origin: "declared" };
    failures.push({
      property: "deletionPolicy",
      reason: `deletionPolicy must be one of ${DELETION_POLICIES.map((p) => `"${p}"`).join(", ")}; got ${JSON.stringify(declared)}`,
    });
    return { deletionPolicy: DEFAULT_DELETION_POLICY, origin: "declared" };
  }
  if (isPolicy(olds.deletionPolicy)) {
    const origin = olds.__deletionPolicyOrigin;
    // State from version 0.1 carries no origin: its policy may have been its default, so it is kept.
    if (origin === undefined || origin === "legacy-default")
      return { deletionPolicy: olds.deletionPolicy, origin: "legacy-default" };
    if (origin === "default") return { deletionPolicy: olds.deletionPolicy, origin: "default" };
  }
  return { deletionPolicy: DEFAULT_DELETION_POLICY, origin: "default" };
}

/** Canonical form for comparisons; tolerant of state written by older versions or by hand. */
export function canonicalAccount(value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") return "";
  try {
    return parseBillingAccountName(value);
  } catch {
    return value.trim();
  }
}
