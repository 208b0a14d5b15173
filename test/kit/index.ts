// edge-inventory/testing: the whole service in Miniflare for an integrator's tests. Boots
// the built Worker (dist/worker) with its Durable Objects, queue and consumer wired like
// wrangler.toml, an in-process PGlite for the reports, optional seed data, a service clock
// the test moves forward (advanceTime) and a POS that records offline and replays.
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { Miniflare } from "miniflare";
import { startDatabase, type StartedDatabase } from "../../scripts/lib/database.mjs";
import { guardAgainstOrphans } from "../../scripts/lib/orphan-guard.mjs";
import { scratchFolder } from "../../scripts/lib/scratch-folder.mjs";
import { childWorkerdPids } from "../../scripts/lib/workerd-children.mjs";
import { createClient, type AllocationBody, type InventoryClient, type StoreBody, type TickResponse } from "../../workers/client";
import { OfflineStore } from "./offline";
import { miniflareOptions, migrationsDir, workerDir } from "./worker";

export { OfflineStore, ReplayInterruptedError } from "./offline";
export { createClient, InventoryApiError, isInventoryApiError } from "../../workers/client";
export type * from "../../workers/client";

export interface SeedData {
  /** Stores, each with its region (and `covers` for other regions it serves). */
  stores?: Array<StoreBody & { storeId: string }>;
  /** Cells to allocate: on hand, channel quotas and weights, pool policy. */
  cells?: Array<AllocationBody & { storeId: string; sku: string }>;
}

export interface StartOptions {
  seed?: SeedData;
  /** The bootstrap admin token (random by default). */
  adminToken?: string;
  /** The key minted tokens are signed with (random by default). */
  tokenSecret?: string;
  /** `false`: no reporting database (report routes answer 503; starts faster). */
  reports?: boolean;
  /** A real Postgres for the reports instead of PGlite (migrated on start). */
  databaseUrl?: string;
  /** Port to serve on (a free one by default). */
  port?: number;
  /**
   * Rate limits of `PUBLIC_LIMITER` (anonymous callers, per address) and `TOKEN_LIMITER` (per
   * minted token; the admin token is never limited); by default high enough that tests never
   * meet them. The period is 10 or 60 seconds (the platform's two); a 429's Retry-After says 60
   * either way (a Worker cannot read its binding's period).
   */
  rateLimits?: Partial<Record<LimiterName, { limit: number; period?: 10 | 60 }>>;
  /** More Worker variables (e.g. DEFAULT_REGION, FEED_RETENTION, ALLOWED_ORIGINS); not the ones the kit sets from its own options. */
  bindings?: Record<string, string>;
  /** Where the Worker's own log lines go: `true` prints them; by default only errors are printed. */
  log?: boolean | ((line: string) => void);
}

export type Role = "admin" | "manager" | "store" | "service";

export interface Inventory {
  /** Where the service answers, e.g. http://127.0.0.1:53211 */
  url: string;
  /** A client with the admin token. */
  client: InventoryClient;
  adminToken: string;
  /** Mints a token: `tokenFor("store", ["berlin-01"])`, `tokenFor("manager", ["eu-central"])`, `tokenFor("service")`. */
  tokenFor(role: Role, scope?: string[], ttlSeconds?: number): Promise<string>;
  /** A client with a freshly minted token of that role and scope. */
  clientFor(role: Role, scope?: string[]): Promise<InventoryClient>;
  /**
   * Makes `seconds` pass for the service without sleeping, then settles what is due at once:
   * reservations past their time to live expire, and holds no reservation owns (a creation
   * cut off by a restart) are released once 60 s old. Answers what the tick found.
   */
  advanceTime(seconds: number): Promise<TickResponse>;
  /** The service's clock now (real time plus every advanceTime). */
  now(): Date;
  /** A POS of `storeId` that records events while offline; `replay()` sends them. */
  goOffline(storeId: string): Promise<OfflineStore>;
  /** The reporting database (absent with `reports: false`). */
  database?: Pick<StartedDatabase, "databaseUrl" | "kind">;
  /** The Miniflare instance, for what the kit does not wrap. */
  miniflare: Miniflare;
  stop(): Promise<void>;
}

const DEFAULT_RATE_LIMIT = { limit: 1_000_000, period: 60 };
/** The Worker's rate limiters (wrangler.toml's `ratelimits`; worker.ts refuses any other name). */
type LimiterName = "PUBLIC_LIMITER" | "TOKEN_LIMITER";

/**
 * Worker variables the kit sets from its own options: a binding of the same name would leave
 * the kit (its admin token, its database) out of step. `LOCAL_MODE` may be turned off, to test
 * production behaviour (`advanceTime` then answers the API's refusal).
 */
const KIT_BINDINGS: Record<string, string> = {
  ADMIN_TOKEN: "adminToken",
  TOKEN_SECRET: "tokenSecret",
  DATABASE_URL: "databaseUrl",
  NEON_WS_PROXY: "databaseUrl (the kit's proxy to it)",
};

export async function startInventory(options: StartOptions = {}): Promise<Inventory> {
  for (const name of Object.keys(options.bindings ?? {})) {
    if (name in KIT_BINDINGS) throw new TypeError(`bindings.${name} is the kit's own: use the option ${KIT_BINDINGS[name]}`);
  }
  const adminToken = options.adminToken ?? `admin-${randomBytes(16).toString("hex")}`;
  const tokenSecret = options.tokenSecret ?? randomBytes(32).toString("hex");
  const database = options.reports === false ? undefined : await startDatabase({ databaseUrl: options.databaseUrl, migrationsFolder: migrationsDir() });
  // From here on, a failure (Miniflare refusing an option, a seed refused) stops what started.
  let miniflare: Miniflare | undefined;
  let stopped = false;
  // Miniflare's temporary files in a folder of the kit's own, removed when stop() resolves.
  const scratch = scratchFolder("edge-inventory-kit-");
  // If this process is killed outright, its workerd would go on serving: a guard stops it.
  let guard: { release(): void } | undefined;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    guard?.release();
    await miniflare?.dispose().catch(() => undefined);
    await database?.stop().catch(() => undefined);
    await scratch.remove();
  };
  try {
    const before = new Set(childWorkerdPids());
    miniflare = scratch.around(() => startMiniflare(options, { adminToken, tokenSecret, database }));
    await miniflare.ready;
    guard = guardAgainstOrphans(
      childWorkerdPids().filter((pid) => !before.has(pid)),
      scratch.folder,
    );
    return await ready(miniflare, options, { adminToken, database, stop });
  } catch (error) {
    await stop();
    // Miniflare's own words name wrangler's `--port`, which the kit does not have.
    if ((error as { code?: string }).code === "ERR_ADDRESS_IN_USE") {
      throw new Error(`port ${options.port} is in use: give startInventory another \`port\`, or none for a free one`, { cause: error });
    }
    throw error;
  }
}

function startMiniflare(options: StartOptions, { adminToken, tokenSecret, database }: { adminToken: string; tokenSecret: string; database: StartedDatabase | undefined }): Miniflare {
  const dir = workerDir();
  return new Miniflare(
    miniflareOptions(
      {
        ...(options.port !== undefined ? { port: options.port } : {}),
        bindings: {
          ADMIN_TOKEN: adminToken,
          TOKEN_SECRET: tokenSecret,
          LOCAL_MODE: "true",
          ...(database ? { DATABASE_URL: database.databaseUrl, NEON_WS_PROXY: database.wsProxy } : {}),
          ...options.bindings,
          // Whatever LOCAL_MODE says, this runtime is local workerd (workers/middleware/drain-body.ts).
          LOCAL_RUNTIME: "true",
        },
        rateLimits: { PUBLIC_LIMITER: DEFAULT_RATE_LIMIT, TOKEN_LIMITER: DEFAULT_RATE_LIMIT, ...options.rateLimits },
        queueConsumers: database !== undefined,
        handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
          const sink = typeof options.log === "function" ? options.log : options.log ? (line: string) => console.log(line) : undefined;
          for (const [stream, isError] of [[stdout, false], [stderr, true]] as const) {
            stream.setEncoding("utf8");
            stream.on("data", (chunk: string) => {
              for (const line of chunk.split("\n")) {
                if (!line.trim()) continue;
                if (sink) sink(line);
                else if (isError && /error|uncaught/i.test(line)) console.error(`[edge-inventory] ${line}`);
              }
            });
          }
        },
      },
      dir,
    ),
  );
}

async function ready(
  miniflare: Miniflare,
  options: StartOptions,
  { adminToken, database, stop }: { adminToken: string; database: StartedDatabase | undefined; stop: () => Promise<void> },
): Promise<Inventory> {
  const url = (await miniflare.ready).toString().replace(/\/$/, "");
  const client = createClient({ baseUrl: url, token: adminToken });
  let offsetMs = 0;

  const tokenFor = async (role: Role, scope: string[] = [], ttlSeconds?: number) => {
    const body =
      role === "manager" ? { role, regions: scope as never[] } : role === "store" ? { role, stores: scope } : { role };
    return (await client.admin.mintToken({ ...body, ...(ttlSeconds ? { ttlSeconds } : {}) })).token;
  };

  await seed(client, options.seed);

  return {
    url,
    client,
    adminToken,
    tokenFor,
    clientFor: async (role, scope) => createClient({ baseUrl: url, token: await tokenFor(role, scope) }),
    async advanceTime(seconds) {
      if (!Number.isInteger(seconds) || seconds < 0) throw new RangeError("advanceTime takes a whole number of seconds ≥ 0");
      // The total, not a step: an isolate that restarted (and forgot its offset) is set right again.
      const clock = await client.local.clock({ offsetSeconds: Math.round(offsetMs / 1000) + seconds });
      offsetMs = clock.offsetMs;
      return client.local.tick();
    },
    now: () => new Date(Date.now() + offsetMs),
    async goOffline(storeId) {
      const storeClient = createClient({ baseUrl: url, token: await tokenFor("store", [storeId]) });
      return new OfflineStore(storeClient, storeId, () => Date.now() + offsetMs);
    },
    ...(database ? { database: { databaseUrl: database.databaseUrl, kind: database.kind } } : {}),
    miniflare,
    stop,
  };
}

async function seed(client: InventoryClient, data: SeedData | undefined): Promise<void> {
  if (!data) return;
  for (const { storeId, ...store } of data.stores ?? []) await client.stores.put(storeId, store);
  for (const { storeId, sku, ...allocation } of data.cells ?? []) await client.cells.allocate(storeId, sku, allocation);
}
