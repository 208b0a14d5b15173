import preact from "@preact/preset-vite";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The dashboard: root web/, built into web/dist (the Worker's static assets). Everything is
// bundled from node_modules, so the page needs nothing from the internet.
const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "/",
  publicDir: "public",
  plugins: [preact()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The CSP allows scripts from 'self' only: no inline module-preload polyfill.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 400,
  },
  // `npx vite --config web/vite.config.ts`: live-reloading dev server for the page, with the
  // API (and its WebSockets) proxied to `npm start` (or API_URL); api.ts imports ../workers/client.
  server: { proxy: { "/v1": { target: process.env.API_URL ?? "http://127.0.0.1:8787", ws: true } }, fs: { allow: [fileURLToPath(new URL("..", import.meta.url))] } },
});
