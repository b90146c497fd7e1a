// Runs a Pulumi program in-process with `pulumi.runtime.setMocks`, as Pulumi documents for unit tests of
// TypeScript programs: config in, the resources the program declares (with their inputs) and its stack
// outputs out. No engine, no provider: each resource's state is what `state` returns for it.
import { jest } from "@jest/globals";
import * as pulumi from "@pulumi/pulumi";

export type MockResource = pulumi.runtime.MockResourceArgs;

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
 * Mocks the runtime with this config, then loads `programPath` and the package it imports in a fresh module
 * registry, so the program's top level runs again. @pulumi/pulumi itself stays this file's one instance,
 * as in a real program run: a fresh copy per run would cost 0.2 s each and add a process exit listener
 * (its promise-leak detector) to the jest worker every time. A program that throws while declaring rejects.
 */
export async function runProgramWithMocks(
  programPath: string,
  options: ProgramRunOptions,
): Promise<ProgramRun> {
  const resources: MockResource[] = [];
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
  let exports: Record<string, unknown> = {};
  await jest.isolateModulesAsync(async () => {
    jest.doMock("@pulumi/pulumi", () => pulumi);
    exports = await import(programPath);
  });
  const outputs: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(exports)) {
    // An Output resolves once every resource it depends on has been registered (and mocked).
    outputs[name] = pulumi.Output.isInstance(value)
      ? await new Promise((resolve) => value.apply(resolve))
      : value;
  }
  return { resources, outputs };
}
