// The root program's config reader: a map of project → account with a default, and errors that name
// the key and show how to fix it.
import assert from "node:assert/strict";
import { test } from "@jest/globals";
import { readLinksConfig, type ConfigReader } from "../../program/linksConfig";

function config(values: Record<string, unknown>): ConfigReader {
  return {
    get: (key) => (typeof values[key] === "string" ? (values[key] as string) : undefined),
    getObject: <T>(key: string) => values[key] as T | undefined,
  };
}

test("explicit accounts, and empty or null entries falling back to the default", () => {
  const result = readLinksConfig(
    config({
      defaultBillingAccount: "01A2B3-C4D5E6-F7A8B9",
      links: { "app-prod": null, "app-dev": "", data: "billingAccounts/0B1C2D-3E4F5A-6B7C8D" },
    }),
    "billing-links",
  );
  // No deletionPolicy configured: none is passed, so each link gets the provider's default.
  assert.deepEqual(result, {
    links: [
      { projectId: "app-prod", billingAccount: "01A2B3-C4D5E6-F7A8B9" },
      { projectId: "app-dev", billingAccount: "01A2B3-C4D5E6-F7A8B9" },
      { projectId: "data", billingAccount: "billingAccounts/0B1C2D-3E4F5A-6B7C8D" },
    ],
  });
});

test("no links configured is an empty stack, not an error", () => {
  assert.deepEqual(readLinksConfig(config({}), "billing-links").links, []);
});

test("errors name the key and the fix", () => {
  assert.throws(
    () => readLinksConfig(config({ links: ["app-prod"] }), "billing-links"),
    /billing-links:links must map project IDs to billing accounts[\s\S]*pulumi config set --path/,
  );
  assert.throws(
    () => readLinksConfig(config({ links: { "app-prod": null } }), "billing-links"),
    /billing-links:links\.app-prod has no billing account and billing-links:defaultBillingAccount is not set/,
  );
  assert.throws(
    () => readLinksConfig(config({ links: {}, deletionPolicy: "delete" }), "billing-links"),
    /billing-links:deletionPolicy must be one of unlink, abandon, restore; got "delete"/,
  );
});

test("every problem is reported at once, and a configured deletionPolicy is passed on", () => {
  assert.throws(
    () =>
      readLinksConfig(
        config({ links: { "app-prod": null, "app-dev": "" }, deletionPolicy: "delete" }),
        "billing-links",
      ),
    (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.match(err.message, /billing-links:links\.app-prod has no billing account/);
      assert.match(err.message, /billing-links:links\.app-dev has no billing account/);
      assert.match(err.message, /billing-links:deletionPolicy must be one of/);
      return true;
    },
  );
  const unlinking = readLinksConfig(
    config({ links: { data: "0B1C2D-3E4F5A-6B7C8D" }, deletionPolicy: "unlink" }),
    "billing-links",
  );
  assert.equal(unlinking.deletionPolicy, "unlink");
});
