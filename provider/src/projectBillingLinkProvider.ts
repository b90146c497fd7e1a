/**
 * The ProjectBillingLink provider's behaviour. The engine never serializes this module: the small shim in
 * projectBillingLink.ts is what lands in state, and it `require`s this module by package name in every
 * call. Upgrading the package therefore changes what refresh and destroy run, and no credential or client
 * is ever captured into `__provider`.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  CloudBillingClient,
  CredentialsError,
  NotFoundError,
  billingAccountId,
  type ProjectBillingInfo,
} from "../../sdk/src";
import { claimProject, isClaimedInThisRun } from "./claims";
import { canonicalAccount, normaliseInputs, UNKNOWN_VALUE } from "./inputs";
import { atBoundary, ProjectBillingLinkError } from "./providerError";
import { settingsFromConfig, type ConfigSource, type ProviderSettings } from "./providerConfig";
import type { ProjectBillingLinkInputs, ProjectBillingLinkOutputs } from "./types";

/** The permission linking a project needs on the billing account (granted by roles/billing.user). */
const LINK_PERMISSION = "billing.resourceAssociations.create";

type Raw = Record<string, unknown>;

export class ProjectBillingLinkProvider {
  private settings: ProviderSettings = settingsFromConfig({ get: () => undefined });
  private client: CloudBillingClient | undefined;
  /** One preflight per billing account per engine run: at most two calls each. */
  private readonly preflights: Record<string, Promise<string | undefined>> = {};

  /** Set when the stack config is invalid; every operation then fails with it. */
  private configError: Error | undefined;

  /**
   * Synchronous on purpose: the engine may call other methods before an async configure settles.
   * Pulumi's host caches the provider before configure finishes and never calls it again, so a bad
   * config must not leave defaults behind (environment credentials, Google's endpoint): it is kept and
   * rethrown by every operation instead.
   */
  configure(config: ConfigSource): void {
    this.client = undefined;
    try {
      this.settings = settingsFromConfig(config);
      this.configError = undefined;
    } catch (err) {
      this.configError = err instanceof Error ? err : new Error(String(err));
      throw this.configError;
    }
  }

  async check(_olds: Raw, news: Raw): Promise<pulumi.dynamic.CheckResult<ProjectBillingLinkInputs>> {
    if (this.configError) throw this.configError;
    const { inputs, failures } = normaliseInputs(news);
    if (failures.length === 0 && this.settings.preflight && inputs.billingAccount !== UNKNOWN_VALUE) {
      const reason = await this.preflight(inputs.billingAccount);
      if (reason) failures.push({ property: "billingAccount", reason });
    }
    return { inputs, failures };
  }

  async diff(_id: string, olds: Raw, news: Raw): Promise<pulumi.dynamic.DiffResult> {
    const replaces = olds.projectId !== news.projectId ? ["projectId"] : [];
    const accountChanged = canonicalAccount(olds.billingAccount) !== canonicalAccount(news.billingAccount);
    const policyChanged = (olds.deletionPolicy ?? "unlink") !== (news.deletionPolicy ?? "unlink");
    return {
      changes: replaces.length > 0 || accountChanged || policyChanged,
      replaces,
      // Different projects: the new link is made before the old project is released.
      deleteBeforeReplace: false,
    };
  }

  async create(raw: Raw): Promise<pulumi.dynamic.CreateResult<ProjectBillingLinkOutputs>> {
    const inputs = asInputs(raw);
    const { accountBefore, info } = await this.linkAsDeclared(inputs);
    return { id: inputs.projectId, outs: outputs(inputs, info, accountBefore) };
  }

  async read(id: string, props: Raw): Promise<pulumi.dynamic.ReadResult<ProjectBillingLinkOutputs>> {
    let info: ProjectBillingInfo;
    try {
      info = await this.billing().getProjectBillingInfo(id);
    } catch (err) {
      // Gone means gone; a permission or auth error must stay an error, never look like a deletion.
      if (err instanceof NotFoundError) return { id: "" };
      throw err;
    }
    const state = asOutputs(id, props);
    return {
      id,
      props: {
        ...state,
        billingAccount: canonicalAccount(info.billingAccountName),
        billingEnabled: info.billingEnabled,
      },
    };
  }

  async update(
    id: string,
    olds: Raw,
    news: Raw,
  ): Promise<pulumi.dynamic.UpdateResult<ProjectBillingLinkOutputs>> {
    const inputs = asInputs(news);
    const state = asOutputs(id, olds);
    if (state.billingAccount === inputs.billingAccount) {
      // Only deletionPolicy changed: the plan showed no relink, so none happens (drift is repaired by
      // `up --refresh`, where the refreshed billingAccount differs and takes the path below).
      return { outs: { ...state, deletionPolicy: inputs.deletionPolicy } };
    }
    const { info } = await this.linkAsDeclared(inputs);
    // The account before the takeover stays what it was when this resource was created.
    return { outs: outputs(inputs, info, state.previousBillingAccount) };
  }

  async delete(id: string, props: Raw): Promise<void> {
    const state = asOutputs(id, props);
    if (state.deletionPolicy === "abandon") return;
    if (isClaimedInThisRun(state.projectId)) {
      console.error(
        `gcp-billing-link: left ${state.projectId} linked: another ProjectBillingLink took it over in this run ` +
          "(a rename or a move), so releasing it here would undo that.",
      );
      if (
        state.deletionPolicy === "restore" &&
        state.previousBillingAccount !== state.appliedBillingAccount
      ) {
        console.error(
          `gcp-billing-link: the resource that took over ${state.projectId} recorded the current account as ` +
            `its previous one, so "restore" will no longer return it to ` +
            `${state.previousBillingAccount || "no account"}. Rename with the \`aliases\` option to keep it.`,
        );
      }
      return;
    }
    let current: ProjectBillingInfo;
    try {
      current = await this.billing().getProjectBillingInfo(state.projectId);
    } catch (err) {
      if (err instanceof NotFoundError) return; // the project is gone, and so is its link
      throw err;
    }
    const live = canonicalAccount(current.billingAccountName);
    if (live === "" || live !== canonicalAccount(state.appliedBillingAccount)) {
      // Already unlinked, or relinked by someone else: this resource no longer owns the link.
      if (live !== "") {
        console.error(
          `gcp-billing-link: left ${state.projectId} linked to ${live}: it is no longer linked to ` +
            `${state.appliedBillingAccount}, which this resource set.`,
        );
      }
      return;
    }
    const target = state.deletionPolicy === "restore" ? canonicalAccount(state.previousBillingAccount) : "";
    if (target === live) return;
    await this.billing().updateProjectBillingInfo(state.projectId, target);
  }

  /**
   * Makes the link true: one read, and a write only when it differs. Already linked as declared means
   * adopt without writing, which is also what makes a re-run after a crashed `up` converge.
   */
  private async linkAsDeclared(
    inputs: ProjectBillingLinkInputs,
  ): Promise<{ accountBefore: string; info: ProjectBillingInfo }> {
    const current = await this.billing().getProjectBillingInfo(inputs.projectId);
    const accountBefore = canonicalAccount(current.billingAccountName);
    const info =
      accountBefore === inputs.billingAccount
        ? current
        : await this.billing().updateProjectBillingInfo(inputs.projectId, inputs.billingAccount);
    // Only a link that was made (or adopted) protects the project from a delete later in this run.
    claimProject(inputs.projectId);
    return { accountBefore, info };
  }

  private billing(): CloudBillingClient {
    if (this.configError) throw this.configError;
    return (this.client ??= new CloudBillingClient(this.settings.client));
  }

  /** Returns a failure reason, or undefined when the account looks usable (or cannot be checked). */
  private preflight(account: string): Promise<string | undefined> {
    return (this.preflights[account] ??= this.runPreflight(account));
  }

  private async runPreflight(account: string): Promise<string | undefined> {
    try {
      const details = await this.billing().getBillingAccount(account);
      if (!details.open) {
        return (
          `billing account ${account} ("${details.displayName}") is closed: projects linked to it cannot use ` +
          "paid services. Link to an open account, or reopen this one in the Cloud console."
        );
      }
      const granted = await this.billing().testBillingAccountPermissions(account, [LINK_PERMISSION]);
      if (!granted.includes(LINK_PERMISSION)) {
        return (
          `the caller may not link projects to billing account ${account}: it lacks ${LINK_PERMISSION}. ` +
          `Grant roles/billing.user on billingAccounts/${billingAccountId(account)} to the identity Pulumi runs as.`
        );
      }
      return undefined;
    } catch (err) {
      // No credentials during a preview (e.g. a CI job without secrets): the operations themselves will
      // report it if they run. Credentials the token endpoint rejected (`oauth.token`: a revoked refresh
      // token, a wrong client) are not "no credentials": like every other error (permission, not found,
      // …) they fail the preview clearly instead of letting `up` fail halfway.
      if (err instanceof CredentialsError && err.method !== "oauth.token") return undefined;
      if (err instanceof Error) return `could not check billing account ${account}: ${err.message}`;
      throw err;
    }
  }
}

function outputs(
  inputs: ProjectBillingLinkInputs,
  info: ProjectBillingInfo,
  previousBillingAccount: string,
): ProjectBillingLinkOutputs {
  return {
    ...inputs,
    billingEnabled: info.billingEnabled,
    previousBillingAccount,
    appliedBillingAccount: inputs.billingAccount,
  };
}

function asInputs(raw: Raw): ProjectBillingLinkInputs {
  const { inputs, failures } = normaliseInputs(raw);
  if (failures.length > 0) throw new ProjectBillingLinkError(failures.map((f) => f.reason).join("; "));
  return inputs;
}

/** Reads stored outputs defensively: state may come from an older version or a hand-edited export. */
function asOutputs(id: string, props: Raw): ProjectBillingLinkOutputs {
  const text = (v: unknown): string => (typeof v === "string" ? v : "");
  const policy = text(props.deletionPolicy);
  const billingAccount = canonicalAccount(props.billingAccount);
  return {
    projectId: text(props.projectId) || id,
    billingAccount,
    deletionPolicy: policy === "abandon" || policy === "restore" ? policy : "unlink",
    billingEnabled: props.billingEnabled === true,
    previousBillingAccount: canonicalAccount(props.previousBillingAccount),
    appliedBillingAccount: canonicalAccount(props.appliedBillingAccount ?? props.billingAccount),
  };
}

const implementation = new ProjectBillingLinkProvider();

/**
 * The one instance per process that every serialized shim delegates to, with every operation behind
 * the error boundary (see providerError.ts).
 */
export const provider = {
  configure: (config: ConfigSource): void => implementation.configure(config),
  check: (olds: Raw, news: Raw) => atBoundary(() => implementation.check(olds, news)),
  diff: (id: string, olds: Raw, news: Raw) => atBoundary(() => implementation.diff(id, olds, news)),
  create: (inputs: Raw) => atBoundary(() => implementation.create(inputs)),
  read: (id: string, props: Raw) => atBoundary(() => implementation.read(id, props)),
  update: (id: string, olds: Raw, news: Raw) => atBoundary(() => implementation.update(id, olds, news)),
  delete: (id: string, props: Raw) => atBoundary(() => implementation.delete(id, props)),
};
