// The default emulator seed's names, as tests refer to them (emulator/seeds/default.json, documented in
// emulator/README.md): the one place they are written for the tests. Every value is a fake that only
// the emulator accepts.

/** The demo's Desktop OAuth client; `login` and every refresh token below use it unless noted. */
export const DEMO_CLIENT_ID = "gcp-billing-link-demo.apps.googleusercontent.com";
export const DEMO_CLIENT_SECRET = "demo-client-secret-not-a-real-secret";

/** Stands in for gcloud's application-default-credentials client: its tokens need a quota project. */
export const ADC_CLIENT_ID = "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com";
export const ADC_CLIENT_SECRET = "gcloud-adc-secret-not-a-real-secret";

export const PRINCIPALS = {
  admin: "admin@example.com",
  alice: "alice@example.com",
  viewer: "viewer@example.com",
  outsider: "outsider@example.com",
} as const;

export const REFRESH_TOKENS = {
  /** admin, cloud-platform: out-of-band changes, sees missing resources as 404. */
  admin: "emu-rt-admin-cloud-platform",
  /** alice, cloud-billing: the demo user who links projects. */
  alice: "emu-rt-alice-cloud-billing",
  /** alice, cloud-billing.readonly: cannot change links. */
  aliceReadonly: "emu-rt-alice-readonly",
  /** alice through the ADC client (cloud-platform): needs a quota project. */
  aliceAdc: "emu-rt-alice-adc",
  viewer: "emu-rt-viewer-cloud-billing",
  outsider: "emu-rt-outsider-cloud-billing",
} as const;

/** Billing account IDs, bare (`XXXXXX-XXXXXX-XXXXXX`), as URL path segments and the emulator's operator API use them. */
type AccountKey = "main" | "sandbox" | "closed" | "atQuota";

export const ACCOUNT_IDS: Readonly<Record<AccountKey, string>> = {
  main: "01A2B3-C4D5E6-F7A8B9",
  sandbox: "0B1C2D-3E4F5A-6B7C8D",
  closed: "0C1C2C-3C4C5C-6C7C8C",
  /** At its project-link quota of 2. */
  atQuota: "0F1F2F-3F4F5F-6F7F8F",
};

/** The same accounts as resource names (`billingAccounts/…`), as the API and the provider's outputs spell them. */
export const ACCOUNTS: Readonly<Record<AccountKey, string>> = {
  main: `billingAccounts/${ACCOUNT_IDS.main}`,
  sandbox: `billingAccounts/${ACCOUNT_IDS.sandbox}`,
  closed: `billingAccounts/${ACCOUNT_IDS.closed}`,
  atQuota: `billingAccounts/${ACCOUNT_IDS.atQuota}`,
};
