import { createMiddleware } from "hono/factory";
import type { AppBindings } from "../types";

const REQUEST_ID_HEADER = "x-request-id";

/**
 * One structured JSON line per request. Never logs headers or bodies, so no token reaches the log.
 * The answer carries the line's request id: Hono's requestId sets it before the route runs, which
 * an answer the route passes on whole (the live feed's 101 from the store hub) did not keep.
 */
export const requestLog = createMiddleware<AppBindings>(async (c, next) => {
  const started = performance.now();
  await next();
  if (!c.res.headers.has(REQUEST_ID_HEADER)) c.header(REQUEST_ID_HEADER, c.get("requestId"));
  const principal = c.get("principal");
  console.log(
    JSON.stringify({
      msg: "request",
      requestId: c.get("requestId"),
      method: c.req.method,
      route: c.req.routePath,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      role: principal?.role ?? "anonymous",
      // Who holds the token, when it was minted with a name: the log says who did what.
      ...(principal?.name ? { name: principal.name } : {}),
      ...(c.get("errorCode") ? { errorCode: c.get("errorCode") } : {}),
    }),
  );
});
