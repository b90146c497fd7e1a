import type { EmulatorContext } from "../context";
import type { AccessTokenRecord } from "../store/state";

/**
 * IAM member strings (https://cloud.google.com/iam/docs/principal-identifiers) that the holder of an
 * access token matches. Users and service accounts match by email; a federated identity matches its
 * `principal://` subject and the `principalSet://` sets of its pool: all of it (`/*`) and one per mapped
 * attribute (`/attribute.NAME/VALUE`).
 */

const IAM_PREFIX = "//iam.googleapis.com/";

/** `principal://iam.googleapis.com/{pool}/subject/{subject}` */
export function federatedPrincipal(pool: string, subject: string): string {
  return `principal:${IAM_PREFIX}${pool}/subject/${subject}`;
}

export function memberIdsOf(ctx: EmulatorContext, record: AccessTokenRecord): string[] {
  const f = record.federation;
  if (!f) {
    const isServiceAccount = Object.hasOwn(ctx.state.serviceAccounts, record.principal);
    return [isServiceAccount ? `serviceAccount:${record.principal}` : `user:${record.principal}`];
  }
  const set = `principalSet:${IAM_PREFIX}${f.pool}`;
  const ids = [record.principal, `${set}/*`];
  for (const [name, value] of Object.entries(f.attributes)) {
    if (name.startsWith("attribute.")) ids.push(`${set}/${name}/${value}`);
  }
  return ids;
}
