/** The only place that parses or builds resource names. Patterns follow discovery (`^projects/[^/]+$`) plus Google's id rules. */

export const BILLING_ACCOUNT_ID = /^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/;
/** Project ids (6–30 chars, lowercase, digits, hyphens) or project numbers. */
const PROJECT_ID_OR_NUMBER = /^(?:[a-z][a-z0-9-]{4,28}[a-z0-9]|[0-9]{1,20})$/;

export function isProjectIdOrNumber(s: string): boolean {
  return PROJECT_ID_OR_NUMBER.test(s);
}

export function isBillingAccountId(s: string): boolean {
  return BILLING_ACCOUNT_ID.test(s);
}

/** `billingAccounts/X` → `X`, or undefined when the name is malformed. */
export function parseBillingAccountName(name: string): string | undefined {
  const m = /^billingAccounts\/([^/]+)$/.exec(name);
  return m && isBillingAccountId(m[1]) ? m[1] : undefined;
}

export function billingAccountName(id: string): string {
  return `billingAccounts/${id}`;
}

export function projectName(projectId: string): string {
  return `projects/${projectId}`;
}

export function projectBillingInfoName(projectId: string): string {
  return `${projectName(projectId)}/billingInfo`;
}
