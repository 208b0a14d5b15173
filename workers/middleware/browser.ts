import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { createMiddleware } from "hono/factory";
import type { Env } from "../env";
import { REGION_HEADER } from "./region";
import type { AppBindings } from "../types";

/** The content security policy of every page the Worker serves (the dashboard's is in web/public/_headers). */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // Swagger UI and the charts set inline styles.
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
};

const pageSecurityHeaders = secureHeaders({ contentSecurityPolicy: CONTENT_SECURITY_POLICY, crossOriginEmbedderPolicy: false, xFrameOptions: "DENY" });

/**
 * API answers are JSON no browser renders as a page, so they get the headers OWASP's REST
 * cheat sheet names for APIs (nothing may load or frame them, no sniffing, HTTPS only) rather
 * than the page set: each header is a call into the runtime on every answer, and the eight
 * more of the page set's twelve cost a hot-SKU reservation about 3.5 % of workerd's
 * instructions (README, Performance, step 53).
 */
const apiSecurityHeaders = secureHeaders({
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  strictTransportSecurity: true,
  xContentTypeOptions: true,
  xFrameOptions: "DENY",
  crossOriginEmbedderPolicy: false,
  crossOriginResourcePolicy: false,
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  referrerPolicy: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
  removePoweredBy: false,
});

export const securityHeaders = createMiddleware<AppBindings>((c, next) =>
  c.req.path.startsWith("/v1/") ? apiSecurityHeaders(c, next) : pageSecurityHeaders(c, next),
);

/**
 * Browsers may call the API from the dashboard (same origin, no CORS needed) and from the
 * origins listed in ALLOWED_ORIGINS; any other origin gets no CORS grant.
 */
const honoCors = cors({
  origin: (origin, c) => {
    const allowed = ((c.env as Env).ALLOWED_ORIGINS ?? "").split(",").map((entry) => entry.trim()).filter(Boolean);
    return allowed.includes(origin) ? origin : null;
  },
  // Every method and request header the API reads (webhooks are deleted; imports are named by
  // header; an allocation is conditional with If-Match on the cell's ETag).
  allowMethods: ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
  allowHeaders: ["authorization", "content-type", "x-request-id", "idempotency-key", "x-import-id", "if-match", REGION_HEADER],
  exposeHeaders: ["x-request-id", "x-inventory-region", "x-next-cursor", "retry-after", "etag"],
  maxAge: 600,
});

/**
 * A request without an Origin (a checkout backend, a POS terminal, a same-origin GET) gets
 * no CORS grant, only `Vary: Origin` for caches, set before the handler. Hono's cors would
 * set its headers on a placeholder response and `Vary` on the finished one, and each makes
 * Hono copy the Response: three copies per request on the hot path.
 */
export const corsForDashboard = createMiddleware<AppBindings>((c, next) => {
  if (c.req.header("origin") !== undefined) return honoCors(c, next);
  c.header("Vary", "Origin");
  return next();
});
