import * as pulumi from "@pulumi/pulumi";
import { declarationProblems, REPORTED_BY_PROGRAM, reportDeclarationProblems } from "./declarationProblems";
import { assertCredentialsAreSecret } from "./secretConfig";
import { RESOURCE_TYPE } from "./resourceType";
import type { DeletionPolicy, ProjectBillingLinkInputs, ProjectBillingLinkOutputs } from "./types";

/**
 * The module the shim loads by package name at run time (package.json `exports["./provider-runtime"]`).
 * Only its type is imported here: the value must be `require`d inside each method (see below).
 */
type Runtime = typeof import("./projectBillingLinkProvider");

export { RESOURCE_TYPE };

/**
 * The provider object that the engine serializes into `__provider`. It captures nothing: each method
 * loads the package's provider module by name at run time, so state holds no credentials and no code
 * beyond these few lines, and an upgraded package is what refresh and destroy run. Keep it free of
 * references to anything outside the function bodies (closure serialization would inline them).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const shimProvider: pulumi.dynamic.ResourceProvider<ProjectBillingLinkInputs, ProjectBillingLinkOutputs> = {
  async configure(req) {
    return (require("gcp-billing-link/provider-runtime") as Runtime).provider.configure(req);
  },
  async check(olds, news) {
    return (require("gcp-billing-link/provider-runtime") as Runtime).provider.check(olds, news);
  },
  async diff(id, olds, news) {
    return (require("gcp-billing-link/provider-runtime") as Runtime).provider.diff(id, olds, news);
  },
  async create(inputs) {
    return (require("gcp-billing-link/provider-runtime") as Runtime).provider.create(inputs);
  },
  async read(id, props) {
    return (require("gcp-billing-link/provider-runtime") as Runtime).provider.read(id, props);
  },
  async update(id, olds, news) {
    return (require("gcp-billing-link/provider-runtime") as Runtime).provider.update(id, olds, news);
  },
  async delete(id, props) {
    return (require("gcp-billing-link/provider-runtime") as Runtime).provider.delete(id, props);
  },
};
/* eslint-enable @typescript-eslint/no-require-imports */

export interface ProjectBillingLinkArgs {
  /** The project ID (not `projects/…`, not the number), e.g. `my-app-prod`. Changing it replaces the link. */
  projectId: pulumi.Input<string>;
  /** `012345-567890-ABCDEF` or `billingAccounts/012345-567890-ABCDEF`. Changing it relinks in place. */
  billingAccount: pulumi.Input<string>;
  /**
   * What destroy does to the link; see {@link DeletionPolicy}. Default `"restore"`: undo exactly what this
   * resource did (nothing for a link it adopted). A link created by version 0.1 keeps the `"unlink"` it
   * recorded until a policy is declared here.
   */
  deletionPolicy?: pulumi.Input<DeletionPolicy>;
}

/**
 * Links a Google Cloud project to a billing account and keeps it that way: `pulumi up` makes the link true
 * (adopting an existing identical link without writing), `preview --refresh` shows drift, and destroy
 * honours `deletionPolicy`. The resource ID is the project ID.
 */
export class ProjectBillingLink extends pulumi.dynamic.Resource {
  /** The project ID. */
  declare public readonly projectId: pulumi.Output<string>;
  /** The linked account in canonical `billingAccounts/…` form. After a refresh: what is live. */
  declare public readonly billingAccount: pulumi.Output<string>;
  /** True only when the project is linked to an open account. */
  declare public readonly billingEnabled: pulumi.Output<boolean>;
  /** The account the project had before this resource took it over; "" when it had none. */
  declare public readonly previousBillingAccount: pulumi.Output<string>;
  /** The policy in force: declared, or the default recorded when the link was created. */
  declare public readonly deletionPolicy: pulumi.Output<DeletionPolicy>;

  constructor(name: string, args: ProjectBillingLinkArgs, opts?: pulumi.CustomResourceOptions) {
    assertCredentialsAreSecret();
    const problems = declarationProblems({ ...args });
    super(
      shimProvider,
      name,
      {
        projectId: args.projectId,
        billingAccount: args.billingAccount,
        // Left undefined when not declared: the provider applies the default, or the policy recorded in
        // state by an older version (docs/provider.md, "Deletion policies").
        deletionPolicy: args.deletionPolicy,
        billingEnabled: undefined,
        previousBillingAccount: undefined,
        appliedBillingAccount: undefined,
        // Dynamic providers are never told which resource they act on; this lets the provider attach
        // warnings to this resource and name it when two resources declare the same project.
        __urn: pulumi.createUrn(name, RESOURCE_TYPE, opts?.parent),
        ...(problems.length > 0 ? { [REPORTED_BY_PROGRAM]: true } : {}),
      },
      opts,
      "gcp-billing",
      "ProjectBillingLink",
    );
    reportDeclarationProblems(name, problems);
  }
}
