/**
 * The OpenAPI document, with the answers the `/v1` middleware gives on every route added to
 * each operation (routes declare only their own): 401 everywhere (a token that was sent and is
 * not valid, public routes included: `authenticate`), 400 everywhere (an unknown
 * `x-inventory-region`: `servedRegion`), 429 everywhere (rate limiting; it and every 503 carry
 * Retry-After), and 413 and 415 on
 * every method that may carry a body (body limit, media type), even where the route reads
 * none: a body it would ignore is still checked. And the `x-inventory-region` request header
 * every route reads (`servedRegion`), as a parameter of each operation.
 */

import { REGION_NAMES } from "../schema/regions";
import { REGION_HEADER } from "./middleware/region";

interface Operation {
  parameters?: Array<{ name?: string; in?: string }>;
  security?: unknown[];
  requestBody?: { content?: Record<string, unknown> };
  responses?: Record<string, unknown>;
}

const METHODS = ["get", "put", "post", "delete", "patch"] as const;

const errorAnswer = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });

const RETRY_AFTER = { "Retry-After": { description: "Seconds to wait before asking again", schema: { type: "integer", minimum: 1 } } };

const REGION_PARAMETER = {
  name: REGION_HEADER,
  in: "header",
  required: false,
  description:
    "The region to serve this request as, in local mode or with an admin token (otherwise the caller's location decides, and the header is ignored); an unknown region is a 400. Every answer says the region it was served as in the same header.",
  schema: { type: "string", enum: REGION_NAMES },
};

type PathItem = Partial<Record<(typeof METHODS)[number], Operation>>;

export function withMiddlewareAnswers<T extends { paths?: object }>(document: T): T {
  for (const [path, item] of Object.entries((document.paths ?? {}) as Record<string, PathItem>)) {
    if (!path.startsWith("/v1/")) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const parameters = (operation.parameters ??= []);
      if (!parameters.some((parameter) => parameter.in === "header" && parameter.name === REGION_HEADER)) parameters.push(REGION_PARAMETER);
      const responses = (operation.responses ??= {});
      // README, "Auth": a token that was sent is checked on every route, before anything else.
      responses["401"] ??= errorAnswer(
        operation.security?.length
          ? "Missing or invalid bearer token"
          : "A token was sent and is not valid (malformed, wrongly signed or expired): this route needs none, so send none or a valid one",
      );
      responses["400"] ??= errorAnswer(`Invalid request (see error.details.issues): an unknown ${REGION_HEADER} header, or a parameter this route does not read`);
      responses["429"] ??= { ...errorAnswer("Too many requests (Retry-After says when to try again)"), headers: RETRY_AFTER };
      // Every 503 (the reporting database or the cells unreachable for now) says when to ask again.
      if (responses["503"]) responses["503"] = { ...(responses["503"] as object), headers: RETRY_AFTER };
      if (method === "get") continue;
      const types = Object.keys(operation.requestBody?.content ?? {});
      responses["413"] ??= errorAnswer("Body too large");
      // Replaces a route's own 415: the accepted types are exactly the documented ones.
      responses["415"] = errorAnswer(types.length > 0 ? `Body is not ${types.join(" or ")}` : "Body is not application/json (this route reads none: send none)");
    }
  }
  return document;
}
