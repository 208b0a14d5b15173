// Builds web/dist, the Worker's static assets: the dashboard (Vite, config web/vite.config.ts;
// web/public is copied as is) and the vendored Swagger UI for /docs (copied from the npm
// package, so the docs work offline).
import { cpSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "web", "dist");
const swagger = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

// Empties web/dist first (build.emptyOutDir), then writes the dashboard and web/public.
await build({ configFile: join(root, "web", "vite.config.ts"), logLevel: "warn" });

mkdirSync(join(dist, "vendor", "swagger-ui"), { recursive: true });
for (const file of ["swagger-ui.css", "swagger-ui-bundle.js"]) {
  cpSync(join(swagger, file), join(dist, "vendor", "swagger-ui", file));
}
console.log(`built ${dist}`);
