import { createMiddleware } from "hono/factory";
import { LIMITS } from "../../schema/limits";
import type { AppBindings } from "../types";

/**
 * Local runs only (wrangler dev, Miniflare, the test kit): when the Worker answers before
 * reading the request's body (a 401/403 from auth, a route that takes no body), workerd
 * closes the connection, and a client that reuses the kept-alive connection fails with
 * "other side closed". Reading what is left (at most the body limit) keeps it usable.
 */
export const drainUnreadBody = createMiddleware<AppBindings>(async (c, next) => {
  await next();
  const request = c.req.raw;
  if (c.env.LOCAL_MODE !== "true" || !request.body || request.bodyUsed) return;
  const length = Number(request.headers.get("content-length"));
  if (!(length > 0 && length <= LIMITS.maxBodyBytes)) return;
  await request.arrayBuffer().catch(() => undefined);
});
