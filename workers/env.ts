import type { Directory } from "../durable-objects/directory";
import type { Operation } from "../durable-objects/operation";
import type { Transfer } from "../durable-objects/transfer";
import type { Webhooks } from "../durable-objects/webhooks";
import type { Reservation } from "../durable-objects/reservation";
import type { StockCell } from "../durable-objects/stock-cell";
import type { StoreHub } from "../durable-objects/store-hub";
import type { InventoryMessage, MaintainStoreMessage } from "./reporting/messages";

/** The Worker's bindings (wrangler.toml), typed once. */
export interface Env {
  STOCK_CELL: DurableObjectNamespace<StockCell>;
  RESERVATION: DurableObjectNamespace<Reservation>;
  DIRECTORY: DurableObjectNamespace<Directory>;
  STORE_HUB: DurableObjectNamespace<StoreHub>;
  OPERATION: DurableObjectNamespace<Operation>;
  TRANSFER: DurableObjectNamespace<Transfer>;
  /** Webhook subscriptions and deliveries: one object per region, and one per store for its own (absent: no webhooks, e.g. the benchmark). */
  WEBHOOKS?: DurableObjectNamespace<Webhooks>;
  /** First webhook retry delay in ms (default 30 s; tests use less). */
  WEBHOOK_RETRY_BASE_MS?: string;
  /** How long after a delivery a stock cell writes its outbox cursors if no commit carried them (ms, default 10,000). */
  CURSOR_SAVE_MS?: string;
  /** How long after a commit a cell's guard alarm looks at its outbox (tests shorten it). */
  DELIVERY_GUARD_MS?: string;
  /** Change events for the reporting database (absent where no queue is bound, e.g. the benchmark). */
  INVENTORY_EVENTS?: Queue<InventoryMessage>;
  /** The cron's per-store work (absent: the cron does it itself, a few stores at a time). */
  MAINTENANCE?: Queue<MaintainStoreMessage>;
  /** SKUs per maintenance message (default 1,000; tests use fewer). */
  MAINTENANCE_PAGE_SKUS?: string;
  /** Rate limits: anonymous callers per address, token holders per token (wrangler.toml). */
  PUBLIC_LIMITER?: RateLimit;
  TOKEN_LIMITER?: RateLimit;
  /** Origins other than the dashboard's own that may call the API from a browser (comma-separated). */
  ALLOWED_ORIGINS?: string;
  /** The reporting Postgres (Neon in production; PGlite or any Postgres locally). */
  DATABASE_URL?: string;
  /** Local runs only: the WebSocket-to-TCP proxy the Neon driver connects through. */
  NEON_WS_PROXY?: string;
  ASSETS: Fetcher;
  /** Bootstrap admin bearer token (a secret). */
  ADMIN_TOKEN: string;
  /** HS256 key for minted tokens (a secret). */
  TOKEN_SECRET: string;
  /** Staged cells (a large import's) each store hub creates per second (default 50). */
  STAGED_CELLS_PER_SECOND?: string;
  /** Cell calls the cron's reconciliation and sweep start per second, per isolate (default 100). */
  CRON_CELLS_PER_SECOND?: string;
  /** How many changes each store's feed keeps (default 20,000). */
  FEED_RETENTION?: string;
  /** The region of callers the edge cannot place (default eu-central). */
  DEFAULT_REGION?: string;
  /** "true" in local runs and tests. */
  LOCAL_MODE?: string;
  /** "true" when the runtime is a local workerd (npm start, the tests, the test kit, the bench), even with LOCAL_MODE "false". */
  LOCAL_RUNTIME?: string;
}

type AppEnv = Env;
declare global {
  namespace Cloudflare {
    // Lets `cloudflare:test`'s `env` know the bindings.
    interface Env extends AppEnv {}
  }
}

/** A count set in the environment (a feed's length, a page's size): a whole number of at least 1, else `fallback`. */
export function countSetting(value: string | undefined, fallback: number): number {
  const count = Math.floor(Number(value ?? fallback));
  return Number.isSafeInteger(count) && count >= 1 ? count : fallback;
}
