/**
 * `gcp-billing-link login`: the OAuth 2.0 installed-app flow (RFC 8252 loopback redirect + RFC 7636
 * PKCE S256), ending in an `authorized_user` credentials file or a Pulumi stack secret.
 * Follows docs/oauth.md §3 step by step; see docs/cli.md for the user-facing description.
 *
 * Nothing here prints the refresh token, access token, client secret or authorization code, and no
 * GaxiosError is ever surfaced (its config carries the request body); failures become LoginError.
 */
import { randomBytes } from "node:crypto";
import { CodeChallengeMethod, OAuth2Client } from "google-auth-library";
import { z } from "zod";
import { CloudBillingClient, redactGaxiosError, withoutAuthLogging } from "../../../sdk/src/index";
import type { BrowserOpener } from "../browser";
import { writeCredentialsFile, type AuthorizedUserCredentials, credentialsJson } from "../credentialsFile";
import { LoopbackTimeoutError, startLoopbackServer } from "../loopbackServer";
import { oneLine, type Logger } from "../output";
import { pulumiArgs, type PulumiRunner } from "../pulumiConfig";
import { LOGIN_SCOPES, type LoginScopeName } from "../scopes";

export const PULUMI_CREDENTIALS_KEY = "gcp-billing:credentials";

export interface LoginOptions {
  clientId: string;
  clientSecret: string;
  scope: LoginScopeName;
  quotaProject?: string;
  /** Where to write the file; ignored when `pulumiStack` is set. */
  outFile: string;
  pulumiStack?: string;
  timeoutMs: number;
  /** Try to open the system browser (the URL is printed either way). */
  openBrowser: boolean;
  logger: Logger;
  /** Endpoint overrides come from GCP_BILLING_LINK_OAUTH_* here, exactly as for the sdk. */
  env: NodeJS.ProcessEnv;
  browserOpener: BrowserOpener;
  pulumiRunner: PulumiRunner;
}

export type LoginResult =
  | { stored: "file"; path: string; scope: string; quotaProject?: string }
  | { stored: "pulumi"; stack: string; key: string; scope: string; quotaProject?: string };

/** A login that did not produce credentials; `hint` says what to do. Messages never carry secrets. */
export class LoginError extends Error {
  override name = "LoginError";
  readonly hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    this.hint = hint;
  }
}

const TokenErrorBody = z.object({
  response: z.object({
    status: z.number(),
    data: z.object({ error: z.string(), error_description: z.string().optional() }).optional(),
  }),
});

/** Turns a code-exchange failure into a LoginError from the RFC 6749 §5.2 fields only. */
function exchangeError(e: unknown): LoginError {
  const parsed = TokenErrorBody.safeParse(e);
  if (parsed.success && parsed.data.response.data) {
    const { error } = parsed.data.response.data;
    const why =
      error === "invalid_client" || error === "unauthorized_client"
        ? "Check --client-id and --client-secret: they must be a Desktop app OAuth client of your project."
        : "Run `gcp-billing-link login` again; authorization codes are single-use and expire after minutes.";
    return new LoginError(
      `The token endpoint rejected the authorization code (HTTP ${parsed.data.response.status}, ${oneLine(error, 80)}).`,
      why,
    );
  }
  if (parsed.success) {
    return new LoginError(`The token endpoint answered HTTP ${parsed.data.response.status}.`);
  }
  const code = e instanceof Error && "code" in e && typeof e.code === "string" ? e.code : "network error";
  return new LoginError(
    `Could not reach the token endpoint (${oneLine(code, 40)}).`,
    "Check the network or proxy settings.",
  );
}

export async function login(options: LoginOptions): Promise<LoginResult> {
  const { logger } = options;
  // The sdk resolves GCP_BILLING_LINK_OAUTH_* exactly as the provider will; no credentials are read here.
  const endpoints = new CloudBillingClient({ env: options.env }).endpoints;
  const scope = LOGIN_SCOPES[options.scope].url;

  const oauth = withoutAuthLogging(
    new OAuth2Client({
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      endpoints: { oauth2AuthBaseUrl: endpoints.authUrl, oauth2TokenUrl: endpoints.tokenUrl },
      transporterOptions: { errorRedactor: redactGaxiosError },
    }),
  );
  const { codeVerifier, codeChallenge } = await oauth.generateCodeVerifierAsync();
  const state = randomBytes(32).toString("base64url");

  const listener = await startLoopbackServer({ expectedState: state, logger });
  let code: string;
  try {
    const consentUrl = oauth.generateAuthUrl({
      redirect_uri: listener.redirectUri,
      scope: [scope],
      access_type: "offline",
      // Google sends a refresh token only on first consent unless consent is asked again.
      prompt: "consent",
      state,
      code_challenge: codeChallenge,
      code_challenge_method: CodeChallengeMethod.S256,
    });
    logger.info("Open this URL in a browser to authorize gcp-billing-link:");
    logger.info(consentUrl);
    if (options.openBrowser && (await options.browserOpener(consentUrl))) {
      logger.info("(A browser window was opened.)");
    }
    logger.info(
      `Waiting for the browser on ${listener.redirectUri} (timeout ${Math.round(options.timeoutMs / 1000)} s)…`,
    );

    let outcome;
    try {
      outcome = await listener.waitForCallback(options.timeoutMs);
    } catch (e) {
      if (e instanceof LoopbackTimeoutError) {
        throw new LoginError(
          `${e.message} Nothing was saved.`,
          "Run `gcp-billing-link login` again, or raise --timeout-seconds.",
        );
      }
      throw e;
    }
    if (outcome.kind === "error") {
      if (outcome.error === "access_denied") {
        throw new LoginError(
          "Access was denied on the consent screen. Nothing was saved.",
          "Run `gcp-billing-link login` again and choose Allow to grant access.",
        );
      }
      throw new LoginError(
        `The authorization server returned an error: ${outcome.error}${outcome.description ? ` (${outcome.description})` : ""}. Nothing was saved.`,
        "Check the OAuth client (a Desktop app client) and its consent screen configuration.",
      );
    }
    code = outcome.code;

    let tokens;
    try {
      // Same redirect_uri string as in the consent URL, as the token endpoint requires.
      ({ tokens } = await oauth.getToken({ code, codeVerifier, redirect_uri: listener.redirectUri }));
    } catch (e) {
      throw exchangeError(e);
    }
    if (!tokens.refresh_token) {
      throw new LoginError(
        "The token endpoint returned no refresh token, so there is nothing durable to store. Nothing was saved.",
        "Revoke the app's access at https://myaccount.google.com/permissions and run `gcp-billing-link login` again.",
      );
    }
    const granted = tokens.scope?.split(" ") ?? [scope];
    if (!granted.includes(scope)) {
      logger.warn(
        `Warning: the requested scope ${scope} was not granted (granted: ${oneLine(granted.join(" "))}).`,
      );
    }

    const credentials: AuthorizedUserCredentials = {
      type: "authorized_user",
      client_id: options.clientId,
      client_secret: options.clientSecret,
      refresh_token: tokens.refresh_token,
      ...(options.quotaProject ? { quota_project_id: options.quotaProject } : {}),
    };
    const quota = options.quotaProject ? { quotaProject: options.quotaProject } : {};
    if (options.pulumiStack) {
      await storeInPulumi(options, credentials);
      logger.info(
        `Saved the credentials as the secret ${PULUMI_CREDENTIALS_KEY} of stack ${options.pulumiStack}.`,
      );
      return { stored: "pulumi", stack: options.pulumiStack, key: PULUMI_CREDENTIALS_KEY, scope, ...quota };
    }
    writeCredentialsFile(options.outFile, credentials);
    logger.info(`Saved the credentials to ${options.outFile} (mode 0600). Use them with:`);
    logger.info(`  export GOOGLE_APPLICATION_CREDENTIALS=${shellQuote(options.outFile)}`);
    logger.info(`or, for a Pulumi stack (only the path goes into config, so no secret reaches its state):`);
    logger.info(`  pulumi config set ${PULUMI_CREDENTIALS_KEY} ${shellQuote(options.outFile)}`);
    return { stored: "file", path: options.outFile, scope, ...quota };
  } finally {
    await listener.close();
  }
}

async function storeInPulumi(options: LoginOptions, credentials: AuthorizedUserCredentials): Promise<void> {
  const stack = options.pulumiStack ?? "";
  let result;
  try {
    result = await options.pulumiRunner(
      pulumiArgs({ stack, key: PULUMI_CREDENTIALS_KEY }),
      credentialsJson(credentials),
    );
  } catch (e) {
    const code = e instanceof Error && "code" in e && typeof e.code === "string" ? e.code : "spawn error";
    throw new LoginError(
      `Could not run the pulumi CLI (${oneLine(code, 40)}). Nothing was saved.`,
      "Install Pulumi (https://www.pulumi.com/docs/install/) or set PULUMI_COMMAND, or use --out FILE instead.",
    );
  }
  if (result.exitCode !== 0) {
    throw new LoginError(
      `pulumi config set exited with code ${result.exitCode}: ${oneLine(result.stderr, 300)}`,
      `Check that stack ${stack} exists (pulumi stack ls) and that you run this in the project directory.`,
    );
  }
}

/** Single-quotes a path for the printed shell commands. */
function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
