/**
 * Text that came from a server or from the environment passes through here before it can reach an
 * error message. Known secrets are replaced wherever they occur, token-shaped strings are masked even
 * when unknown, control characters are dropped (a stray `\t` or ANSI escape must not reach a terminal),
 * and length is capped (an HTML 404 page is not a message).
 */

/** What every redacted value is replaced with, here and in gaxios errors (transport.ts). */
export const REDACTED = "[redacted]";
const MAX_MESSAGE_CHARS = 300;

// Shapes that are secrets even when we did not issue them: Google access tokens, refresh tokens,
// bearer headers and key=value pairs in URLs or form bodies.
const TOKEN_PATTERNS: readonly RegExp[] = [
  /ya29\.[A-Za-z0-9._~+/=-]+/g,
  /1\/\/[A-Za-z0-9._~+/=-]{10,}/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi,
  /\b(access_token|refresh_token|client_secret|id_token|code|code_verifier|assertion|token)=([^&\s"']+)/gi,
  /"(access_token|refresh_token|client_secret|id_token)"\s*:\s*"[^"]*"/gi,
];

export type Sanitizer = (text: string, maxChars?: number) => string;

/** Builds a sanitizer that also removes the given secrets (empty and very short values are ignored). */
export function makeSanitizer(secrets: Iterable<string | undefined>): Sanitizer {
  const known = [...secrets].filter((s): s is string => typeof s === "string" && s.length >= 6);
  // Longest first, so a secret containing another is removed whole.
  known.sort((a, b) => b.length - a.length);
  return (text, maxChars = MAX_MESSAGE_CHARS) => {
    let out = text;
    for (const secret of known) out = out.split(secret).join(REDACTED);
    for (const pattern of TOKEN_PATTERNS) {
      out = out.replace(pattern, (match, key: unknown) =>
        typeof key === "string" && match.includes("=") && !match.startsWith('"')
          ? `${key}=${REDACTED}`
          : REDACTED,
      );
    }
    // eslint-disable-next-line no-control-regex
    out = out.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").trim();
    return out.length > maxChars ? `${out.slice(0, maxChars - 1)}…` : out;
  };
}

/** Sanitizes with only the pattern rules, for text with no known secrets in scope. */
export const sanitizeText: Sanitizer = makeSanitizer([]);
