import { createHash } from "node:crypto";
import type { EmulatorContext } from "../context";
import type { ServiceAccountRecord } from "../store/state";
import { publicKeyFromPem } from "./jwt";

/** Service accounts by email or unique id, and the operator's key registration (tests bring their own keys). */

export function serviceAccountByEmail(ctx: EmulatorContext, email: string): ServiceAccountRecord | undefined {
  return Object.hasOwn(ctx.state.serviceAccounts, email) ? ctx.state.serviceAccounts[email] : undefined;
}

/** `projects/-/serviceAccounts/{email or uniqueId}` accepts either form, as IAM's names do. */
export function findServiceAccount(
  ctx: EmulatorContext,
  emailOrId: string,
): ServiceAccountRecord | undefined {
  return (
    serviceAccountByEmail(ctx, emailOrId) ??
    Object.values(ctx.state.serviceAccounts).find((sa) => sa.uniqueId === emailOrId)
  );
}

/** The IAM resource the account's own bindings live on. */
export function serviceAccountResource(sa: ServiceAccountRecord): string {
  return `projects/${sa.projectId}/serviceAccounts/${sa.email}`;
}

/**
 * Registers a public key for a service account and returns its key id (40 hex digits, like Google's
 * `private_key_id`: here the SHA-1 of the key, so registering the same key twice gives the same id).
 * Throws on an unknown account or a key that is not an RSA public key in PEM.
 */
export function addServiceAccountKey(ctx: EmulatorContext, email: string, publicKeyPem: string): string {
  const sa = serviceAccountByEmail(ctx, email);
  if (!sa) throw new Error(`addServiceAccountKey: unknown service account ${email}`);
  const key = publicKeyFromPem(publicKeyPem);
  if (!key || key.asymmetricKeyType !== "rsa")
    throw new Error("addServiceAccountKey: publicKeyPem must be an RSA public key in PEM");
  const keyId = createHash("sha1")
    .update(key.export({ type: "spki", format: "der" }))
    .digest("hex");
  if (!sa.keys.some((k) => k.keyId === keyId)) sa.keys.push({ keyId, publicKeyPem });
  ctx.commit();
  return keyId;
}

export function setServiceAccountDisabled(ctx: EmulatorContext, email: string, disabled: boolean): void {
  const sa = serviceAccountByEmail(ctx, email);
  if (!sa) throw new Error(`setServiceAccountDisabled: unknown service account ${email}`);
  sa.disabled = disabled;
  ctx.commit();
}
