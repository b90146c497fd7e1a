/**
 * What a client needs from its credential, resolved on first use (so constructing a client never reads
 * files or the environment): the credential, its process-wide token source, and the rate limiter of its
 * quota project.
 */
import { describe, resolveCredentials, secretsOf } from "./credentials";
import type { EndpointChoice } from "./endpointPolicy";
import type { Authorization } from "./requestSpec";
import { DEFAULT_RATE_LIMIT, rateLimiterFor } from "./throttle";
import { tokenSourceFor } from "./tokenProvider";
import type { CloudBillingClientOptions, Clock, CredentialsDescription } from "./types";

export interface Session extends Authorization {
  description: CredentialsDescription;
}

export function openSession(
  options: CloudBillingClientOptions,
  env: NodeJS.ProcessEnv,
  choice: EndpointChoice,
  clock: Clock,
): Session {
  const { endpoints } = choice;
  const credential = resolveCredentials({
    credentials: options.credentials,
    quotaProject: options.quotaProject,
    env,
  });
  const rate = {
    ...DEFAULT_RATE_LIMIT,
    requestsPerMinute: options.rateLimit?.requestsPerMinute ?? DEFAULT_RATE_LIMIT.requestsPerMinute,
  };
  const { kind, source, quotaProject } = credential;
  return {
    tokens: tokenSourceFor(credential, choice, () => clock.now()),
    limiter: rateLimiterFor(endpoints.apiRoot, quotaProject, rate),
    secrets: secretsOf(credential),
    credential: { credentialKind: kind, credentialSource: source },
    description: describe(credential),
    ...(quotaProject ? { quotaProject } : {}),
  };
}
