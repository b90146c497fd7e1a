/**
 * What `check` found out about a link it will write, and how that reads in preview and `up` output:
 * whether the project's current link will be adopted (nothing written) or replaced, and what destroy will
 * do later. `create`/`update` act on the same read instead of reading again, so a link costs one read
 * however it is planned.
 */
import type { ProjectBillingInfo } from "../../sdk/src";
import type { ProjectBillingLinkInputs } from "./types";

/** How long a read made by `check` may stand in for the read `create`/`update` would make. */
export const OBSERVATION_TTL_MS = 60_000;

interface Observation {
  info: ProjectBillingInfo;
  atMs: number;
}

/** The reads `check` made in this engine run, keyed by project; each is used at most once. */
export class LinkObservations {
  private readonly byProject: Record<string, Observation> = {};

  constructor(private readonly nowMs: () => number = Date.now) {}

  record(projectId: string, info: ProjectBillingInfo): void {
    this.byProject[projectId] = { info, atMs: this.nowMs() };
  }

  /** The recent read of `projectId`, once; undefined when there is none or it is too old to act on. */
  take(projectId: string): ProjectBillingInfo | undefined {
    const observation = this.byProject[projectId];
    delete this.byProject[projectId];
    if (!observation || this.nowMs() - observation.atMs > OBSERVATION_TTL_MS) return undefined;
    return observation.info;
  }
}

/** "will adopt …" / "will link …" / "will move …" (or "adopted"/"linked"/"moved" when it already ran). */
export function describePlan(inputs: ProjectBillingLinkInputs, live: string, ahead: boolean): string {
  const { projectId, billingAccount } = inputs;
  if (live === billingAccount) {
    return ahead
      ? `will adopt the existing link of ${projectId} to ${billingAccount}: nothing is written.`
      : `adopted the existing link of ${projectId} to ${billingAccount}: nothing was written.`;
  }
  if (live === "") {
    return ahead
      ? `will link ${projectId} to ${billingAccount} (it has no billing account now).`
      : `linking ${projectId} to ${billingAccount} (it had no billing account).`;
  }
  return ahead
    ? `will move ${projectId} from ${live} to ${billingAccount}.`
    : `moving ${projectId} from ${live} to ${billingAccount}.`;
}

/**
 * What destroy will do to a link created now, given the project's current account `live` and the account
 * `restore` returns it to (its current one, unless the journal says this stack's own write put it there).
 */
export function describeDestroy(inputs: ProjectBillingLinkInputs, live: string, restoreTo = live): string {
  if (inputs.deletionPolicy === "restore" && restoreTo !== live) {
    const back = restoreTo === "" ? "unlink it" : `move it back to ${restoreTo}`;
    return ` This stack's own earlier write put it there (an interrupted run, or a renamed resource): destroy will ${back}.`;
  }
  switch (inputs.deletionPolicy) {
    case "abandon":
      return ' Destroy will leave it linked (deletionPolicy "abandon").';
    case "unlink":
      return ' Destroy will unlink it (deletionPolicy "unlink"), which stops its paid services.';
    case "restore":
      if (live === inputs.billingAccount) return " Destroy will leave it as it was.";
      return live === "" ? " Destroy will unlink it again." : ` Destroy will move it back to ${live}.`;
  }
}
