import { SCALAR, type MessageShape } from "./responseMessages";
import { malformedFieldSelection, unknownFieldSelection } from "./rpcErrors";

/**
 * The `fields` system parameter: Google's partial-response syntax, checked against the response message
 * before the method runs and applied to its response.
 *
 *   a,b        several fields
 *   a/b, a.b   b inside a (the partial-response docs use slashes, FieldMask paths dots; Google takes both)
 *   a(b,c)     b and c inside a; for a list, inside each element
 *   *          every field at that level
 *
 * json-mask implements the same syntax but accepts malformed selections silently and knows no message
 * shapes, and Google answers 400 to a path its message lacks, so both checks are done here.
 */

/** What to keep of one message: whole fields (ALL) or a narrower selection inside them. */
type Selection = Map<string, Selection | typeof ALL>;
const ALL = true;
const WILDCARD = "*";
const SEPARATORS = new Set(["/", "."]);
const TERMINALS = new Set([",", "/", ".", "(", ")"]);

/** Far deeper than any Cloud Billing message; bounds the parser's recursion on hostile input. */
const MAX_DEPTH = 32;

class SelectionSyntaxError extends Error {
  override name = "SelectionSyntaxError";
}

/** Parses `raw` into full paths: `a(b,c/d)` → [[a, b], [a, c, d]]. */
function parsePaths(raw: string): string[][] {
  let pos = 0;
  const fail = (expected: string): never => {
    throw new SelectionSyntaxError(
      `Expected ${expected} at position ${pos} of "${raw}", found ${pos < raw.length ? `"${raw[pos]}"` : "the end"}.`,
    );
  };
  const name = (): string => {
    const start = pos;
    while (pos < raw.length && !TERMINALS.has(raw[pos])) pos += 1;
    return start === pos ? fail("a field name") : raw.slice(start, pos);
  };
  const list = (prefix: string[]): string[][] => {
    const paths: string[][] = [];
    for (;;) {
      const path = [...prefix, name()];
      while (SEPARATORS.has(raw[pos])) {
        pos += 1;
        path.push(name());
      }
      if (raw[pos] === "(") {
        if (path.length > MAX_DEPTH) fail(`at most ${MAX_DEPTH} levels of nesting`);
        pos += 1;
        paths.push(...list(path));
        if (raw[pos] !== ")") fail('")"');
        pos += 1;
      } else {
        paths.push(path);
      }
      if (raw[pos] !== ",") return paths;
      pos += 1;
    }
  };
  const paths = list([]);
  if (pos < raw.length) fail('"," or the end');
  return paths;
}

function hasField(shape: MessageShape, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(shape, name);
}

/** True when every step but the last is a message field of the one before, and the last exists. */
function resolves(path: string[], shape: MessageShape): boolean {
  let current: MessageShape | typeof SCALAR = shape;
  for (const [i, name] of path.entries()) {
    if (current === SCALAR) return false;
    if (name === WILDCARD) return i === path.length - 1;
    if (!hasField(current, name)) return false;
    current = current[name];
  }
  return true;
}

function insert(selection: Selection, path: string[]): void {
  let node = selection;
  for (const [i, name] of path.entries()) {
    if (i === path.length - 1) {
      node.set(name, ALL);
      return;
    }
    const existing = node.get(name);
    if (existing === ALL) return; // already selected whole
    const child: Selection = existing ?? new Map();
    node.set(name, child);
    node = child;
  }
}

function selectFields(message: object, selection: Selection): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // The response's own field order, not the selection's.
  for (const [key, field] of Object.entries(message)) {
    const kept = selection.get(WILDCARD) ?? selection.get(key);
    if (kept !== undefined) out[key] = kept === ALL ? field : select(field, kept);
  }
  return out;
}

function select(value: unknown, selection: Selection): unknown {
  if (Array.isArray(value)) return value.map((item) => select(item, selection));
  return typeof value === "object" && value !== null ? selectFields(value, selection) : value;
}

export class FieldSelection {
  private constructor(private readonly selection: Selection) {}

  /**
   * Parses a `fields` value against the method's response message. Throws Google's 400 for a path the
   * message does not have; malformed syntax gets the same envelope (its wording is ours).
   */
  static parse(raw: string, response: MessageShape): FieldSelection {
    let paths: string[][];
    try {
      paths = parsePaths(raw);
    } catch (err) {
      if (err instanceof SelectionSyntaxError) throw malformedFieldSelection(raw, err.message);
      throw err;
    }
    const unknown = paths.find((path) => !resolves(path, response));
    if (unknown) throw unknownFieldSelection(raw, unknown.join("."));
    const selection: Selection = new Map();
    for (const path of paths) insert(selection, path);
    return new FieldSelection(selection);
  }

  /** The partial response: only the selected fields, absent ones stay absent. */
  apply(body: Record<string, unknown>): Record<string, unknown> {
    return selectFields(body, this.selection);
  }
}
