// Runs a Pulumi program in-process with `pulumi.runtime.setMocks`, as Pulumi documents for unit tests of
// TypeScript programs: config in, the resources the program declares (with their inputs) and its stack
// outputs out. No engine, no provider: each resource's state is what `state` returns for it.
import { jest } from "@jest/globals";
import type * as Pulumi from "@pulumi/pulumi";

export type MockResource = Pulumi.runtime.MockResourceArgs;

export interface ProgramRun {
  /** Every resource the program registered, in registration order. */
  resources: MockResource[];
  /** The program's exports (stack outputs), with Outputs resolved. */
  outputs: Record<string, unknown>;
}

export interface ProgramRunOptions {
  /** The Pulumi project name, which qualifies un-namespaced config keys. */
  project: string;
  /** Stack config, keys as in Pulumi.<stack>.yaml (`project:key` or `namespace:key`), values as strings. */
  config?: Record<string, string>;
  secretKeys?: string[];
  /** The state the "provider" returns for a resource; default its inputs. */
  state?: (resource: MockResource) => Record<string, unknown>;
}

/**
 * Loads `programPath` in a fresh module registry (so its top level runs again with this config), with
 * that registry's own @pulumi/pulumi mocked. A program that throws while declaring its resources rejects.
 */
export async function runProgramWithMocks(
  programPath: string,
  options: ProgramRunOptions,
): Promise<ProgramRun> {
  const resources: MockResource[] = [];
  let pulumi: typeof Pulumi | undefined;
  let exports: Record<string, unknown> = {};
  await jest.isolateModulesAsync(async () => {
    pulumi = await import("@pulumi/pulumi");
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          resources.push(args);
          return { id: `${args.name}-id`, state: options.state?.(args) ?? args.inputs };
        },
        call(args) {
          return args.inputs;
        },
      },
      options.project,
      "test",
      false,
    );
    pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys);
    exports = await import(programPath);
  });
  const outputs: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(exports)) {
    // An Output resolves once every resource it depends on has been registered (and mocked).
    outputs[name] = pulumi?.Output.isInstance(value)
      ? await new Promise((resolve) => value.apply(resolve))
      : value;
  }
  return { resources, outputs };
}
