// No credential ever reaches Pulumi state, the serialized provider or CLI output: with an
// authorized_user file named in stack config, and with a static access token from the environment.
import assert from "node:assert/strict";
import { test } from "@jest/globals";
import type { LocalWorkspace } from "@pulumi/pulumi/automation";
import {
  ACCOUNTS,
  ALICE_REFRESH_TOKEN,
  createBillingStack,
  DEMO_CLIENT_SECRET,
  type BillingStack,
} from "../support/billingStack";
import { cleanupAfterEach } from "../support/cleanups";

const cleanups = cleanupAfterEach();

/** Runs up, a refreshing preview, refresh and destroy, returning everything the CLI printed. */
async function exerciseStack(env: BillingStack): Promise<{ output: string; exported: string }> {
  let output = "";
  const onOutput = (text: string) => (output += text);
  await env.declare([{ name: "app", projectId: "demo-app-prod", billingAccount: ACCOUNTS.main }]);
  await env.stack.up({ onOutput });
  await env.stack.preview({ refresh: true, onOutput });
  await env.stack.refresh({ onOutput });
  const exported = JSON.stringify(await env.stack.exportStack()); // the Automation API adds --show-secrets
  const state = JSON.parse(exported) as {
    deployment: { resources: Array<{ type: string; outputs?: { __provider?: string } }> };
  };
  const link = state.deployment.resources.find(
    (r) => r.type === "pulumi-nodejs:dynamic/gcp-billing:ProjectBillingLink",
  );
  // The serialized provider is a few small delegating functions, not the provider's code or any value.
  assert.ok(link?.outputs?.__provider?.includes('require("gcp-billing-link/provider-runtime")'));
  assert.ok((link?.outputs?.__provider?.length ?? Infinity) < 4000, "the serialized provider stays small");
  await env.stack.destroy({ onOutput });
  return { output, exported };
}

function assertAbsent(haystacks: Record<string, string>, secrets: Record<string, string>): void {
  for (const [where, text] of Object.entries(haystacks)) {
    assert.ok(text.length > 0, `${where} is empty: the check would prove nothing`);
    for (const [what, secret] of Object.entries(secrets)) {
      assert.equal(text.includes(secret), false, `the ${what} appears in ${where}`);
    }
  }
}

test("an authorized_user file in stack config: no refresh token or client secret in state or output", async () => {
  const env = await createBillingStack();
  cleanups.add(() => env.cleanup());
  const { output, exported } = await exerciseStack(env);
  assertAbsent(
    { "CLI output": output, "stack export --show-secrets": exported },
    {
      "refresh token": ALICE_REFRESH_TOKEN,
      "client secret": DEMO_CLIENT_SECRET,
      // The provider's access tokens are minted during the run; the emulator gives every one this prefix.
      "access token": "ya29.emu-",
    },
  );
  assert.ok(
    env.emulator.requestLog().some((e) => e.method === "oauth.token" && e.status === 200),
    "the provider was issued an access token, so its absence above means something",
  );
});

test("a static access token from GOOGLE_OAUTH_ACCESS_TOKEN: not in state or output", async () => {
  const env = await createBillingStack({ credentials: "none" });
  cleanups.add(() => env.cleanup());
  const token = env.emulator.issueAccessToken({
    principal: "alice@example.com",
    scopes: ["https://www.googleapis.com/auth/cloud-billing"],
  });
  (env.stack.workspace as LocalWorkspace).envVars.GOOGLE_OAUTH_ACCESS_TOKEN = token;
  const { output, exported } = await exerciseStack(env);
  assert.equal(
    env.emulator.requestLog().filter((e) => e.method === "oauth.token").length,
    0,
    "the static token was used",
  );
  assertAbsent({ "CLI output": output, "stack export --show-secrets": exported }, { "access token": token });
});
