import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { InvalidResourceNameError } from "../../sdk/src/errors";
import {
  apiPaths,
  billingAccountId,
  parseBillingAccountName,
  parseProjectId,
} from "../../sdk/src/resourceNames";

const GOOD_PROJECTS: [string, string][] = [
  ["my-project", "my-project"],
  ["abcdef", "abcdef"],
  ["a12345", "a12345"],
  ["demo-app-prod", "demo-app-prod"],
  ["  demo-app-prod  ", "demo-app-prod"],
  ["a".repeat(30), "a".repeat(30)],
  ["p-1-2-3-4", "p-1-2-3-4"],
  ["example.com:my-project", "example.com:my-project"],
  ["google.com:legacy-app", "google.com:legacy-app"],
  [
    `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.io:my-project`,
    `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.io:my-project`,
  ],
];

const BAD_PROJECTS: [unknown, RegExp][] = [
  ["", /not valid/],
  ["abc", /not valid/], // too short
  ["a".repeat(31), /not valid/], // too long
  ["1project", /not valid/],
  ["123456789012", /project number/],
  ["My-Project", /lower-case/],
  ["my_project", /not valid/],
  ["my-project-", /not valid/],
  ["-my-project", /not valid/],
  ["projects/my-project", /not the resource name/],
  ["projects/projects/x", /not the resource name/],
  ["my project", /not valid/],
  ["my-\tproject", /not valid/],
  ["my/project", /not valid/],
  ["my-project/billingInfo", /not valid/],
  ["my-proj%2F", /not valid/],
  [":my-project", /not valid/],
  ["example.com:", /not valid/],
  [`${"a.".repeat(5000)}com:my-project`, /its domain is over 253 characters/],
  // 258 characters of valid labels: too long as a whole.
  [
    `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.${"e".repeat(10)}.com:my-project`,
    /over 253/,
  ],
  [undefined, /not valid/],
  [null, /not valid/],
];

const GOOD_ACCOUNTS: [string, string][] = [
  ["012345-567890-ABCDEF", "billingAccounts/012345-567890-ABCDEF"],
  ["012345-567890-abcdef", "billingAccounts/012345-567890-ABCDEF"],
  ["billingAccounts/012345-567890-ABCDEF", "billingAccounts/012345-567890-ABCDEF"],
  ["billingAccounts/0f1f2f-3f4f5f-6f7f8f", "billingAccounts/0F1F2F-3F4F5F-6F7F8F"],
  [" 01A2B3-C4D5E6-F7A8B9\t", "billingAccounts/01A2B3-C4D5E6-F7A8B9"],
  ["\nbillingAccounts/01A2B3-C4D5E6-F7A8B9 ", "billingAccounts/01A2B3-C4D5E6-F7A8B9"],
  ["000000-000000-000000", "billingAccounts/000000-000000-000000"],
];

const BAD_ACCOUNTS: [unknown, RegExp][] = [
  ["", /not valid/],
  ["012345567890ABCDEF", /not valid/],
  ["012345-567890-ABCDEG", /not valid/], // G is not hex
  ["012345-567890-ABCDE", /not valid/],
  ["012345-567890-ABCDEF0", /not valid/],
  ["billingAccounts/billingAccounts/012345-567890-ABCDEF", /prefix appears twice/],
  ["billingaccounts/012345-567890-ABCDEF", /not valid \(the prefix is case-sensitive: billingAccounts\/\)/],
  ["projects/012345-567890-ABCDEF", /not valid/],
  ["012345 567890 ABCDEF", /not valid/],
  ["012345-567890-ABC DEF", /not valid/],
  ["billingAccounts/", /not valid/],
  ["012345-567890-ABCDEF/projects", /not valid/],
  [42, /not valid/],
  // Upper-cases to "…ABCDFF": a look-alike must be refused, not turned into another account.
  ["012345-567890-ABCDﬀ", /"012345-567890-ABCDﬀ" is not valid/],
  ["billingAccounts/012345-567890-abcdﬀ", /not valid/],
];

describe("parseProjectId", () => {
  for (const [input, want] of GOOD_PROJECTS) {
    it(`accepts ${JSON.stringify(input)}`, () => assert.equal(parseProjectId(input), want));
  }
  for (const [input, why] of BAD_PROJECTS) {
    it(`rejects ${JSON.stringify(input) ?? String(input)}`, () => {
      assert.throws(
        // @ts-expect-error -- deliberately passing non-strings too, as JavaScript callers can
        () => parseProjectId(input, "args.projectId"),
        (e: unknown) => {
          assert.ok(e instanceof InvalidResourceNameError);
          assert.equal(e.name, "InvalidResourceNameError");
          assert.match(e.message, why);
          assert.match(e.message, /^args\.projectId /, "names the field");
          assert.match(e.message, /lower-case letters, digits and hyphens/, "shows the accepted form");
          assert.equal(e.status, "INVALID_ARGUMENT");
          return true;
        },
      );
    });
  }
});

describe("parseBillingAccountName", () => {
  for (const [input, want] of GOOD_ACCOUNTS) {
    it(`accepts ${JSON.stringify(input)}`, () => assert.equal(parseBillingAccountName(input), want));
  }
  for (const [input, why] of BAD_ACCOUNTS) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(
        // @ts-expect-error -- deliberately passing non-strings too
        () => parseBillingAccountName(input, "billingAccountId"),
        (e: unknown) => {
          assert.ok(e instanceof InvalidResourceNameError);
          assert.match(e.message, why);
          assert.match(e.message, /^billingAccountId /);
          assert.match(e.message, /"012345-567890-ABCDEF" or "billingAccounts\/012345-567890-ABCDEF"/);
          return true;
        },
      );
    });
  }

  it("table has at least 30 entries", () => {
    assert.ok(GOOD_PROJECTS.length + BAD_PROJECTS.length + GOOD_ACCOUNTS.length + BAD_ACCOUNTS.length >= 30);
  });

  it("shows rejected input quoted and capped", () => {
    assert.throws(
      () => parseBillingAccountName("x".repeat(500)),
      (e: unknown) => e instanceof Error && e.message.length < 300 && e.message.includes('"xxx'),
    );
  });
});

describe("billingAccountId and apiPaths", () => {
  it("strips the prefix", () => {
    assert.equal(billingAccountId("billingAccounts/012345-567890-abcdef"), "012345-567890-ABCDEF");
    assert.equal(billingAccountId("012345-567890-ABCDEF"), "012345-567890-ABCDEF");
  });
  it("builds encoded paths", () => {
    assert.equal(
      apiPaths.projectBillingInfo("example.com:p-1234"),
      "v1/projects/example.com%3Ap-1234/billingInfo",
    );
    assert.equal(
      apiPaths.testIamPermissions("012345-567890-abcdef"),
      "v1/billingAccounts/012345-567890-ABCDEF:testIamPermissions",
    );
    assert.equal(
      apiPaths.billingAccountProjects("billingAccounts/012345-567890-ABCDEF"),
      "v1/billingAccounts/012345-567890-ABCDEF/projects",
    );
  });
});
