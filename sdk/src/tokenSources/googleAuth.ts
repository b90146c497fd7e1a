/**
 * google-auth-library, loaded on first use rather than at import: a static access token never needs it,
 * and neither does a client that is built but never called.
 */
import { PipelineTransporter } from "../tokenTransporter";

export type GoogleAuthModule = typeof import("google-auth-library");

export function loadGoogleAuth(): GoogleAuthModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("google-auth-library") as GoogleAuthModule;
}

/** Options every library client gets: our transporter, and no request parameters or logging interceptors. */
export function libraryOptions(): { transporter: PipelineTransporter; useAuthRequestParameters: false } {
  return { transporter: new PipelineTransporter(), useAuthRequestParameters: false };
}
