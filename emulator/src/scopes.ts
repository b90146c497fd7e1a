/** OAuth scopes the emulator knows, with the wording Google's consent screen uses for them. */
export const SCOPES = {
  cloudBilling: "https://www.googleapis.com/auth/cloud-billing",
  cloudBillingReadonly: "https://www.googleapis.com/auth/cloud-billing.readonly",
  cloudPlatform: "https://www.googleapis.com/auth/cloud-platform",
  cloudPlatformReadonly: "https://www.googleapis.com/auth/cloud-platform.read-only",
} as const;

export const SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  [SCOPES.cloudBilling]: "View and manage your Google Cloud Platform billing accounts",
  [SCOPES.cloudBillingReadonly]: "View your Google Cloud Platform billing accounts",
  [SCOPES.cloudPlatform]:
    "See, edit, configure, and delete your Google Cloud data and see the email address for your Google Account.",
  [SCOPES.cloudPlatformReadonly]:
    "View your data across Google Cloud services and see the email address of your Google Account",
  openid: "Associate you with your personal info on Google",
  email: "See your primary Google Account email address",
  profile: "See your personal info, including any personal info you've made publicly available",
  "https://www.googleapis.com/auth/userinfo.email": "See your primary Google Account email address",
  "https://www.googleapis.com/auth/userinfo.profile":
    "See your personal info, including any personal info you've made publicly available",
};

export function isKnownScope(scope: string): boolean {
  return Object.prototype.hasOwnProperty.call(SCOPE_DESCRIPTIONS, scope);
}

/** Splits a space-separated scope string (Google also tolerates runs of spaces), dropping duplicates. */
export function splitScopes(raw: string): string[] {
  return [...new Set(raw.split(/\s+/).filter((s) => s.length > 0))];
}
