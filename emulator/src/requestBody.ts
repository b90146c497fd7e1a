import { invalidArgument, invalidJsonPayload, RpcError } from "./rpcErrors";

/**
 * Request-body parsing with protobuf-JSON semantics and Google's error wording: unknown fields are
 * rejected, lowerCamelCase and snake_case are both accepted, `null` means "default", and type
 * mismatches name the proto field path.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Body fields of one request message: JSON name → its snake_case twin and proto type. */
export interface MessageField {
  json: string;
  proto: string;
  type: "string" | "bool" | "repeated string";
}

function isJsonContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType);
}

/** Parses a raw body as a JSON object. An empty body is an empty message, whatever its content type. */
export function parseJsonObject(raw: string, contentType: string | undefined): Record<string, JsonValue> {
  if (raw.trim() === "") return {};
  if (!isJsonContentType(contentType)) {
    throw invalidArgument(
      `Invalid JSON payload received. Unsupported Content-Type "${contentType ?? ""}"; this method accepts application/json.`,
      [{ description: "Request bodies must be sent as application/json." }],
    );
  }
  let value: JsonValue;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    const where = err instanceof SyntaxError ? `\n${err.message}` : "";
    throw invalidJsonPayload(`Invalid JSON payload received. Unexpected token.${where}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidJsonPayload("Invalid JSON payload received. Root element must be a message.");
  }
  return value;
}

export type MessageValues = Record<string, string | boolean | string[] | undefined>;

function describe(v: JsonValue): string {
  return typeof v === "string" ? `"${v}"` : JSON.stringify(v);
}

/**
 * Checks `body` against `fields` and returns values keyed by JSON name. `messagePath` is the proto
 * path of the body (`project_billing_info`), used in error text as Google does.
 */
export function readMessage(
  body: Record<string, JsonValue>,
  fields: readonly MessageField[],
  messagePath: string,
): MessageValues {
  const out: MessageValues = {};
  for (const [key, value] of Object.entries(body)) {
    const field = fields.find((f) => f.json === key || f.proto === key);
    if (!field) {
      const where = messagePath ? ` at '${messagePath}'` : "";
      throw invalidJsonPayload(
        `Invalid JSON payload received. Unknown name "${key}"${where}: Cannot find field.`,
        messagePath || undefined,
      );
    }
    if (out[field.json] !== undefined) {
      throw invalidJsonPayload(
        `Invalid JSON payload received. Duplicate field "${key}"${messagePath ? ` at '${messagePath}'` : ""}.`,
      );
    }
    if (value === null) continue;
    const path = messagePath ? `${messagePath}.${field.proto}` : field.proto;
    const typeError = (protoType: string): RpcError =>
      invalidJsonPayload(`Invalid value at '${path}' (${protoType}), ${describe(value)}`, path);
    if (field.type === "string") {
      if (typeof value !== "string") throw typeError("TYPE_STRING");
      out[field.json] = value;
    } else if (field.type === "bool") {
      if (typeof value !== "boolean") throw typeError("TYPE_BOOL");
      out[field.json] = value;
    } else {
      if (!Array.isArray(value) || !value.every((v): v is string => typeof v === "string"))
        throw typeError("TYPE_STRING");
      out[field.json] = value;
    }
  }
  return out;
}
