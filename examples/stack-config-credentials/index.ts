// One ProjectBillingLink; the interesting part is the stack config, not the code. The provider reads
// credentials, quota project and endpoints from the `gcp-billing:` namespace on every engine run, so
// nothing here passes them along:
//
//   pulumi config set gcp-billing:credentials "$HOME/.config/gcp-billing-link/credentials.json"
//   pulumi config set gcp-billing:quotaProject my-quota-project      # only if your token needs one
//   pulumi config set projectId my-app-prod
//   pulumi config set billingAccount 012345-567890-ABCDEF
//   pulumi up
//
// This program only reports which source the provider will use (never a value) and warns when the
// credentials are inline JSON rather than a file path.
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, ProjectBillingLink } from "gcp-billing-link";

const config = new pulumi.Config();
const billing = new pulumi.Config(CONFIG_NAMESPACE); // "gcp-billing"

const link = new ProjectBillingLink("app", {
  projectId: config.require("projectId"),
  billingAccount: config.require("billingAccount"),
});

const SECRET_KEYS = ["accessToken", "refreshToken", "credentials"] as const;
type SecretSettings = Partial<Record<(typeof SECRET_KEYS)[number], string>>;

/**
 * Which credentials the provider uses, in the order it looks (docs/credentials.md). Values may be
 * secrets: they are only tested for presence and shape, and never exported.
 */
function describeCredentialSource(c: SecretSettings): string {
  if (c.accessToken) return "gcp-billing:accessToken (static access token)";
  if (c.refreshToken) return "gcp-billing:refreshToken + clientId + clientSecret";
  if (c.credentials?.trim().startsWith("{")) {
    pulumi.log.warn(
      "gcp-billing:credentials holds the JSON itself: Pulumi records all stack config in the state " +
        "(encrypted), so the refresh token is in every checkpoint. Prefer the path of the file: " +
        `pulumi config set ${CONFIG_NAMESPACE}:credentials /path/to/credentials.json`,
    );
    return "gcp-billing:credentials (inline JSON)";
  }
  if (c.credentials) return "gcp-billing:credentials (file path)";
  return "environment: GOOGLE_OAUTH_ACCESS_TOKEN, GOOGLE_CREDENTIALS, GOOGLE_APPLICATION_CREDENTIALS or gcloud ADC";
}

// getSecret works whether or not a value was set with --secret; unsecret is safe here because only the
// description derived from the values leaves this function.
export const credentialSource = pulumi.unsecret(
  pulumi
    .all(SECRET_KEYS.map((key) => billing.getSecret(key)))
    .apply((values) =>
      describeCredentialSource(Object.fromEntries(SECRET_KEYS.map((k, i) => [k, values[i]]))),
    ),
);
/** The project billed for API quota (sent as x-goog-user-project), or "" to use the credentials' own. */
export const quotaProject = billing.get("quotaProject") ?? "";
/** The API root from config, or "" for GCP_BILLING_LINK_API_ROOT, else https://cloudbilling.googleapis.com/. */
export const apiEndpoint = billing.get("apiEndpoint") ?? "";

export const projectId = link.projectId;
export const billingAccount = link.billingAccount;
export const billingEnabled = link.billingEnabled;
