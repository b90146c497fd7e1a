import type { OAuthClientRecord } from "./store/state";

/** Retired out-of-band redirect URIs; Google blocked them for all clients on 2023-01-31. */
const OOB_URIS = new Set(["urn:ietf:wg:oauth:2.0:oob", "urn:ietf:wg:oauth:2.0:oob:auto", "oob"]);

export function isOutOfBand(uri: string): boolean {
  return OOB_URIS.has(uri);
}

/**
 * RFC 8252 §7.3: a desktop client may redirect to http on 127.0.0.1, [::1] or (like Google, though
 * not recommended) localhost, on any port and path. Anything else must be registered exactly.
 */
export function isAllowedRedirect(client: OAuthClientRecord, uri: string): boolean {
  if (client.redirectUris.includes(uri)) return true;
  if (client.type !== "desktop") return false;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  return (
    url.protocol === "http:" &&
    ["127.0.0.1", "[::1]", "localhost"].includes(url.hostname) &&
    url.username === "" &&
    url.password === "" &&
    url.hash === ""
  );
}
