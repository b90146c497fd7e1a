/**
 * Opens a Pulumi stack for a read-only check through the Automation API, without `pulumi stack select`:
 * the Automation API selects a stack when it opens one, which would silently change the user's current
 * stack in that directory (and so where their next `pulumi up` goes). Here the workspace's selectStack
 * does nothing; a stack that does not exist fails the first command that names it.
 */
import { LocalWorkspace, Stack, type PulumiCommand, type Workspace } from "@pulumi/pulumi/automation";

export interface OpenedStack {
  stack: Stack;
  project: string;
}

export async function openStackWithoutSelecting(options: {
  workDir: string;
  stackName: string;
  pulumiCommand: PulumiCommand;
  envVars: Record<string, string>;
}): Promise<OpenedStack> {
  const workspace = await LocalWorkspace.create({
    workDir: options.workDir,
    pulumiCommand: options.pulumiCommand,
    envVars: options.envVars,
  });
  const project = (await workspace.projectSettings()).name;
  const view = new Proxy<Workspace>(workspace, {
    get(target, property) {
      if (property === "selectStack") return async (): Promise<void> => undefined;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { stack: await Stack.select(options.stackName, view), project };
}

/** The environment for pulumi child processes: strings only, and no update check (it calls out). */
export function pulumiEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = { PULUMI_SKIP_UPDATE_CHECK: "true" };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}
