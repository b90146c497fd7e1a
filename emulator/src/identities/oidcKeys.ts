import type { EmulatorContext } from "../context";
import { jwksSchema, type Jwks } from "./identitySeed";
import { publicKeyFromJwk } from "./jwt";

/**
 * Replaces an OIDC provider's uploaded JWKS (Google's `oidc.jwksJson`), so a test can trust the issuer
 * whose tokens it signs. `provider` is `projects/N/locations/global/workloadIdentityPools/P/providers/X`.
 * Throws on an unknown provider or keys that are not RSA public keys.
 */
export function setOidcProviderJwks(ctx: EmulatorContext, provider: string, jwks: Jwks): void {
  const m = /^(projects\/[0-9]+\/locations\/global\/workloadIdentityPools\/[^/]+)\/providers\/([^/]+)$/.exec(
    provider,
  );
  const pool =
    m && Object.hasOwn(ctx.state.workloadIdentityPools, m[1])
      ? ctx.state.workloadIdentityPools[m[1]]
      : undefined;
  const record = m && pool && Object.hasOwn(pool.providers, m[2]) ? pool.providers[m[2]] : undefined;
  if (!record) throw new Error(`setOidcProviderJwks: unknown provider ${provider}`);
  const parsed = jwksSchema.parse(jwks);
  for (const key of parsed.keys) {
    if (publicKeyFromJwk(key)?.asymmetricKeyType !== "rsa" || "d" in key)
      throw new Error("setOidcProviderJwks: every key must be an RSA public key");
  }
  record.jwks = { keys: parsed.keys.map((k) => ({ ...k })) };
  ctx.commit();
}
