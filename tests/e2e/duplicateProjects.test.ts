// Two resources declaring the same project would fight over one link, and removing either would undo
// the other's: refused at preview, naming both resources and the project.
import assert from "node:assert/strict";
import { test } from "@jest/globals";
import { ACCOUNTS, createBillingStack, providerCalls } from "../support/billingStack";
import { cleanupAfterEach } from "../support/cleanups";

const cleanups = cleanupAfterEach();

test("a project declared by two resources is refused at preview and nothing is written", async () => {
  const env = await createBillingStack();
  cleanups.add(() => env.cleanup());
  await env.declare([
    { name: "app-prod", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main },
    { name: "data", projectId: "demo-data", billingAccount: ACCOUNTS.sandbox },
    { name: "app-prod-copy", projectId: " demo-app-prod ", billingAccount: ACCOUNTS.sandbox },
  ]);
  for (const args of [["preview"], ["up", "--yes"]]) {
    const run = await env.cli(args);
    assert.notEqual(run.code, 0, `${args.join(" ")} must fail`);
    assert.match(
      run.stdout + run.stderr,
      /projectId[\s\S]*project demo-app-prod is declared by two ProjectBillingLink resources, "app-prod" and "app-prod-copy"/,
    );
  }
  assert.equal(providerCalls(env.emulator)["projects.updateBillingInfo"] ?? 0, 0);
  assert.equal(await env.liveAccount("demo-app-prod"), "");
});
