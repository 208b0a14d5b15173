import { apiRoute, errorResponses } from "../router";
import { OpenAPIHono } from "@hono/zod-openapi";
import { Health } from "../../schema/service";
import type { AppBindings } from "../types";

const route = apiRoute({
  method: "get",
  path: "/v1/health",
  tags: ["health"],
  summary: "Liveness",
  responses: {
    200: { description: "The Worker answers", content: { "application/json": { schema: Health } } },
    // As on every route: a query parameter it does not read, or an unknown x-inventory-region.
    ...errorResponses("invalid_request"),
  },
});

export const health = new OpenAPIHono<AppBindings>().openapi(route, (c) => c.json({ status: "ok" as const, time: new Date().toISOString() }, 200));
