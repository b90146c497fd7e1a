/**
 * Projects that a create or update in this engine run linked or adopted.
 *
 * Renaming a resource without an alias makes the engine create the new resource and then delete the old
 * one, both for the same project, in one `pulumi up` and one provider process. Without this record the
 * old resource's delete would see "still linked to the account I set" and unlink the project the new
 * resource has just adopted. Kept on globalThis because every serialized copy of the provider in the
 * process (one per distinct `__provider` string) must see the same record.
 */
const KEY = Symbol.for("gcp-billing-link.claimedProjects");

type Registry = { [KEY]?: Set<string> };

function claimed(): Set<string> {
  const registry = globalThis as Registry;
  return (registry[KEY] ??= new Set<string>());
}

export function claimProject(projectId: string): void {
  claimed().add(projectId);
}

export function isClaimedInThisRun(projectId: string): boolean {
  return claimed().has(projectId);
}
