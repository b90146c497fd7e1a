/**
 * The engine's type token for ProjectBillingLink: dynamic resources of module `gcp-billing`, type
 * `ProjectBillingLink`. Its own module so that readers of a stack's state (the CLI's drift check) can
 * name it without loading the resource class and `@pulumi/pulumi`'s runtime.
 */
export const RESOURCE_TYPE = "pulumi-nodejs:dynamic/gcp-billing:ProjectBillingLink";
