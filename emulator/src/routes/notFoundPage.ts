import escapeHtml from "escape-html";
import type { FastifyReply, FastifyRequest } from "fastify";
import { annotate } from "../annotations";

/**
 * Google's front end answers a path that matches no method with this HTML page, not JSON
 * (docs/cloud-billing-api.md §1; pulumi/pulumi-gcp#1212). Clients must cope with a non-JSON error body.
 */
export function notFoundPageHtml(path: string): string {
  return `<!DOCTYPE html>
<html lang=en>
  <meta charset=utf-8>
  <meta name=viewport content="initial-scale=1, minimum-scale=1, width=device-width">
  <title>Error 404 (Not Found)!!1</title>
  <a href=//www.google.com/><span id=logo aria-label=Google></span></a>
  <p><b>404.</b> <ins>That’s an error.</ins>
  <p>The requested URL <code>${escapeHtml(path)}</code> was not found on this server.  <ins>That’s all we know.</ins>
`;
}

export function sendNotFoundPage(req: FastifyRequest, reply: FastifyReply): void {
  annotate(req, { method: "notFound" });
  void reply
    .code(404)
    .header("content-type", "text/html; charset=UTF-8")
    .send(notFoundPageHtml(req.url.split("?")[0]));
}
