import { createMiddleware } from "hono/factory";
import type { AppBindings } from "../types";

/** One structured JSON line per request. Never logs headers or bodies, so no token reaches the log. */
export const requestLog = createMiddleware<AppBindings>(async (c, next) => {
  const started = performance.now();
  await next();
  console.log(
    JSON.stringify({
      msg: "request",
      requestId: c.get("requestId"),
      method: c.req.method,
      route: c.req.routePath,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      role: c.get("principal")?.role ?? "anonymous",
      ...(c.get("errorCode") ? { errorCode: c.get("errorCode") } : {}),
    }),
  );
});
