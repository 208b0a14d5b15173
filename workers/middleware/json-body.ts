import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { LIMITS } from "../../schema/limits";
import { ApiError } from "../errors";
import type { AppBindings } from "../types";

const WITH_BODY = new Set(["POST", "PUT", "PATCH"]);

/** Bulk imports take CSV or NDJSON (and JSON lines as JSON) and a larger body; every other route JSON only. */
const IMPORT_PATH = /\/skus:import$/;
const IMPORT_TYPES = /^(application\/json|application\/x-ndjson|text\/csv)\s*(;|$)/i;

/** Bodies are JSON (415 otherwise), not compressed (415: RFC 7694), and at most LIMITS.maxBodyBytes (413). */
export const jsonBodyOnly = createMiddleware<AppBindings>(async (c, next) => {
  if (WITH_BODY.has(c.req.method)) {
    const type = c.req.header("content-type");
    const hasBody = c.req.header("content-length") !== "0" && (type !== undefined || c.req.raw.body !== null);
    const encoding = c.req.header("content-encoding");
    if (hasBody && encoding !== undefined && !/^\s*identity\s*$/i.test(encoding)) {
      c.header("Accept-Encoding", "identity");
      throw new ApiError("unsupported_media_type", "send the body uncompressed (no Content-Encoding)", { contentEncoding: encoding.slice(0, 64) });
    }
    if (hasBody && IMPORT_PATH.test(c.req.path)) {
      if (!IMPORT_TYPES.test(type ?? "")) {
        throw new ApiError("unsupported_media_type", "send the import as text/csv or application/x-ndjson", { contentType: type ?? null });
      }
    } else if (hasBody && !/^application\/json\s*(;|$)/i.test(type ?? "")) {
      throw new ApiError("unsupported_media_type", "send the body as application/json", { contentType: type ?? null });
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

export const limitBody = createMiddleware<AppBindings>((c, next) => (IMPORT_PATH.test(c.req.path) ? limitImportBody(c, next) : limitJsonBody(c, next)));
