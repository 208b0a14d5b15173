import { defineConfig } from "vitest/config";

// End to end through the test kit (edge-inventory/testing): the built Worker in Miniflare,
// driven over HTTP by the typed client, from plain Node. The global setup builds the Worker.
export default defineConfig({
  test: {
    name: "e2e",
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/e2e/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // One file at a time: the pack test rebuilds dist/, which the others run from.
    fileParallelism: false,
  },
});
