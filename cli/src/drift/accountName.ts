import { parseBillingAccountName } from "../../../sdk/src/index";

/**
 * A billing account value from state or an engine event in canonical `billingAccounts/…` form; "" for
 * none. A value that does not parse (hand-edited state) is kept as it is, so it shows up as a mismatch
 * rather than disappearing.
 */
export function canonicalAccount(value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") return "";
  try {
    return parseBillingAccountName(value);
  } catch {
    return value.trim();
  }
}
