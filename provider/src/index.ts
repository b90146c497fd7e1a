export { ProjectBillingLink, type ProjectBillingLinkArgs } from "./projectBillingLink";
export { DEFAULT_DELETION_POLICY, DELETION_POLICIES, type DeletionPolicy } from "./types";
export { CONFIG_KEYS, CONFIG_NAMESPACE } from "./providerConfig";
