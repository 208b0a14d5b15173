import { requestId } from "hono/request-id";
import { allowedMethods } from "./allowed-methods";
import { ApiError } from "./errors";
import { respondWithError } from "./error-response";
import { authenticate } from "./middleware/authenticate";
import { jsonBodyOnly, limitBody } from "./middleware/json-body";
import { corsForDashboard, securityHeaders } from "./middleware/browser";
import { drainUnreadBody } from "./middleware/drain-body";
import { rateLimit } from "./middleware/rate-limit";
import { regionOnEveryAnswer, servedRegion } from "./middleware/region";
import { requestLog } from "./middleware/request-log";
import { withMiddlewareAnswers } from "./openapi-document";
import { ACCESS_TOKEN_SCHEME, newRouter } from "./router";
import { admin } from "./routes/admin";
import { availability } from "./routes/availability";
import { bulk } from "./routes/bulk";
import { cells } from "./routes/cells";
import { docs } from "./routes/docs";
import { health } from "./routes/health";
import { local } from "./routes/local";
import { reservations } from "./routes/reservations";
import { returns } from "./routes/returns";
import { transfers } from "./routes/transfers";
import { deliveryWebhook, webhooks } from "./routes/webhooks";
import { lowStock } from "./routes/low-stock";
import { oversells } from "./routes/oversells";
import { reports } from "./routes/reports";
import { storeSync } from "./routes/store-sync";
import { stores } from "./routes/stores";

export function createApp() {
  const app = newRouter();

  app.use("*", drainUnreadBody);
  // An incoming id of letters, digits, `_`, `-` and `=` (at most 128) is kept; any other is replaced, never echoed.
  app.use("*", requestId({ limitLength: 128 }), requestLog);
  app.use("*", regionOnEveryAnswer, securityHeaders);
  // The methods each path answers, from the routes (read once all are registered): 404 or 405 otherwise.
  let methodsOn: ((path: string) => string[]) | undefined;
  const allowed = (path: string) => (methodsOn ??= allowedMethods(app.routes))(path);
  app.use("/v1/*", corsForDashboard, authenticate, rateLimit, servedRegion, jsonBodyOnly((method, path) => allowed(path).includes(method)), limitBody);

  app.route("/", health);
  app.route("/", admin);
  app.route("/", local);
  app.route("/", stores);
  app.route("/", bulk);
  app.route("/", cells);
  app.route("/", availability);
  app.route("/", reservations);
  app.route("/", storeSync);
  app.route("/", oversells);
  app.route("/", returns);
  app.route("/", transfers);
  app.route("/", webhooks);
  app.route("/", lowStock);
  app.route("/", reports);
  app.route("/", docs);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
  // What the service sends: the webhook deliveries (OpenAPI 3.1 `webhooks`).
  app.openAPIRegistry.registerWebhook(deliveryWebhook);
  app.openAPIRegistry.registerComponent("securitySchemes", ACCESS_TOKEN_SCHEME, {
    type: "apiKey",
    in: "query",
    name: "access_token",
    description: "The same JWT as the bearer token, in the URL: only the live feed (GET /v1/stores/{storeId}/live) takes it, and only when no Authorization header is sent (browsers cannot set headers on a WebSocket)",
  });
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.get("/openapi.json", (c) =>
    c.json(
      (document ??= withMiddlewareAnswers(
        app.getOpenAPI31Document({
          openapi: "3.1.0",
          info: {
            title: "edge-inventory",
            version: "1",
            description:
              "Strongly consistent stock at the edge: cells, channels, reservations. Errors are {error: {code, message, details}}. " +
              "A path listed here called with a method it does not list answers 405 method_not_allowed with an Allow header.",
          },
        }),
      )),
    ),
  );

  // The dashboard and other static files: in production the platform serves them before the
  // Worker runs; a request that still reaches the Worker (tests, run_worker_first paths) gets
  // them from the assets binding.
  app.get("*", async (c, next) => {
    if (c.req.path.startsWith("/v1/") || !c.env.ASSETS) return next();
    const response = await c.env.ASSETS.fetch(c.req.raw);
    if (response.status === 404) return next();
    return new Response(response.body, response);
  });

  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    const routed = allowed(path);
    if (routed.length > 0) {
      // HEAD is answered wherever GET is (the runtime serves it from the GET route): the header and the body say the same.
      const methods = [...routed, ...(routed.includes("GET") ? ["HEAD"] : [])];
      c.set("errorCode", "method_not_allowed");
      c.header("Allow", methods.join(", "));
      return c.json(new ApiError("method_not_allowed", `${c.req.method} is not a method of ${path}: ${methods.join(", ")}`, { allowed: methods }).toBody(), 405);
    }
    c.set("errorCode", "not_found");
    return c.json(new ApiError("not_found", `no route ${c.req.method} ${path}`).toBody(), 404);
  });

  app.onError(respondWithError);

  return app;
}
