/**
 * The `sourceClient` google-auth-library's Impersonated calls generateAccessToken with: an OAuth2Client
 * whose only token is whatever our own source credential's token source hands out. Every request asks
 * that source again (it caches and refreshes single-flight itself), and the client's HTTP goes through
 * the pipeline like every other grant.
 */
import type { OAuth2Client } from "google-auth-library";
import { CloudBillingError } from "../errors";
import type { AccessTokenSource } from "../requestSpec";
import { currentTokenCall, failGrant } from "../tokenTransporter";
import { libraryOptions, loadGoogleAuth } from "./googleAuth";

export interface SourceClient {
  client: OAuth2Client;
  /** The last token the source handed out, to report it rejected after a 401. */
  lastToken(): string | undefined;
}

export function sourceClientFor(source: AccessTokenSource): SourceClient {
  const client = new (loadGoogleAuth().OAuth2Client)(libraryOptions());
  let last: string | undefined;
  client.refreshHandler = async () => {
    const call = currentTokenCall();
    if (!call) throw new Error("gcp-billing-link: a source token was asked for outside a grant");
    try {
      last = await source.getToken({ signal: call.signal, pipeline: call.pipeline });
    } catch (err) {
      throw err instanceof CloudBillingError ? failGrant(call, err) : err;
    }
    call.secrets.push(last);
    // Expiring at once, so the library asks the source again next time instead of keeping a copy.
    return { access_token: last, expiry_date: Date.now() };
  };
  return { client, lastToken: () => last };
}
