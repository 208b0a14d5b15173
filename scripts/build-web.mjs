// Builds web/dist, the Worker's static assets: the dashboard (Vite, config web/vite.config.ts;
// web/public is copied as is) and the vendored Swagger UI for /docs (copied from the npm
// package, so the docs work offline). WEB_DIST puts the result elsewhere (tests).
import { cpSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import lockfile from "proper-lockfile";
import { build } from "vite";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = process.env.WEB_DIST ? resolve(process.env.WEB_DIST) : join(root, "web", "dist");
const swagger = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

// Each build writes a folder of its own and then swaps it in, one swap at a time: two builds
// at once (a second `npm start` or `npm test` on this checkout) used to empty each other's
// output mid-write, and a service serving web/dist never sees a half-written folder.
const staging = `${dist}.build-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
await build({ configFile: join(root, "web", "vite.config.ts"), logLevel: "warn", build: { outDir: staging, emptyOutDir: true } });
mkdirSync(join(staging, "vendor", "swagger-ui"), { recursive: true });
for (const file of ["swagger-ui.css", "swagger-ui-bundle.js"]) {
  cpSync(join(swagger, file), join(staging, "vendor", "swagger-ui", file));
}

const parent = dirname(dist);
mkdirSync(parent, { recursive: true });
const release = await lockfile.lock(parent, { lockfilePath: `${dist}.swap.lock`, stale: 10_000, retries: { retries: 100, minTimeout: 20, maxTimeout: 200 } });
const previous = `${dist}.old-${process.pid}`;
try {
  try {
    renameSync(dist, previous);
  } catch (error) {
    if (error?.code !== "ENOENT") throw error;
  }
  renameSync(staging, dist);
} finally {
  await release();
}
rmSync(previous, { recursive: true, force: true });
console.log(`built ${dist}`);
