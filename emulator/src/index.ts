export {
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
  type OAuthEndpoints,
  type IssueAccessTokenParams,
} from "./startEmulator";
export { DEFAULT_SEED_PATH, SeedError, type SeedObject } from "./seed";
export { DEFAULT_KNOBS, type Knobs, type InjectedFault } from "./knobs";
export type { LoggedRequest, RequestCounts } from "./requestLog";
export { StateFileError } from "./store/file";
export type { Jwks } from "./identities/identitySeed";
