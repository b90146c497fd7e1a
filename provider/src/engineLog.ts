/**
 * Diagnostics from the provider process to the Pulumi engine, attached to a resource.
 *
 * Pulumi's dynamic-provider host does not connect its providers to the engine (pulumi/pulumi#6065): inside
 * a provider method `pulumi.log` goes nowhere and `console.error` lands under the Stack as plain text. The
 * engine still starts the provider process with its own address as the first argument and serves
 * `pulumirpc.Engine/Log` there for every plugin, so the provider calls it itself: a warning is a real
 * warning, shown once under the resource it concerns (docs/provider.md, "Diagnostics").
 */
import * as path from "node:path";

export type Severity = "info" | "warning";

interface EngineConnection {
  send(severity: Severity, message: string, urn: string): Promise<boolean>;
}

const KEY = Symbol.for("gcp-billing-link.engineLog");
type Registry = { [KEY]?: EngineConnection | null };

/** The engine address the provider host was started with; undefined outside a provider process. */
function engineAddress(): string | undefined {
  const main = require.main?.filename ?? "";
  const candidate = process.argv[2];
  if (!main.includes(`${path.sep}cmd${path.sep}dynamic-provider`)) return undefined;
  return candidate && /^[\w.[\]:-]+:\d+$/.test(candidate) ? candidate : undefined;
}

/* eslint-disable @typescript-eslint/no-require-imports -- the stubs are CommonJS without a public entry point */
function connect(address: string): EngineConnection {
  // grpc-js must be the copy @pulumi/pulumi's generated stubs were built against.
  const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] })) as {
    credentials: { createInsecure(): unknown };
  };
  const { EngineClient } = require("@pulumi/pulumi/proto/engine_grpc_pb") as {
    EngineClient: new (
      address: string,
      credentials: unknown,
    ) => { log(request: unknown, callback: (err: Error | null) => void): void };
  };
  const { LogRequest, LogSeverity } = require("@pulumi/pulumi/proto/engine_pb") as {
    LogRequest: new () => {
      setSeverity(s: number): void;
      setMessage(m: string): void;
      setUrn(u: string): void;
    };
    LogSeverity: Record<"INFO" | "WARNING", number>;
  };
  const client = new EngineClient(address, grpc.credentials.createInsecure());
  return {
    send(severity, message, urn) {
      const request = new LogRequest();
      request.setSeverity(severity === "warning" ? LogSeverity.WARNING : LogSeverity.INFO);
      request.setMessage(message);
      request.setUrn(urn);
      return new Promise((resolve) => client.log(request, (err) => resolve(err === null)));
    },
  };
}
/* eslint-enable @typescript-eslint/no-require-imports */

function connection(): EngineConnection | null {
  const registry = globalThis as Registry;
  if (registry[KEY] === undefined) {
    const address = engineAddress();
    try {
      registry[KEY] = address ? connect(address) : null;
    } catch {
      registry[KEY] = null; // the stubs moved: fall back to stderr rather than fail the operation
    }
  }
  return registry[KEY] ?? null;
}

/**
 * Sends one diagnostic about the resource `urn` ("" for the stack). Outside the engine (unit tests) or if
 * the engine cannot be reached, it goes to stderr instead, so nothing is lost.
 */
export async function logToEngine(severity: Severity, message: string, urn = ""): Promise<void> {
  const engine = connection();
  if (engine && (await engine.send(severity, message, urn))) return;
  console.error(`${severity}: ${message}`);
}
