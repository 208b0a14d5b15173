import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { authenticateToken } from "../auth/tokens";
import type { Role } from "../auth/principal";
import { ApiError } from "../errors";
import type { AppBindings } from "../types";

/** The live feed, a WebSocket: browsers cannot set headers on one, so it also takes `access_token`. */
const LIVE_PATH = /^\/v1\/stores\/[^/]+\/live$/;

/** The bearer token of the header, or of `access_token` on the live feed; undefined when none was sent. */
function tokenOf(c: Context<AppBindings>): string | undefined {
  const header = c.req.header("authorization");
  if (header === undefined) return LIVE_PATH.test(c.req.path) ? c.req.query("access_token") : undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw new ApiError("unauthorized", "the Authorization header must be 'Bearer <token>'");
  return match[1]!;
}

/**
 * Reads the bearer token, if any. Anonymous callers pass (public routes decide);
 * a token that is present but not valid is always a 401. Authenticated here, before the
 * rate limiter, a token counts as itself however it was sent.
 */
export const authenticate = createMiddleware<AppBindings>(async (c, next) => {
  const token = tokenOf(c);
  if (token !== undefined) {
    const authenticated = await authenticateToken(token, c.env);
    if (!authenticated) throw new ApiError("unauthorized", "the token is not valid or has expired");
    c.set("principal", authenticated.principal);
    c.set("token", token);
    c.set("bootstrapAdmin", authenticated.bootstrap);
    if (authenticated.expiresAt !== undefined) c.set("tokenExpiresAt", authenticated.expiresAt * 1000);
  }
  await next();
});

/** Only these roles may pass; scope (which stores, which regions) is checked by the route. */
export function requireRole(...roles: Role[]) {
  return createMiddleware<AppBindings>(async (c, next) => {
    const principal = c.get("principal");
    if (!principal) throw new ApiError("unauthorized", "this route needs a bearer token");
    if (!roles.includes(principal.role)) {
      throw new ApiError("forbidden", `a ${principal.role} token cannot do this`, { allowedRoles: roles });
    }
    await next();
  });
}
