import { defineConfig } from "vitest/config";

// The crash test: the real Worker on workerd with storage on disk, killed with SIGKILL and
// restarted several times under load (`npm run test:crash`; CRASH_KILLS sets how often).
export default defineConfig({
  test: {
    name: "crash",
    include: ["test/crash/**/*.test.ts"],
    environment: "node",
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
