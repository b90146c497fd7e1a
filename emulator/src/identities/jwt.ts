import { createPublicKey, verify, type KeyObject } from "node:crypto";

/**
 * Compact JWS (RFC 7515 §7.1) decoding and RS256 verification with Node's own crypto: the emulator
 * checks signatures the way Google does, against public keys only (a seed's or a test's), and needs no
 * JOSE library for one algorithm.
 */

export interface DecodedJwt {
  header: Readonly<Record<string, unknown>>;
  payload: Readonly<Record<string, unknown>>;
  signingInput: string;
  signature: Buffer;
}

function jsonPart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The three parts of a compact JWS, or undefined when it is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return undefined;
  const header = jsonPart(parts[0]);
  const payload = jsonPart(parts[1]);
  if (!header || !payload) return undefined;
  return {
    header,
    payload,
    signingInput: `${parts[0]}.${parts[1]}`,
    signature: Buffer.from(parts[2], "base64url"),
  };
}

/** Whether an RS256 signature verifies with any of the keys. Keys that cannot be read never verify. */
export function verifiesRs256(jwt: DecodedJwt, keys: readonly KeyObject[]): boolean {
  if (jwt.header.alg !== "RS256") return false;
  return keys.some((key) => {
    try {
      return verify("RSA-SHA256", Buffer.from(jwt.signingInput), key, jwt.signature);
    } catch {
      return false;
    }
  });
}

export function publicKeyFromPem(pem: string): KeyObject | undefined {
  try {
    return createPublicKey(pem);
  } catch {
    return undefined;
  }
}

export function publicKeyFromJwk(jwk: Readonly<Record<string, unknown>>): KeyObject | undefined {
  try {
    return createPublicKey({ key: { ...jwk }, format: "jwk" });
  } catch {
    return undefined;
  }
}

/** A NumericDate claim (RFC 7519 §2) in milliseconds, or undefined. */
export function numericDateMs(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value * 1000 : undefined;
}
