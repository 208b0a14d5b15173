import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { startDatabase } from "./scripts/lib/database.mjs";
import { startReceiver } from "./test/workers/webhook-receiver.mjs";
import { TEST_ADMIN_TOKEN, TEST_TOKEN_SECRET } from "./test/constants.ts";

// The reporting Postgres the tests write to: PGlite in memory by default, or the server
// named by DATABASE_URL (CI runs both), reached from workerd through the Neon driver's
// WebSocket proxy. The proxy also takes injected faults (FAULTS_URL) for the tests.
const database = await startDatabase({ databaseUrl: process.env.DATABASE_URL });
// A webhook receiver on loopback: the webhook tests register its URL and read what it got.
const receiver = await startReceiver();
(globalThis as { __inventoryDatabase?: typeof database }).__inventoryDatabase = database;

// The Worker and its Durable Objects in workerd (Miniflare), configured from wrangler.toml.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        // Low limits so the abuse-control tests can reach them (production: wrangler.toml).
        ratelimits: {
          PUBLIC_LIMITER: { namespace_id: "1001", simple: { limit: 100, period: 60 } },
          TOKEN_LIMITER: { namespace_id: "1002", simple: { limit: 200, period: 60 } },
        },
        bindings: {
          ADMIN_TOKEN: TEST_ADMIN_TOKEN,
          TOKEN_SECRET: TEST_TOKEN_SECRET,
          LOCAL_MODE: "true",
          LOCAL_RUNTIME: "true",
          FEED_RETENTION: "100",
          DATABASE_URL: database.databaseUrl,
          NEON_WS_PROXY: database.wsProxy,
          FAULTS_URL: `http://${database.wsProxy}/__faults`,
          DATABASE_KIND: database.kind,
          ALLOWED_ORIGINS: "https://partner.example",
          RECEIVER_URL: receiver.url,
          WEBHOOK_RETRY_BASE_MS: "300",
          // The cursor test waits for the timer's write.
          CURSOR_SAVE_MS: "1000",
          DELIVERY_GUARD_MS: "2000",
          // Staged cells all at once, as before the pace (README, "Why the alarm is paced"): a
          // paced alarm outlives its test file, whose teardown then cuts its calls off.
          STAGED_CELLS_PER_SECOND: "100000",
          // The 10,000-line import test exports every cell: at the default 100 a second that alone is 95 s.
          CRON_CELLS_PER_SECOND: "1000",
        },
      },
    }),
  ],
  test: {
    name: "workers",
    include: ["test/workers/**/*.test.ts"],
    globalSetup: ["test/workers/global-setup.ts"],
    testTimeout: 30_000,
  },
});
