import { defineConfig } from "vitest/config";

// Pure TypeScript: the domain core and anything else that needs no Workers runtime.
export default defineConfig({
  test: {
    name: "unit",
    include: ["test/unit/**/*.test.ts"],
    environment: "node",
  },
});
