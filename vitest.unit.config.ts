import { defineConfig } from "vitest/config";

// Pure TypeScript: the domain core and anything else that needs no Workers runtime.
export default defineConfig({
  test: {
    name: "unit",
    include: ["test/unit/**/*.test.ts"],
    environment: "node",
    // The property tests run thousands of cases in about a second here; 5 s (vitest's default)
    // was passed on a loaded host. A bound for a stuck test, not a speed limit.
    testTimeout: 60_000,
  },
});
