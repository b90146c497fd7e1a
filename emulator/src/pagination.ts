import { z } from "zod";
import { invalidArgument } from "./rpcErrors";

/** docs/cloud-billing-api.md §5: default and maximum page size are both 100. */
export const MAX_PAGE_SIZE = 100;

/**
 * Reads `pageSize`/`page_size`. Above the maximum is capped; negative or non-integer values are
 * rejected with Google's type-error wording for query parameters.
 */
export function parsePageSize(raw: string | null): number {
  if (raw === null || raw === "") return MAX_PAGE_SIZE;
  if (!/^[+-]?[0-9]+$/.test(raw)) {
    throw invalidArgument(`Invalid value at 'page_size' (TYPE_INT32), "${raw}"`, [
      { field: "page_size", description: `Invalid value at 'page_size' (TYPE_INT32), "${raw}"` },
    ]);
  }
  const n = Number(raw);
  if (n < 0)
    throw invalidArgument(undefined, [{ field: "page_size", description: "page_size must not be negative" }]);
  if (n === 0) return MAX_PAGE_SIZE;
  return Math.min(n, MAX_PAGE_SIZE);
}

const pageTokenSchema = z.strictObject({
  /** Which listing the token belongs to, so a token from one list cannot page another. */
  scope: z.string(),
  offset: z.number().int().nonnegative(),
});
type PageTokenPayload = z.infer<typeof pageTokenSchema>;

export function encodePageToken(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ scope, offset } satisfies PageTokenPayload)).toString("base64url");
}

function invalidPageToken(): never {
  throw invalidArgument(undefined, [{ field: "page_token", description: "Invalid page token." }]);
}

/** Decodes an opaque page token; any token this emulator did not mint for this listing is a 400. */
export function decodePageToken(raw: string | null, scope: string): number {
  if (raw === null || raw === "") return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    return invalidPageToken();
  }
  const token = pageTokenSchema.safeParse(parsed);
  if (!token.success || token.data.scope !== scope) return invalidPageToken();
  return token.data.offset;
}

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

export function paginate<T>(all: readonly T[], offset: number, pageSize: number, scope: string): Page<T> {
  const items = all.slice(offset, offset + pageSize);
  const next = offset + pageSize;
  return next < all.length ? { items, nextPageToken: encodePageToken(scope, next) } : { items };
}
