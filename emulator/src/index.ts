import { assertServerDependencies } from "./serverDependencies";

// Before anything loads fastify (the re-exports below run in order): a missing optional peer dependency
// gets the install command instead of "Cannot find module 'fastify'".
assertServerDependencies();

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
