import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { LIMITS } from "../../schema/limits";
import { ApiError } from "../errors";
import type { AppBindings } from "../types";

/** Methods whose body is checked (DELETE's too: a route that reads none refuses one it would drop). */
const WITH_BODY = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Bulk imports take CSV or NDJSON, the types they document, and a larger body; every other route JSON only. */
const IMPORT_PATH = /\/skus:import$/;
const IMPORT_TYPES = /^(application\/x-ndjson|text\/csv)\s*(;|$)/i;
const JSON_TYPE = /^application\/json\s*(;|$)/i;

/** Whether the request has no body: Content-Length 0, or no body at all (a chunked body may still turn out empty: it is read). */
function isEmpty(c: Context<AppBindings>): boolean {
  const length = c.req.header("content-length");
  return length === "0" || (length === undefined && c.req.raw.body === null);
}

/** What is wrong with a body's encoding or media type, as the error to answer; undefined when nothing is. */
function mediaProblem(c: Context<AppBindings>): ApiError | undefined {
  const type = c.req.header("content-type");
  const encoding = c.req.header("content-encoding");
  if (encoding !== undefined && !/^\s*identity\s*$/i.test(encoding)) {
    c.header("Accept-Encoding", "identity");
    return new ApiError("unsupported_media_type", "send the body uncompressed (no Content-Encoding)", { contentEncoding: encoding.slice(0, 64) });
  }
  if (IMPORT_PATH.test(c.req.path)) {
    if (!IMPORT_TYPES.test(type ?? "")) return new ApiError("unsupported_media_type", "send the import as text/csv or application/x-ndjson", { contentType: type ?? null });
  } else if (!JSON_TYPE.test(type ?? "")) {
    return new ApiError("unsupported_media_type", "send the body as application/json", { contentType: type ?? null });
  }
  return undefined;
}

/**
 * A request with an empty body (isEmpty) is a request without one,
 * as `{}`, whatever its type: many clients set a type on every request (curl's `-d ''`, a
 * fetch wrapper's defaults; `fetch(url, {method: "POST", body: ""})` sends `text/plain`), and
 * Hono's JSON validator would call the empty text malformed, the route's media-type gate a
 * 415. A route that reads no body (confirm, release, …) then takes it; one that needs a body
 * names the missing fields. Imports keep their own types (an empty import names its problem).
 */
function emptyBodyIsNone(c: Context<AppBindings>): void {
  const type = c.req.header("content-type");
  // Without a type the validators already take no body as none.
  if (type === undefined || IMPORT_PATH.test(c.req.path)) return;
  if (!JSON_TYPE.test(type)) {
    // Incoming headers cannot be changed: the request is copied (cf included) as a JSON one without a body.
    const headers = new Headers(c.req.raw.headers);
    headers.set("content-type", "application/json");
    c.req.raw = new Request(c.req.raw, { headers, body: null });
  }
  (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve("{}");
}

/**
 * Bodies are JSON (415 otherwise) and not compressed (415: RFC 7694). Only on a route that
 * takes this method: elsewhere the 404 or 405 says more than the body's type would. An empty
 * body is none, whatever its headers say (emptyBodyIsNone).
 */
export const jsonBodyOnly = (isRoute: (method: string, path: string) => boolean) =>
  createMiddleware<AppBindings>(async (c, next) => {
    if (WITH_BODY.has(c.req.method)) {
      if (isEmpty(c)) emptyBodyIsNone(c);
      else {
        const problem = mediaProblem(c);
        if (problem && isRoute(c.req.method, c.req.path)) throw problem;
      }
    }
    await next();
  });

const limitJsonBody = bodyLimit({
  maxSize: LIMITS.maxBodyBytes,
  onError: () => {
    throw new ApiError("payload_too_large", `the body is over ${LIMITS.maxBodyBytes} bytes`, { maxBytes: LIMITS.maxBodyBytes });
  },
});

const limitImportBody = bodyLimit({
  maxSize: LIMITS.maxImportBytes,
  onError: () => {
    throw new ApiError("payload_too_large", `the import is over ${LIMITS.maxImportBytes} bytes`, { maxBytes: LIMITS.maxImportBytes });
  },
});

/** Bodies are at most LIMITS.maxBodyBytes (413), imports LIMITS.maxImportBytes. */
export const limitBody = createMiddleware<AppBindings>((c, next) => (IMPORT_PATH.test(c.req.path) ? limitImportBody(c, next) : limitJsonBody(c, next)));
