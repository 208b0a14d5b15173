// Bindings only the tests have (vitest.workers.config.ts).
declare namespace Cloudflare {
  interface Env {
    /** POST {"down": true} | {"delayMs": n} | {"failEvery": n} | {} to the database proxy. */
    FAULTS_URL: string;
    DATABASE_KIND: string;
    /** The loopback webhook receiver (test/workers/webhook-receiver.mjs). */
    RECEIVER_URL: string;
  }
}
