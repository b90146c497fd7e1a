export { ProjectBillingLink, type ProjectBillingLinkArgs } from "./projectBillingLink";
export { DELETION_POLICIES, type DeletionPolicy } from "./types";
export { CONFIG_KEYS, CONFIG_NAMESPACE } from "./providerConfig";
