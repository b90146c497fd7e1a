/**
 * A tiny local stand-in for Google's token and Cloud Billing endpoints, for the sdk's unit tests. Each
 * test installs a handler; every request is recorded.
 *
 * Why a second fake beside the emulator (which every integration and e2e test uses): these tests need
 * answers the emulator never gives on purpose — bodies of unknown or broken shape, a 2xx it cannot
 * parse, a token endpoint that hangs or fails at one exact request, token lifetimes and scopes chosen
 * per test — and they pin the sdk's own behaviour (retries, backoff, redaction) independently of the
 * emulator's rules. Anything the emulator can express is tested against the emulator instead.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export type Handler = (req: RecordedRequest, res: ServerResponse) => void;

export interface FakeGoogle {
  url: string;
  requests: RecordedRequest[];
  setHandler(h: Handler): void;
  count(pred: (r: RecordedRequest) => boolean): number;
  close(): Promise<void>;
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers });
  res.end(JSON.stringify(body));
}

export function rpcError(
  res: ServerResponse,
  code: number,
  status: string,
  message: string,
  details: unknown[] = [],
  headers: Record<string, string> = {},
): void {
  json(res, code, { error: { code, message, status, details } }, headers);
}

export async function startFakeGoogle(): Promise<FakeGoogle> {
  const requests: RecordedRequest[] = [];
  let handler: Handler = (_req, res) => rpcError(res, 500, "INTERNAL", "no handler");
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rec = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(rec);
      handler(rec, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    setHandler: (h) => {
      handler = h;
    },
    count: (pred) => requests.filter(pred).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
