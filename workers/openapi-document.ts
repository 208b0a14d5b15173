/**
 * The OpenAPI document, with the answers the `/v1` middleware gives on every route added to
 * each operation (routes declare only their own): 429 everywhere (rate limiting), and 413 and
 * 415 on every method that may carry a body (body limit, media type), even where the route
 * reads none: a body it would ignore is still checked.
 */

interface Operation {
  requestBody?: { content?: Record<string, unknown> };
  responses?: Record<string, unknown>;
}

const METHODS = ["get", "put", "post", "delete", "patch"] as const;

const errorAnswer = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });

type PathItem = Partial<Record<(typeof METHODS)[number], Operation>>;

export function withMiddlewareAnswers<T extends { paths?: object }>(document: T): T {
  for (const [path, item] of Object.entries((document.paths ?? {}) as Record<string, PathItem>)) {
    if (!path.startsWith("/v1/")) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const responses = (operation.responses ??= {});
      responses["429"] ??= errorAnswer("Too many requests (Retry-After says when to try again)");
      if (method === "get" || method === "delete") continue;
      const types = Object.keys(operation.requestBody?.content ?? {});
      responses["413"] ??= errorAnswer("Body too large");
      // Replaces a route's own 415: the accepted types are exactly the documented ones.
      responses["415"] = errorAnswer(types.length > 0 ? `Body is not ${types.join(" or ")}` : "Body is not application/json (this route reads none: send none)");
    }
  }
  return document;
}
