/**
 * What `check` asks about billing accounts, at most once per account per engine run (the provider process
 * lives for one run): whether the account exists and is open, and whether the caller may link to it.
 * Results, failures included, are shared by every resource on the same account.
 */
import { LINK_PERMISSION, type BillingAccount, type CloudBillingClient } from "../../sdk/src";

export class AccountChecks {
  private readonly details: Record<string, Promise<BillingAccount>> = {};
  private readonly linkGrants: Record<string, Promise<boolean>> = {};

  constructor(private readonly billing: () => CloudBillingClient) {}

  account(name: string): Promise<BillingAccount> {
    return (this.details[name] ??= this.billing().getBillingAccount(name));
  }

  mayLink(name: string): Promise<boolean> {
    return (this.linkGrants[name] ??= this.billing()
      .testBillingAccountPermissions(name, [LINK_PERMISSION])
      .then((granted) => granted.includes(LINK_PERMISSION)));
  }
}
