import type { AddressInfo } from "node:net";
import { EmulatorContext } from "./context";
import { deleteProject, issueAccessToken, setBillingAccountOpen } from "./control";
import type { Jwks } from "./identities/identitySeed";
import { setOidcProviderJwks } from "./identities/oidcKeys";
import { addServiceAccountKey, setServiceAccountDisabled } from "./identities/serviceAccounts";
import type { Knobs } from "./knobs";
import type { LoggedRequest, RequestCounts } from "./requestLog";
import { loadSeed, type Seed, type SeedObject } from "./seed";
import { buildServer } from "./server";
import { FileStore } from "./store/file";
import { MemoryStore } from "./store/memory";
import { stateFromSeed } from "./store/state";
import type { StateStore } from "./store/store";

export interface EmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1 so nothing outside this machine can reach it. */
  host?: string;
  /** Seed file path or seed object; default DEFAULT_SEED_PATH. */
  seed?: string | SeedObject;
  /** Persist state here (atomic writes). Absent: state lives in memory only. */
  stateFile?: string;
  /** Overrides the seed's knobs. */
  knobs?: Partial<Knobs>;
}

export interface OAuthEndpoints {
  authUrl: string;
  tokenUrl: string;
  tokenInfoUrl: string;
  revokeUrl: string;
}

export interface IssueAccessTokenParams {
  principal: string;
  scopes: string[];
  clientId?: string;
  lifetimeSeconds?: number;
}

export interface RunningEmulator {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234. */
  url: string;
  /** `${url}/`: the Cloud Billing API root; methods live under `${url}/v1/...`. */
  apiRoot: string;
  oauth: OAuthEndpoints;
  /** `${url}/v1/token`: the Security Token Service's token exchange (sts.googleapis.com/v1/token). */
  stsTokenUrl: string;
  /** `${url}/`: the IAM Credentials API root (iamcredentials.googleapis.com/); methods under `v1/`. */
  iamCredentialsRoot: string;
  /** `${url}/__emulator`: the operator surface. */
  controlUrl: string;
  requestLog(): LoggedRequest[];
  counts(): RequestCounts;
  clearLog(): void;
  /** Back to the seed (state, knobs, clock), log cleared. */
  reset(): Promise<void>;
  setKnobs(k: Partial<Knobs>): void;
  knobs(): Knobs;
  /** Mints an access token for static-token tests; the default client is the seed's first. */
  issueAccessToken(p: IssueAccessTokenParams): string;
  /** Moves the emulator clock forward; tokens and rate windows expire against it. */
  advanceClock(ms: number): void;
  /** Deletes a project out of band, as Resource Manager would; `purge` removes it for good. */
  deleteProject(projectId: string, options?: { purge?: boolean }): void;
  /**
   * Closes (`open: false`) or reopens a billing account, as in the Cloud console. Links stay; projects
   * linked to a closed account report `billingEnabled` false. Throws on an unknown account.
   */
  setBillingAccountOpen(accountId: string, open: boolean): void;
  /** Registers a public key (PEM) for a service account's JWT-bearer assertions; returns its key id. */
  addServiceAccountKey(email: string, publicKeyPem: string): string;
  /** Disables or re-enables a service account (its existing tokens stop or start working again). */
  setServiceAccountDisabled(email: string, disabled: boolean): void;
  /** Replaces the keys an OIDC provider trusts (`projects/N/locations/global/workloadIdentityPools/P/providers/X`). */
  setOidcProviderJwks(provider: string, jwks: Jwks): void;
  /** Closes the listener and every open socket. */
  stop(): Promise<void>;
}

/** The state file when there is one, created from the seed if missing; otherwise the seed, in memory. */
function openStore(seed: Seed, stateFile: string | undefined): StateStore {
  const fromSeed = () => stateFromSeed(seed);
  return stateFile ? FileStore.open(stateFile, fromSeed) : new MemoryStore(fromSeed());
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const seed = loadSeed(options.seed);
  const store = openStore(seed, options.stateFile);
  const ctx = new EmulatorContext(seed, store, options.knobs);
  const app = buildServer(ctx);
  await app.listen({ port: options.port ?? 0, host: options.host ?? "127.0.0.1" });
  const address: AddressInfo | string | null = app.server.address();
  if (address === null || typeof address === "string")
    throw new Error("emulator: the server is not listening on a TCP port");
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  let stopped = false;

  return {
    url,
    apiRoot: `${url}/`,
    oauth: {
      authUrl: `${url}/o/oauth2/v2/auth`,
      tokenUrl: `${url}/token`,
      tokenInfoUrl: `${url}/tokeninfo`,
      revokeUrl: `${url}/revoke`,
    },
    stsTokenUrl: `${url}/v1/token`,
    iamCredentialsRoot: `${url}/`,
    controlUrl: `${url}/__emulator`,
    requestLog: () => ctx.log.list(),
    counts: () => ctx.log.counts(),
    clearLog: () => ctx.log.clear(),
    reset: async () => ctx.reset(),
    setKnobs: (k) => ctx.setKnobs(k),
    knobs: () => ({ ...ctx.knobs, failNext: [...ctx.knobs.failNext] }),
    issueAccessToken: (p) => issueAccessToken(ctx, p).token,
    advanceClock: (ms) => ctx.clock.advance(ms),
    deleteProject: (projectId, options) => deleteProject(ctx, projectId, options?.purge ?? false),
    setBillingAccountOpen: (accountId, open) => setBillingAccountOpen(ctx, accountId, open),
    addServiceAccountKey: (email, publicKeyPem) => addServiceAccountKey(ctx, email, publicKeyPem),
    setServiceAccountDisabled: (email, disabled) => setServiceAccountDisabled(ctx, email, disabled),
    setOidcProviderJwks: (provider, jwks) => setOidcProviderJwks(ctx, provider, jwks),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      // node-fetch keeps idle sockets alive; without this the test runner never exits (docs/oauth.md §7).
      app.server.closeAllConnections();
      await app.close();
      // A request cut off by the close may have changed the state without waiting for its save.
      await ctx.store.settled();
    },
  };
}
