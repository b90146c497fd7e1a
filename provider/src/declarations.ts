/**
 * Which resource declared each project in this engine run, so a second resource for the same project is
 * refused at `check` (preview) instead of silently fighting the first: removing either one would undo the
 * link the other still declares. Kept on globalThis for the same reason as claims.ts: every serialized
 * copy of the provider in the process must share it.
 */
const KEY = Symbol.for("gcp-billing-link.declaredProjects");

type Registry = { [KEY]?: Record<string, string> };

function declared(): Record<string, string> {
  const registry = globalThis as Registry;
  return (registry[KEY] ??= {});
}

/** Records that `urn` declares `projectId`; returns the URN of another resource that already did. */
export function declareProject(projectId: string, urn: string): string | undefined {
  const byProject = declared();
  const first = byProject[projectId];
  if (first !== undefined && first !== urn) return first;
  byProject[projectId] = urn;
  return undefined;
}

/** The resource name inside a URN (`urn:pulumi:stack::project::type::name`). */
export function resourceName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}
