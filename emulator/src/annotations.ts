import type { FastifyRequest } from "fastify";

/** What a handler learned about a request that the request log needs (set as soon as it is known). */
export interface RequestAnnotation {
  method: string;
  principal?: string;
  grantType?: string;
  /** Where the access token came from: the Authorization header or a query parameter. */
  credential?: "header" | "query";
}

const annotations = new WeakMap<FastifyRequest, RequestAnnotation>();

export function annotate(req: FastifyRequest, patch: Partial<RequestAnnotation>): void {
  const current = annotations.get(req) ?? { method: "notFound" };
  annotations.set(req, { ...current, ...patch });
}

export function annotationOf(req: FastifyRequest): RequestAnnotation | undefined {
  return annotations.get(req);
}
