/**
 * `gcp-billing-link doctor`: answers "why is my pipeline's auth failing" as a checklist.
 *
 * Credentials are resolved by the sdk exactly as the provider resolves them: flags mirror the
 * `gcp-billing:*` stack config keys the provider maps onto sdk options (provider/src/providerConfig.ts),
 * and anything unset falls back to the sdk's environment order. Every failed line carries the fix, taken
 * from the sdk error's `hint` where there is one.
 */
import { settingsFromConfig } from "../../../provider/src/providerConfig";
import {
  CloudBillingClient,
  CloudBillingError,
  LINK_PERMISSION,
  parseBillingAccountName,
  parseProjectId,
  roleForPermission,
  type CloudBillingClientOptions,
  type CredentialsDescription,
  type TokenInfoResult,
} from "../../../sdk/src";
import { formatCheck, oneLine, type Check, type Logger } from "../output";
import { LOGIN_SCOPES, READ_SCOPES, WRITE_SCOPES } from "../scopes";

export interface DoctorOptions {
  project?: string;
  billingAccount?: string;
  /** Mirrors `gcp-billing:credentials`: a path to, or the contents of, an authorized_user file. */
  credentials?: string;
  /** Mirrors `gcp-billing:quotaProject`. */
  quotaProject?: string;
  /** Mirrors `gcp-billing:apiEndpoint`. */
  apiEndpoint?: string;
  /** Mirrors `gcp-billing:impersonateServiceAccount`. */
  impersonateServiceAccount?: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
}

export interface DoctorResult {
  ok: boolean;
  checks: Check[];
}

const LOGIN = "gcp-billing-link login";

/**
 * The sdk options the provider builds from the equivalent stack config: the flags go through the
 * provider's own mapping (provider/src/providerConfig.ts), so doctor cannot drift from it.
 */
export function clientOptionsFor(o: DoctorOptions): CloudBillingClientOptions {
  const config: Record<string, string | undefined> = {
    "gcp-billing:credentials": o.credentials,
    "gcp-billing:quotaProject": o.quotaProject,
    "gcp-billing:apiEndpoint": o.apiEndpoint,
    "gcp-billing:impersonateServiceAccount": o.impersonateServiceAccount,
  };
  const { client } = settingsFromConfig({ get: (key) => config[key] });
  const credentials = client.credentials && {
    ...client.credentials,
    // Errors name the flag the user typed.
    names: {
      credentialsFile: "--credentials",
      credentialsJson: "--credentials",
      impersonateServiceAccount: "--impersonate-service-account",
    },
  };
  return {
    ...client,
    env: o.env,
    ...(credentials ? { credentials } : {}),
    userAgent: "gcp-billing-link-doctor",
    // doctor should answer quickly; the provider's 60 s retry budget would look like a hang here.
    retry: { deadlineMs: 15_000 },
  };
}

function errorText(e: unknown): { detail: string; fix?: string } {
  if (e instanceof CloudBillingError) {
    // `message` may end with the hint; show the hint once, on the fix line.
    const message = e.hint ? e.message.replace(` Hint: ${e.hint}`, "") : e.message;
    return { detail: oneLine(message), ...(e.hint ? { fix: e.hint } : {}) };
  }
  return { detail: oneLine(e instanceof Error ? e.message : String(e)) };
}

function sourceText(d: CredentialsDescription): string {
  const where =
    d.source === "options" ? "--credentials (as the gcp-billing:credentials stack config would)" : d.source;
  const base = `${d.kind} from ${where}`;
  const federation = d.workloadIdentityProvider
    ? `workload identity federation through ${d.workloadIdentityProvider}`
    : undefined;
  if (d.kind === "service_account")
    return `${base}: a key of ${d.principal ?? "a service account"} (least recommended)`;
  if (d.kind === "impersonated_service_account")
    return `${base}: impersonates ${d.principal ?? "a service account"} with ${federation ?? `${d.sourceKind ?? "other"} credentials`}`;
  if (d.kind === "external_account")
    return `${base}: ${federation ?? "workload identity federation"}${d.principal ? `, impersonating ${d.principal}` : ""}`;
  return base;
}

/** User credentials and static tokens are asked about at tokeninfo; the identities below name their principal. */
const NAMED_PRINCIPAL_KINDS: ReadonlySet<CredentialsDescription["kind"]> = new Set([
  "service_account",
  "impersonated_service_account",
  "external_account",
]);

/** Whom the API sees: the service account, or the federated subject and its pool. */
function principalText(d: CredentialsDescription): string {
  if (d.principal) return d.principal;
  const pool = d.workloadIdentityProvider?.replace(/\/providers\/[^/]+$/, "") ?? "the workload identity pool";
  return `federated identity ${d.federatedSubject ? `"${oneLine(d.federatedSubject, 200)}"` : "(subject unknown)"} of ${pool}`;
}

/**
 * For service accounts and federation: obtain a token (that is the check), then report the principal and
 * the scopes the sdk asked for. tokeninfo is not asked: Google's says little about these tokens.
 */
async function identityChecks(
  client: CloudBillingClient,
  described: CredentialsDescription,
  emit: (c: Check) => void,
): Promise<boolean> {
  let scopes: readonly string[] | undefined;
  try {
    scopes = await client.grantedScopes();
  } catch (e) {
    const t = errorText(e);
    emit({
      name: "Access token",
      status: "fail",
      detail: `could not get one: ${t.detail}`,
      ...(t.fix ? { fix: t.fix } : {}),
    });
    return false;
  }
  const now = await client.describeCredentials();
  emit({ name: "Identity", status: "ok", detail: principalText({ ...described, ...now }) });
  emit(scopeCheck([...(scopes ?? [])]));
  emit({
    name: "Token expiry",
    status: "ok",
    detail: "short-lived token, obtained again automatically before it expires",
  });
  return true;
}

export async function doctor(options: DoctorOptions): Promise<DoctorResult> {
  const checks: Check[] = [];
  const emit = (c: Check): void => {
    checks.push(c);
    for (const line of formatCheck(c)) options.logger.info(line);
  };
  const finish = (): DoctorResult => ({ ok: !checks.some((c) => c.status === "fail"), checks });

  let client: CloudBillingClient;
  try {
    client = new CloudBillingClient(clientOptionsFor(options));
  } catch (e) {
    emit({ name: "Endpoints", status: "fail", ...errorText(e) });
    return finish();
  }
  const ep = client.endpoints;
  emit({ name: "Endpoints", status: "info", detail: `API ${ep.apiRoot}, token ${ep.tokenUrl}` });

  // 1. Which credential won.
  let described: CredentialsDescription;
  try {
    described = await client.describeCredentials();
  } catch (e) {
    emit({ name: "Credentials", status: "fail", ...errorText(e) });
    return finish();
  }
  emit({ name: "Credentials", status: "ok", detail: sourceText(described) });

  // 2. Identity, scopes and expiry: named by the credential for service accounts and federation, else
  // from tokeninfo (this also refreshes a refresh-token credential).
  if (NAMED_PRINCIPAL_KINDS.has(described.kind)) {
    if (!(await identityChecks(client, described, emit))) return finish();
    return apiChecks(client, described, options, emit, finish);
  }
  let info: TokenInfoResult;
  try {
    info = await client.getTokenInfo();
  } catch (e) {
    const t = errorText(e);
    if (described.kind === "access_token") {
      // tokeninfo answers a dead static token with invalid_token; the useful fix is the static-token one.
      emit({
        name: "Access token",
        status: "fail",
        detail: `the static token from ${described.source} is expired, revoked or invalid (${t.detail})`,
        fix: `Static tokens cannot be refreshed: supply a fresh one (e.g. \`gcloud auth print-access-token\`), or use refresh-token credentials from \`${LOGIN}\`.`,
      });
    } else {
      emit({
        name: "Access token",
        status: "fail",
        detail: `could not get one: ${t.detail}`,
        ...(t.fix ? { fix: t.fix } : {}),
      });
    }
    // Every later check needs a working token and would only repeat this failure.
    return finish();
  }
  emit({
    name: "Identity",
    status: info.email ? "ok" : "warn",
    detail: info.email ?? "tokeninfo returned no email (the token lacks the email scope)",
  });
  emit(scopeCheck(info.scopes));
  emit(expiryCheck(info.expiresInSeconds, described));
  return apiChecks(client, described, options, emit, finish);
}

/** 3. Does the API answer? billingAccounts.list needs no resource name, so it isolates auth problems. */
async function apiChecks(
  client: CloudBillingClient,
  described: CredentialsDescription,
  options: DoctorOptions,
  emit: (c: Check) => void,
  finish: () => DoctorResult,
): Promise<DoctorResult> {
  let apiError: unknown;
  let visible = 0;
  try {
    for await (const account of client.listBillingAccounts({ pageSize: 50 })) {
      void account;
      if (++visible >= 50) break;
    }
  } catch (e) {
    apiError = e;
  }
  emit(quotaProjectCheck(described, apiError));
  if (apiError === undefined) {
    emit({
      name: "Cloud Billing API",
      status: "ok",
      detail: `billingAccounts.list answered; ${visible >= 50 ? "50 or more" : visible} billing account(s) visible`,
    });
  } else {
    emit({ name: "Cloud Billing API", status: "fail", ...errorText(apiError) });
  }

  if (options.project) await projectChecks(client, options.project, emit);
  if (options.billingAccount) await accountChecks(client, options.billingAccount, emit);
  return finish();
}

function scopeCheck(scopes: string[]): Check {
  const shown = scopes.length > 0 ? scopes.join(" ") : "(none)";
  if (scopes.some((s) => WRITE_SCOPES.includes(s))) {
    return { name: "Scopes", status: "ok", detail: shown };
  }
  const fix = `Log in again with a scope that can change links: \`${LOGIN} --scope cloud-billing\` (${LOGIN_SCOPES["cloud-billing"].url}).`;
  if (scopes.some((s) => READ_SCOPES.includes(s))) {
    return {
      name: "Scopes",
      status: "fail",
      detail: `${shown}: can read billing info but cannot link or unlink projects`,
      fix,
    };
  }
  return { name: "Scopes", status: "fail", detail: `${shown}: no Cloud Billing scope`, fix };
}

function expiryCheck(expiresInSeconds: number, d: CredentialsDescription): Check {
  const minutes = Math.floor(expiresInSeconds / 60);
  const when = `access token expires in ${minutes} min ${expiresInSeconds % 60} s`;
  if (d.kind !== "access_token")
    return { name: "Token expiry", status: "ok", detail: `${when} (refreshed automatically)` };
  // A static token that runs out during `pulumi up` fails the update half-way.
  if (expiresInSeconds < 600) {
    return {
      name: "Token expiry",
      status: "warn",
      detail: `${when}, and static tokens cannot be refreshed`,
      fix: `Supply a fresh token before a long update, or use refresh-token credentials from \`${LOGIN}\`.`,
    };
  }
  return { name: "Token expiry", status: "ok", detail: `${when} (static; not refreshed)` };
}

function quotaProjectCheck(d: CredentialsDescription, apiError: unknown): Check {
  const needsOne =
    apiError instanceof CloudBillingError &&
    (apiError.reason === "SERVICE_DISABLED" || apiError.reason === "USER_PROJECT_DENIED");
  if (needsOne) {
    const t = errorText(apiError);
    return {
      name: "Quota project",
      status: "fail",
      detail: d.quotaProject
        ? `${d.quotaProject} cannot be used: ${t.detail}`
        : "none set, and these credentials need one",
      ...(t.fix ? { fix: t.fix } : {}),
    };
  }
  return {
    name: "Quota project",
    status: "ok",
    detail:
      d.quotaProject ??
      (NAMED_PRINCIPAL_KINDS.has(d.kind)
        ? "none (quota is charged to the service account's or the pool's project)"
        : "none (quota is charged to the OAuth client's project)"),
  };
}

async function projectChecks(
  client: CloudBillingClient,
  project: string,
  emit: (c: Check) => void,
): Promise<void> {
  let id: string;
  try {
    id = parseProjectId(project);
  } catch (e) {
    emit({ name: `Project ${project}`, status: "fail", ...errorText(e) });
    return;
  }
  try {
    const info = await client.getProjectBillingInfo(id);
    const link = info.billingAccountName
      ? `linked to ${info.billingAccountName}${info.billingEnabled ? "" : " (billing disabled: the account is closed)"}`
      : "not linked to a billing account";
    emit({ name: `Read link of projects/${id}`, status: "ok", detail: link });
  } catch (e) {
    emit({ name: `Read link of projects/${id}`, status: "fail", ...errorText(e) });
  }
  // Cloud Billing has no testIamPermissions for projects (that is Resource Manager's API, which this
  // tool does not call), so the project half of "may change the link" can only be stated, not tested.
  emit({
    name: `Change link of projects/${id}`,
    status: "info",
    detail:
      "not checkable through the Cloud Billing API: changing it needs resourcemanager.projects.createBillingAssignment (roles/billing.projectManager or roles/owner) on the project, plus the account permission below",
  });
}

async function accountChecks(
  client: CloudBillingClient,
  account: string,
  emit: (c: Check) => void,
): Promise<void> {
  let name: string;
  try {
    name = parseBillingAccountName(account);
  } catch (e) {
    emit({ name: `Billing account ${account}`, status: "fail", ...errorText(e) });
    return;
  }
  try {
    const a = await client.getBillingAccount(name);
    emit({
      name: `Read ${name}`,
      status: a.open ? "ok" : "warn",
      detail: `"${oneLine(a.displayName, 100)}", ${a.open ? "open" : "closed"}`,
      ...(a.open
        ? {}
        : {
            fix: "Projects linked to a closed account have billing disabled; link them to an open account.",
          }),
    });
  } catch (e) {
    emit({ name: `Read ${name}`, status: "fail", ...errorText(e) });
  }
  try {
    const held = await client.testBillingAccountPermissions(name, [LINK_PERMISSION]);
    if (held.includes(LINK_PERMISSION)) {
      emit({ name: `Link projects to ${name}`, status: "ok", detail: `caller holds ${LINK_PERMISSION}` });
    } else {
      emit({
        name: `Link projects to ${name}`,
        status: "fail",
        detail: `caller lacks ${LINK_PERMISSION}`,
        fix: `Grant ${roleForPermission(LINK_PERMISSION)} (or roles/billing.admin) to this identity.`,
      });
    }
  } catch (e) {
    emit({ name: `Link projects to ${name}`, status: "fail", ...errorText(e) });
  }
}
