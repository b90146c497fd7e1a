// Folding the engine's events into link readings, against events recorded from the pinned engine
// (v3.274.1) running `pulumi refresh --preview-only --run-program` on a stack of four links:
// - refreshEvents.alice.json: prod relinked main → sandbox, staging unlinked, data in sync, and
//   sandbox-one purged, which alice (no org-level access) reads as 403: an error, no outputs event;
// - refreshEvents.admin.json: the same stack read as admin (org owner), who gets 404 for the purged
//   project: the provider answers "gone", the engine emits op `delete`, then a `same` event with an
//   empty id because the program still declares it.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "@jest/globals";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { foldRefreshEvents } from "../../cli/src/drift/refreshEvents";
import { stackLinksFromExport } from "../../cli/src/drift/stackLinks";
import { ACCOUNTS } from "../support/seed";

const FIXTURES = path.join(__dirname, "fixtures", "drift");
const MAIN = ACCOUNTS.main;
const SANDBOX = ACCOUNTS.sandbox;
const urn = (name: string) =>
  `urn:pulumi:dev::links-e2e::pulumi-nodejs:dynamic/gcp-billing:ProjectBillingLink::${name}`;

function events(name: string): EngineEvent[] {
  return JSON.parse(
    fs.readFileSync(path.join(FIXTURES, `refreshEvents.${name}.json`), "utf8"),
  ) as EngineEvent[];
}

test("each finished read becomes the link's live state; a failed read leaves none and an error with its URN", () => {
  const { readings, errors } = foldRefreshEvents(events("alice"));
  assert.deepEqual(readings.get(urn("prod")), {
    kind: "live",
    billingAccount: SANDBOX,
    billingEnabled: true,
  });
  assert.deepEqual(readings.get(urn("staging")), { kind: "live", billingAccount: "", billingEnabled: false });
  assert.deepEqual(readings.get(urn("data")), {
    kind: "live",
    billingAccount: SANDBOX,
    billingEnabled: true,
  });
  assert.equal(readings.has(urn("s1")), false);
  assert.equal(errors.length, 1, "the engine's closing 'preview failed' adds nothing to the specific error");
  assert.equal(errors[0]?.urn, urn("s1"));
  assert.match(errors[0]?.message ?? "", /projects\/sandbox-one failed with 403 PERMISSION_DENIED/);
});

test("a 404 read is 'gone', and the program's later empty-id event for the same resource is ignored", () => {
  const { readings, errors } = foldRefreshEvents(events("admin"));
  assert.deepEqual(readings.get(urn("s1")), { kind: "gone" });
  assert.deepEqual(readings.get(urn("prod")), {
    kind: "live",
    billingAccount: SANDBOX,
    billingEnabled: true,
  });
  assert.equal(readings.size, 4);
  assert.deepEqual(errors, []);
});

test("only the engine's generic failure line: it is kept, so a failure is never silent", () => {
  const { errors } = foldRefreshEvents([
    {
      sequence: 1,
      timestamp: 0,
      diagnosticEvent: { message: "preview failed\n", color: "never", severity: "error" },
    },
  ]);
  assert.deepEqual(errors, [{ message: "preview failed" }]);
});

test("the state's links: ProjectBillingLinks only, declared account from the inputs, project from the id", () => {
  const exported: unknown = JSON.parse(fs.readFileSync(path.join(FIXTURES, "stackExport.json"), "utf8"));
  const links = stackLinksFromExport(exported);
  assert.deepEqual(links.map((l) => [l.resource, l.projectId, l.declaredBillingAccount]).sort(), [
    ["data", "demo-data", SANDBOX],
    ["prod", "demo-app-prod", MAIN],
    ["s1", "sandbox-one", SANDBOX],
    ["staging", "demo-app-staging", MAIN],
  ]);
  assert.equal(links.find((l) => l.resource === "prod")?.urn, urn("prod"));
});

test("a secret projectId input (an encrypted object without --show-secrets) falls back to the resource id", () => {
  const links = stackLinksFromExport({
    deployment: {
      resources: [
        {
          urn: urn("x"),
          type: "pulumi-nodejs:dynamic/gcp-billing:ProjectBillingLink",
          id: "secret-project",
          inputs: {
            projectId: {
              "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
              ciphertext: "v1:…",
            },
            billingAccount: MAIN,
          },
        },
        // A create that never finished has no id: nothing is linked by it yet.
        { urn: urn("pending"), type: "pulumi-nodejs:dynamic/gcp-billing:ProjectBillingLink", inputs: {} },
      ],
    },
  });
  assert.deepEqual(
    links.map((l) => [l.projectId, l.declaredBillingAccount]),
    [["secret-project", MAIN]],
  );
});
