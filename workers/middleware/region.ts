import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { Region } from "../../schema/regions";
import { validationError } from "../errors";
import { resolveRegion, isRegion, type RequestGeo } from "../regions/resolve";
import type { AppBindings } from "../types";

export const REGION_HEADER = "x-inventory-region";

/**
 * Which region the request is served for, from `request.cf`; the `x-inventory-region`
 * header overrides it only in local mode or for admin tokens. Every response says which.
 */
function resolve(c: Context<AppBindings>, withOverride: boolean) {
  const fallback = c.env.DEFAULT_REGION && isRegion(c.env.DEFAULT_REGION) ? c.env.DEFAULT_REGION : "eu-central";
  return resolveRegion({
    geo: c.req.raw.cf as RequestGeo | undefined,
    override: withOverride ? c.req.header(REGION_HEADER) : undefined,
    overrideAllowed: c.env.LOCAL_MODE === "true" || c.get("principal")?.role === "admin",
    fallback,
  });
}

export const servedRegion = createMiddleware<AppBindings>(async (c, next) => {
  const resolution = resolve(c, true);
  if (!resolution.ok) {
    // The header is judged by the same schema as `region=`, and refused as any bad field is.
    throw validationError(Region.safeParse(resolution.given).error!, `header.${REGION_HEADER}`);
  }
  c.set("region", resolution.region);
  c.header(REGION_HEADER, resolution.region);
  await next();
  // Most answers carry it already; setting a header on a finished answer makes Hono copy the Response.
  if (c.res.headers.get(REGION_HEADER) !== resolution.region) c.header(REGION_HEADER, resolution.region);
});

/**
 * Runs first, for every path: answers that never reached `servedRegion` (a 401 or 429
 * thrown before it, /docs, /openapi.json, static files) still say which region served them.
 */
export const regionOnEveryAnswer = createMiddleware<AppBindings>(async (c, next) => {
  await next();
  if (c.res.headers.has(REGION_HEADER)) return;
  // An unknown override header answered 400 elsewhere; here it falls back to the edge's region.
  const withOverride = resolve(c, true);
  const resolution = withOverride.ok ? withOverride : resolve(c, false);
  if (resolution.ok) c.header(REGION_HEADER, c.get("region") ?? resolution.region);
});
