import { OpenAPIHono } from "@hono/zod-openapi";
import { apiRoute } from "../router";
import { Health } from "../../schema/service";
import type { AppBindings } from "../types";

const route = apiRoute({
  method: "get",
  path: "/v1/health",
  tags: ["health"],
  summary: "Liveness",
  responses: {
    200: { description: "The Worker answers", content: { "application/json": { schema: Health } } },
  },
});

export const health = new OpenAPIHono<AppBindings>().openapi(route, (c) => c.json({ status: "ok" as const, time: new Date().toISOString() }, 200));
