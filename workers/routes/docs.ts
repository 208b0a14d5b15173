import { Hono } from "hono";
import type { AppBindings } from "../types";

/** The API docs page: Swagger UI from the dashboard's own static assets, no CDN. */
const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>edge-inventory API</title>
  <link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
  <script src="/vendor/swagger-ui/init.js"></script>
</body>
</html>`;

export const docs = new Hono<AppBindings>().get("/docs", (c) => c.html(page));
