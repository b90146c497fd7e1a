/**
 * The ProjectBillingLink provider's behaviour. The engine never serializes this module: the small shim in
 * projectBillingLink.ts is what lands in state, and it `require`s this module by package name in every
 * call. Upgrading the package therefore changes what refresh and destroy run, and no credential or client
 * is ever captured into `__provider`.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  CloudBillingClient,
  CredentialsNotFoundError,
  LINK_PERMISSION,
  NotFoundError,
  PermissionDeniedError,
  SCOPE_CLOUD_BILLING,
  billingAccountId,
  type ProjectBillingInfo,
} from "../../sdk/src";
import { AccountChecks } from "./accountChecks";
import { claimProject, isClaimedInThisRun } from "./claims";
import { REPORTED_BY_PROGRAM } from "./declarationProblems";
import { declareProject, resourceName } from "./declarations";
import { logToEngine } from "./engineLog";
import {
  canonicalAccount,
  normalizeCheckedInputs,
  normalizeInputs,
  UNKNOWN_VALUE,
  type InputFailure,
} from "./inputs";
import { LinkJournal } from "./linkJournal";
import { describeDestroy, describePlan, LinkObservations } from "./linkPlan";
import {
  atBoundary,
  installHostPrintFilter,
  isCredentialFailure,
  ProjectBillingLinkError,
  userMessage,
} from "./providerError";
import { settingsFromConfig, type ConfigSource, type ProviderSettings } from "./providerConfig";
import {
  DEFAULT_DELETION_POLICY,
  DELETION_POLICIES,
  type DeletionPolicy,
  type ProjectBillingLinkInputs,
  type ProjectBillingLinkOutputs,
} from "./types";

/** What the engine hands over: state from any version of this package, or hand-edited. Parsed defensively. */
type Raw = Record<string, unknown>;

type Provider = pulumi.dynamic.ResourceProvider<ProjectBillingLinkInputs, ProjectBillingLinkOutputs>;

const WRITE_SCOPES = [SCOPE_CLOUD_BILLING, "https://www.googleapis.com/auth/cloud-platform"];

export class ProjectBillingLinkProvider implements Provider {
  private settings: ProviderSettings = settingsFromConfig({ get: () => undefined });
  private client: CloudBillingClient | undefined;
  private readonly accounts = new AccountChecks(() => this.billing());
  /** What `check` read about each project it plans to write, for `create`/`update` to act on. */
  private readonly observations = new LinkObservations();
  /** Where `restore` must return each written project, kept across runs on this machine (linkJournal.ts). */
  private readonly journal = new LinkJournal();
  /** Resolves once per run: false when no credentials are configured at all (preview warns once). */
  private credentials: Promise<boolean> | undefined;

  /** Set when the stack config is invalid; every operation then fails with it. */
  private configError: Error | undefined;

  /**
   * Applies the config before returning its promise (an async function runs synchronously up to its
   * first await, and this one has none): the engine may call other methods before configure settles.
   * Pulumi's host caches the provider before configure finishes and never calls it again, so a bad
   * config must not leave defaults behind (environment credentials, Google's endpoint): it is kept and
   * rethrown by every operation instead.
   */
  async configure(req: { config: ConfigSource }): Promise<void> {
    this.applyConfig(req.config);
  }

  private applyConfig(config: ConfigSource): void {
    this.client = undefined;
    this.credentials = undefined;
    try {
      this.settings = settingsFromConfig(config);
      this.configError = undefined;
    } catch (err) {
      this.configError = err instanceof Error ? err : new Error(String(err));
      throw this.configError;
    }
  }

  /**
   * Validates and normalizes the inputs, refuses a project declared twice, and — for a link this run will
   * write — checks the account and says whether the link will be adopted or written. Only what will be
   * written is preflighted: an unchanged link to an account closed since only earns a warning, so one
   * closed account never freezes the rest of the stack.
   */
  async check(olds: Raw, news: Raw): Promise<pulumi.dynamic.CheckResult<ProjectBillingLinkInputs>> {
    if (this.configError) throw this.configError;
    const { inputs, failures, keepsLegacyUnlink } = normalizeInputs(news, olds);
    const urn = inputs.__urn ?? "";
    if (news[REPORTED_BY_PROGRAM] === true) {
      // The program already showed each problem on this resource (declarationProblems.ts). It saw plain
      // values only, so when nothing looks wrong here the engine's unknown marker was typed in: refuse
      // it too, or the preview would pass with only the program's error printed.
      const refused =
        failures.length > 0 ? failures : normalizeInputs(news, olds, { unknowns: false }).failures;
      const name = resourceName(urn) || "this resource";
      const reason = `invalid: the program's errors for ProjectBillingLink "${name}" give the details`;
      return { inputs, failures: refused.map((f) => ({ ...f, reason })) };
    }
    this.refuseDuplicate(inputs, urn, failures);
    if (failures.length > 0) return { inputs, failures };
    if (keepsLegacyUnlink) await logToEngine("warning", legacyUnlinkWarning(inputs.projectId), urn);

    const known = inputs.projectId !== UNKNOWN_VALUE && inputs.billingAccount !== UNKNOWN_VALUE;
    if (!this.settings.preflight || !known || !(await this.hasCredentials())) return { inputs, failures };
    if (writesLink(olds, inputs)) {
      const reason = await this.preflightWrite(inputs.billingAccount);
      if (reason) failures.push({ property: "billingAccount", reason });
      else await this.planWrite(inputs, urn, olds.projectId !== inputs.projectId, failures);
    } else {
      await this.warnIfClosed(inputs, urn);
    }
    return { inputs, failures };
  }

  async diff(_id: string, olds: Raw, news: Raw): Promise<pulumi.dynamic.DiffResult> {
    const replaces = olds.projectId !== news.projectId ? ["projectId"] : [];
    const accountChanged = canonicalAccount(olds.billingAccount) !== canonicalAccount(news.billingAccount);
    const policyChanged = storedPolicy(olds.deletionPolicy) !== storedPolicy(news.deletionPolicy);
    return {
      changes: replaces.length > 0 || accountChanged || policyChanged,
      replaces,
      // Different projects: the new link is made before the old project is released.
      deleteBeforeReplace: false,
    };
  }

  async create(raw: Raw): Promise<pulumi.dynamic.CreateResult<ProjectBillingLinkOutputs>> {
    const inputs = asInputs(raw);
    const { restoreTo, info } = await this.linkAsDeclared(inputs);
    return { id: inputs.projectId, outs: outputs(inputs, info, restoreTo) };
  }

  async read(id: string, props: Raw = {}): Promise<pulumi.dynamic.ReadResult<ProjectBillingLinkOutputs>> {
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
      return { outs: { ...state, ...inputs } };
    }
    // The account before the takeover stays what it was when this resource was created.
    const { info } = await this.linkAsDeclared(inputs, state.previousBillingAccount);
    return { outs: outputs(inputs, info, state.previousBillingAccount) };
  }

  async delete(id: string, props: Raw): Promise<void> {
    const state = asOutputs(id, props);
    if (isClaimedInThisRun(state.projectId)) return this.leaveToTakeover(state);
    await this.release(state);
    this.journal.forget(state.__urn, state.projectId);
  }

  /** A rename or a move: another resource of this run now holds the link, so this one leaves it alone. */
  private async leaveToTakeover(state: ProjectBillingLinkOutputs): Promise<void> {
    const urn = state.__urn ?? "";
    await logToEngine(
      "warning",
      `left ${state.projectId} linked: another ProjectBillingLink took it over in this run (a rename or ` +
        "a move), so releasing it here would undo that.",
      urn,
    );
    if (state.deletionPolicy !== "restore" || state.previousBillingAccount === state.appliedBillingAccount)
      return;
    // The resource that took over found this one's restore target in the journal, unless it was missing.
    const handedOver = this.journal.restoreTargetFor(urn, state.projectId, state.appliedBillingAccount);
    if (handedOver === state.previousBillingAccount) return;
    await logToEngine(
      "warning",
      `the resource that took over ${state.projectId} recorded the current account as its previous ` +
        `one, so "restore" will no longer return it to ${state.previousBillingAccount || "no account"}. ` +
        "Rename with the `aliases` option to keep it.",
      urn,
    );
  }

  /** What destroy does, by policy, to a link this resource still owns. */
  private async release(state: ProjectBillingLinkOutputs): Promise<void> {
    const urn = state.__urn ?? "";
    if (state.deletionPolicy === "abandon") return;
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
        await logToEngine(
          "warning",
          `left ${state.projectId} linked to ${live}: it is no longer linked to ` +
            `${state.appliedBillingAccount}, which this resource set.`,
          urn,
        );
      }
      return;
    }
    const target = state.deletionPolicy === "restore" ? state.previousBillingAccount : "";
    if (target === live) return; // restore of an adopted link: the stack changed nothing
    await this.billing().updateProjectBillingInfo(state.projectId, target);
    if (state.__deletionPolicyOrigin === undefined && state.deletionPolicy === "unlink") {
      await logToEngine("warning", legacyUnlinkDone(state.projectId), urn);
    }
  }

  /**
   * Makes the link true: one read (or the one `check` just made), and a write only when it differs.
   * Already linked as declared means adopt without writing, which is also what makes a re-run after a
   * crashed `up` converge. Returns the account `restore` must return the project to: `restoreTo` for an
   * update; for a create, the account it had — or, when a write this stack made put it where it is (a
   * killed `up`, a renamed resource), the account that write recorded in the journal.
   */
  private async linkAsDeclared(
    inputs: ProjectBillingLinkInputs,
    restoreTo?: string,
  ): Promise<{ restoreTo: string; info: ProjectBillingInfo }> {
    const urn = inputs.__urn;
    const planned = this.observations.take(inputs.projectId);
    const current = planned ?? (await this.billing().getProjectBillingInfo(inputs.projectId));
    const accountBefore = canonicalAccount(current.billingAccountName);
    if (!planned) {
      // Nothing was said at check time (preflight off, or no credentials then): say what happens now.
      await logToEngine("info", describePlan(inputs, accountBefore, false), urn ?? "");
    }
    let info = current;
    if (accountBefore === inputs.billingAccount) {
      restoreTo ??= this.journal.restoreTargetFor(urn, inputs.projectId, accountBefore) ?? accountBefore;
    } else {
      restoreTo ??= accountBefore;
      // Before the write: if this run dies after it, the next run still knows where restore returns.
      this.journal.recordWrite(urn, inputs.projectId, restoreTo, inputs.billingAccount);
      info = await this.billing().updateProjectBillingInfo(inputs.projectId, inputs.billingAccount);
    }
    // Only a link that was made (or adopted) protects the project from a delete later in this run.
    claimProject(inputs.projectId);
    return { restoreTo, info };
  }

  private billing(): CloudBillingClient {
    if (this.configError) throw this.configError;
    return (this.client ??= new CloudBillingClient(this.settings.client));
  }

  private refuseDuplicate(inputs: ProjectBillingLinkInputs, urn: string, failures: InputFailure[]): void {
    if (!urn || failures.some((f) => f.property === "projectId") || inputs.projectId === UNKNOWN_VALUE)
      return;
    const first = declareProject(inputs.projectId, urn);
    if (first === undefined) return;
    // The engine checks resources concurrently: name them in a stable order, not in check order.
    const [a, b] = [resourceName(first), resourceName(urn)].sort();
    failures.push({
      property: "projectId",
      reason:
        `project ${inputs.projectId} is declared by two ProjectBillingLink resources, "${a}" and "${b}": ` +
        "each would manage the same link, and removing either would undo the link the other declares. " +
        "Declare each project once.",
    });
  }

  /**
   * Whether credentials are configured. None at all is allowed at preview (a pipeline without secrets)
   * and only earns one warning; credentials that are configured but broken fail here, naming the setting.
   */
  private hasCredentials(): Promise<boolean> {
    return (this.credentials ??= this.billing()
      .describeCredentials()
      .then(
        async ({ warnings }) => {
          for (const warning of warnings ?? []) await logToEngine("warning", warning);
          return true;
        },
        async (err: unknown) => {
          if (!(err instanceof CredentialsNotFoundError)) throw err;
          await logToEngine(
            "warning",
            `${userMessage(err, "check")} The preview could not check billing accounts or current links; ` +
              "`pulumi up` needs credentials.",
          );
          return false;
        },
      ));
  }

  /** Returns a failure reason for `billingAccount`, or undefined when a link to it can be written. */
  private async preflightWrite(account: string): Promise<string | undefined> {
    try {
      const details = await this.accounts.account(account);
      if (!details.open) {
        return (
          `billing account ${account} ("${details.displayName}") is closed: projects linked to it cannot use ` +
          "paid services. Link to an open account, or reopen this one in the Cloud console."
        );
      }
      if (!(await this.accounts.mayLink(account))) {
        return (
          `the caller may not link projects to billing account ${account}: it lacks ${LINK_PERMISSION}. ` +
          `Grant roles/billing.user on billingAccounts/${billingAccountId(account)} to the identity Pulumi runs as.`
        );
      }
    } catch (err) {
      if (isCredentialFailure(err) || !(err instanceof PermissionDeniedError || err instanceof NotFoundError))
        throw err;
      return `cannot use billing account ${account}: ${userMessage(err, "check")}`;
    }
    const scopes = await this.billing().grantedScopes();
    if (scopes && !scopes.some((s) => WRITE_SCOPES.includes(s))) {
      throw new ProjectBillingLinkError(
        `the access token can read but not change billing links: it was granted ${scopes.join(" ")}. ` +
          `Changing a link needs the ${SCOPE_CLOUD_BILLING} scope (or cloud-platform): log in again with ` +
          "`gcp-billing-link login` (its default scope), or mint the token with that scope.",
      );
    }
    return undefined;
  }

  /** Reads the project's current link and says whether `up` will adopt it or write. */
  private async planWrite(
    inputs: ProjectBillingLinkInputs,
    urn: string,
    creating: boolean,
    failures: InputFailure[],
  ): Promise<void> {
    let current: ProjectBillingInfo;
    try {
      current = await this.billing().getProjectBillingInfo(inputs.projectId);
    } catch (err) {
      if (isCredentialFailure(err) || !(err instanceof PermissionDeniedError || err instanceof NotFoundError))
        throw err;
      failures.push({
        property: "projectId",
        reason: `cannot use project ${inputs.projectId}: ${userMessage(err, "check")}`,
      });
      return;
    }
    this.observations.record(inputs.projectId, current);
    const live = canonicalAccount(current.billingAccountName);
    const restoreTo =
      live === inputs.billingAccount ? this.journal.restoreTargetFor(urn, inputs.projectId, live) : undefined;
    const destroy = creating ? describeDestroy(inputs, live, restoreTo) : "";
    await logToEngine("info", `${describePlan(inputs, live, true)}${destroy}`, urn);
  }

  private async warnIfClosed(inputs: ProjectBillingLinkInputs, urn: string): Promise<void> {
    let open: boolean;
    let displayName: string;
    try {
      ({ open, displayName } = await this.accounts.account(inputs.billingAccount));
    } catch (err) {
      // An account the caller cannot see is not this link's problem at preview; broken credentials are.
      if (isCredentialFailure(err)) throw err;
      return;
    }
    if (open) return;
    await logToEngine(
      "warning",
      `billing account ${inputs.billingAccount} ("${displayName}") is closed: ${inputs.projectId} is linked ` +
        "to it but cannot use paid services. Link the project to an open account (change billingAccount " +
        "and run `pulumi up`), or reopen the account in the Cloud console.",
      urn,
    );
  }
}

/** A new link, or a change of project or account: what `up` will write (or adopt). */
function writesLink(olds: Raw, inputs: ProjectBillingLinkInputs): boolean {
  return (
    olds.projectId !== inputs.projectId || canonicalAccount(olds.billingAccount) !== inputs.billingAccount
  );
}

function storedPolicy(value: unknown): DeletionPolicy {
  return (DELETION_POLICIES as readonly unknown[]).includes(value)
    ? (value as DeletionPolicy)
    : DEFAULT_DELETION_POLICY;
}

function legacyUnlinkWarning(projectId: string): string {
  return (
    `destroy will unlink ${projectId} (deletionPolicy "unlink", recorded as the default by ` +
    "gcp-billing-link 0.1), even if the stack did not enable its billing. Declare a deletionPolicy: " +
    '"restore" (the default now) undoes only what the stack did; "unlink" keeps this behaviour and ' +
    "silences this warning."
  );
}

function legacyUnlinkDone(projectId: string): string {
  return `unlinked ${projectId}: deletionPolicy "unlink" was recorded as the default by gcp-billing-link 0.1.`;
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

/** The inputs `check` produced, re-validated: create and update must never act on anything else. */
function asInputs(raw: Raw): ProjectBillingLinkInputs {
  const { inputs, failures } = normalizeCheckedInputs(raw);
  if (failures.length > 0) throw new ProjectBillingLinkError(failures.map((f) => f.reason).join("; "));
  return inputs;
}

/** Reads stored outputs defensively: state may come from an older version or a hand-edited export. */
function asOutputs(id: string, props: Raw): ProjectBillingLinkOutputs {
  const text = (v: unknown): string => (typeof v === "string" ? v : "");
  const policy = text(props.deletionPolicy);
  const billingAccount = canonicalAccount(props.billingAccount);
  const origin = props.__deletionPolicyOrigin;
  return {
    projectId: text(props.projectId) || id,
    billingAccount,
    // State from version 0.1 always recorded a policy; a missing one can only come from a hand edit.
    deletionPolicy: (DELETION_POLICIES as readonly string[]).includes(policy)
      ? (policy as DeletionPolicy)
      : DEFAULT_DELETION_POLICY,
    ...(origin === "declared" || origin === "default" || origin === "legacy-default"
      ? { __deletionPolicyOrigin: origin }
      : {}),
    ...(typeof props.__urn === "string" ? { __urn: props.__urn } : {}),
    billingEnabled: props.billingEnabled === true,
    previousBillingAccount: canonicalAccount(props.previousBillingAccount),
    appliedBillingAccount: canonicalAccount(props.appliedBillingAccount ?? props.billingAccount),
  };
}

installHostPrintFilter();

const implementation = new ProjectBillingLinkProvider();

/**
 * The one instance per process that every serialized shim delegates to, with every operation behind
 * the error boundary (see providerError.ts).
 */
export const provider: Required<Provider> = {
  // Shims serialized by version 0.1 (still in users' state, and run by refresh and destroy) pass the
  // config itself rather than the request.
  // Behind the boundary too: the host calls configure inside the first check, and prints a raw error
  // there with its stack trace and its message twice (providerError.ts).
  configure: (req: { config: ConfigSource } | ConfigSource) =>
    atBoundary("configure", () => implementation.configure("config" in req ? req : { config: req })),
  check: (olds, news) => atBoundary("check", () => implementation.check(olds, news)),
  diff: (id, olds, news) => atBoundary("diff", () => implementation.diff(id, olds, news)),
  create: (inputs) => atBoundary("create", () => implementation.create(inputs)),
  read: (id, props) => atBoundary("read", () => implementation.read(id, props)),
  update: (id, olds, news) => atBoundary("update", () => implementation.update(id, olds, news)),
  delete: (id, props) => atBoundary("delete", () => implementation.delete(id, props)),
};
