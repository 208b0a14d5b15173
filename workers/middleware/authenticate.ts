import { createMiddleware } from "hono/factory";
import { authenticateToken } from "../auth/tokens";
import type { Role } from "../auth/principal";
import { ApiError } from "../errors";
import type { AppBindings } from "../types";

/**
 * Reads the bearer token, if any. Anonymous callers pass (public routes decide);
 * a token that is present but not valid is always a 401.
 */
export const authenticate = createMiddleware<AppBindings>(async (c, next) => {
  const header = c.req.header("authorization");
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!match) throw new ApiError("unauthorized", "the Authorization header must be 'Bearer <token>'");
    const token = match[1]!;
    const authenticated = await authenticateToken(token, c.env);
    if (!authenticated) throw new ApiError("unauthorized", "the token is not valid or has expired");
    c.set("principal", authenticated.principal);
    c.set("bootstrapAdmin", authenticated.bootstrap);
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
