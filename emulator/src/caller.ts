/**
 * The caller of an API method, as authentication establishes it. Its own module so that the billing
 * domain can name it without depending on how requests are authenticated.
 */
/** Who is calling, established by steps 2–4 of the check order of docs/cloud-billing-api.md §7. */
export interface Caller {
  /** The email, or a federated identity's `principal://` string: what the request log shows. */
  principal: string;
  /** The IAM member strings the caller matches (members.ts); IAM checks use these. */
  memberIds: readonly string[];
  clientId: string;
  scopes: string[];
  /** Project number that rate quota is charged to. */
  consumerProjectNumber: string;
}
