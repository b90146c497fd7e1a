/**
 * The one-shot loopback redirect listener of RFC 8252 §7.3: bound to 127.0.0.1 on a port the OS picks,
 * it accepts exactly one callback that carries the expected `state`, answers the browser, and closes.
 *
 * A callback with a wrong or missing `state` is answered with an error page and the listener keeps
 * waiting: any local process or web page can hit the port, and letting a forged request end the login
 * would let it cancel the user's real one (RFC 6749 §10.12 treats a state mismatch as an attack, not as
 * the user's answer).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import escapeHtml from "escape-html";
import { oneLine, type Logger } from "./output";

export type CallbackOutcome =
  { kind: "code"; code: string } | { kind: "error"; error: string; description?: string };

export interface LoopbackServer {
  /** `http://127.0.0.1:{port}/`, used verbatim in the consent URL and the code exchange. */
  readonly redirectUri: string;
  /** Resolves with the first callback whose state matches; rejects with LoopbackTimeoutError. */
  waitForCallback(timeoutMs: number): Promise<CallbackOutcome>;
  close(): Promise<void>;
}

export class LoopbackTimeoutError extends Error {
  override name = "LoopbackTimeoutError";
}

/** Constant-time comparison; hashing first makes the lengths equal, as timingSafeEqual requires. */
export function stateMatches(expected: string, received: string): boolean {
  const a = createHash("sha256").update(expected).digest();
  const b = createHash("sha256").update(received).digest();
  return timingSafeEqual(a, b);
}

function page(title: string, message: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto">
<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>
`;
}

function answer(res: ServerResponse, status: number, title: string, message: string): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    // The page shows no secrets, but there is no reason to let anything else load or frame it.
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
    "referrer-policy": "no-referrer",
  });
  res.end(page(title, message));
}

export async function startLoopbackServer(options: {
  expectedState: string;
  logger: Logger;
}): Promise<LoopbackServer> {
  let settle: ((outcome: CallbackOutcome) => void) | undefined;
  const outcome = new Promise<CallbackOutcome>((resolve) => {
    settle = resolve;
  });
  let done = false;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method !== "GET" || url.pathname !== "/" || done) {
      answer(res, 404, "Not found", "This is gcp-billing-link's one-time login listener.");
      return;
    }
    const q = url.searchParams;
    const state = q.get("state");
    if (state === null || !stateMatches(options.expectedState, state)) {
      options.logger.warn(
        "Ignored a request to the login listener with a missing or wrong `state` (not from this login); still waiting.",
      );
      answer(
        res,
        400,
        "Login request rejected",
        "The state parameter does not match this login. Start again from the terminal if you did not expect this.",
      );
      return;
    }
    const code = q.get("code");
    const error = q.get("error");
    let result: CallbackOutcome;
    if (error !== null) {
      const description = q.get("error_description");
      result = {
        kind: "error",
        error: oneLine(error, 100),
        ...(description ? { description: oneLine(description) } : {}),
      };
      answer(
        res,
        200,
        "Login not completed",
        error === "access_denied"
          ? "You denied access. Nothing was saved; you can close this tab."
          : `The authorization server answered: ${result.error}. You can close this tab.`,
      );
    } else if (code) {
      result = { kind: "code", code };
      answer(
        res,
        200,
        "Login received",
        "gcp-billing-link received the authorization. You can close this tab and return to the terminal.",
      );
    } else {
      answer(res, 400, "Login request rejected", "The callback has neither a code nor an error.");
      return;
    }
    done = true;
    // Close the listener once the page is out: one login, one callback (RFC 8252 §8.3).
    res.on("finish", () => {
      server.close();
      server.closeAllConnections();
    });
    settle?.(result);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === "string") throw new Error("The login listener has no TCP port.");
  const { port } = address;

  return {
    redirectUri: `http://127.0.0.1:${port}/`,
    async waitForCallback(timeoutMs: number): Promise<CallbackOutcome> {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new LoopbackTimeoutError(
                `No answer from the browser within ${Math.round(timeoutMs / 1000)} s.`,
              ),
            ),
          timeoutMs,
        );
      });
      try {
        return await Promise.race([outcome, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close(): Promise<void> {
      done = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
