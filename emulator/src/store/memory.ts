import type { IamBinding } from "../iam";
import { projectName } from "../resourceNames";
import type { BillingAccountRecord, EmulatorState, ProjectRecord } from "./state";
import type { StateStore } from "./store";

/** The record under an own key only: `constructor` is a valid project id, and must not find Object's. */
function own<T>(records: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(records, key) ? records[key] : undefined;
}

/**
 * State that lives as long as the process. Every typed write ends in `changed()`, which does nothing here;
 * `FileStore` overrides it and `commit()` to write the state file, and is otherwise this store.
 */
export class MemoryStore implements StateStore {
  #state: EmulatorState;

  constructor(initial: EmulatorState) {
    this.#state = initial;
  }

  get state(): EmulatorState {
    return this.#state;
  }

  /** Nothing to make durable: the live object is the only copy. */
  commit(): void {}

  settled(): Promise<void> {
    return Promise.resolve();
  }

  replace(state: EmulatorState): void {
    this.#state = state;
    this.commit();
  }

  /** Called after each typed write, once the change is in `state`. */
  protected changed(): void {}

  project(projectId: string): Readonly<ProjectRecord> | undefined {
    return own(this.#state.projects, projectId);
  }

  projectByNumber(projectNumber: string): Readonly<ProjectRecord> | undefined {
    return Object.values(this.#state.projects).find((p) => p.projectNumber === projectNumber);
  }

  billingAccount(accountId: string): Readonly<BillingAccountRecord> | undefined {
    return own(this.#state.billingAccounts, accountId);
  }

  billingAccounts(): ReadonlyArray<Readonly<BillingAccountRecord>> {
    return Object.values(this.#state.billingAccounts);
  }

  projectsLinkedTo(accountId: string): ReadonlyArray<Readonly<ProjectRecord>> {
    return Object.values(this.#state.projects).filter((p) => p.billingAccountId === accountId);
  }

  iamBindings(): readonly IamBinding[] {
    return this.#state.iam;
  }

  setProjectBillingAccount(projectId: string, accountId: string | null): void {
    this.existingProject(projectId).billingAccountId = accountId;
    this.changed();
  }

  markProjectDeleteRequested(projectId: string): void {
    this.existingProject(projectId).lifecycleState = "DELETE_REQUESTED";
    this.changed();
  }

  removeProject(projectId: string): void {
    this.existingProject(projectId);
    delete this.#state.projects[projectId];
    this.#state.iam = this.#state.iam.filter((b) => b.resource !== projectName(projectId));
    this.changed();
  }

  setBillingAccountOpen(accountId: string, open: boolean): void {
    const account = own(this.#state.billingAccounts, accountId);
    if (!account) throw new Error(`store: unknown billing account ${accountId}`);
    account.open = open;
    this.changed();
  }

  /** Callers check existence first (it is a step of the check order); a miss here is a bug. */
  private existingProject(projectId: string): ProjectRecord {
    const project = own(this.#state.projects, projectId);
    if (!project) throw new Error(`store: unknown project ${projectId}`);
    return project;
  }
}
