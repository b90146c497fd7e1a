/**
 * Attribute mapping and attribute conditions of a workload identity pool provider
 * (https://cloud.google.com/iam/docs/workload-identity-federation#mapping,
 * …#conditions). Google evaluates both as CEL; the emulator understands a small subset, checked when the
 * seed loads so a condition it cannot evaluate is an error, never a silent "allow":
 *
 *   mapping value:  assertion.<claim>[.<claim>…]
 *   condition:      <operand> (== | !=) '<literal>'  [&& …]
 *   operand:        assertion.<claim>[.<claim>…] | attribute.<name> | google.subject
 */

const PATH = /^assertion((?:\.[A-Za-z_][A-Za-z0-9_]*)+)$/;
const TARGET = /^(google\.subject|google\.groups|attribute\.[a-z_][a-z0-9_]*)$/;
const CLAUSE =
  /^\s*(assertion(?:\.[A-Za-z_][A-Za-z0-9_]*)+|attribute\.[a-z_][a-z0-9_]*|google\.subject)\s*(==|!=)\s*(?:'([^']*)'|"([^"]*)")\s*$/;

export type Claims = Readonly<Record<string, unknown>>;

/** Attributes keyed as Google names them: `google.subject`, `attribute.repository`, … */
export type Attributes = Record<string, string>;

interface Clause {
  operand: string;
  equals: boolean;
  literal: string;
}

/** The claim at `assertion.a.b` (the leading `assertion` is the token itself), as a string. */
function claimAt(claims: Claims, path: string): string | undefined {
  let value: unknown = claims;
  for (const key of path.split(".").slice(1)) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** Validates a mapping; throws naming the first entry it cannot evaluate. */
export function parseAttributeMapping(mapping: Readonly<Record<string, string>>): void {
  if (!Object.hasOwn(mapping, "google.subject")) throw new Error("attributeMapping must map google.subject");
  for (const [target, expression] of Object.entries(mapping)) {
    if (!TARGET.test(target)) throw new Error(`attributeMapping: unsupported target "${target}"`);
    if (!PATH.test(expression.trim()))
      throw new Error(`attributeMapping["${target}"]: only assertion.<claim> paths are supported`);
  }
}

/** Applies a mapping to the token's claims; claims that are absent map to nothing. */
export function mapAttributes(mapping: Readonly<Record<string, string>>, claims: Claims): Attributes {
  const out: Attributes = {};
  for (const [target, expression] of Object.entries(mapping)) {
    const value = claimAt(claims, expression.trim());
    if (value !== undefined) out[target] = value;
  }
  return out;
}

export function parseAttributeCondition(condition: string): Clause[] {
  return condition.split("&&").map((part) => {
    const m = CLAUSE.exec(part);
    if (!m) throw new Error(`attributeCondition: cannot evaluate "${part.trim()}" (see docs/emulator.md)`);
    return { operand: m[1], equals: m[2] === "==", literal: m[3] ?? m[4] ?? "" };
  });
}

/** Whether the condition admits a token with these claims and mapped attributes. */
export function conditionHolds(condition: string, claims: Claims, attributes: Attributes): boolean {
  return parseAttributeCondition(condition).every((c) => {
    const value = c.operand.startsWith("assertion.") ? claimAt(claims, c.operand) : attributes[c.operand];
    return c.equals ? value === c.literal : value !== c.literal;
  });
}
