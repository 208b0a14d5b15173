// The reporting Postgres for local runs and tests: an embedded PGlite (data on disk) behind
// PGlite's Postgres socket server, or any server named by DATABASE_URL; migrated with
// drizzle's migrator; reachable from workerd through the WebSocket proxy (Neon driver).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startWsProxy } from "./ws-proxy.mjs";

const MIGRATIONS = join(fileURLToPath(import.meta.url), "..", "..", "..", "schema", "migrations");

/** Applies the checked-in migrations to the database at `url` (any Postgres). */
export async function migrateUrl(url, migrationsFolder = MIGRATIONS) {
  const { default: pg } = await import("pg");
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const { migrate } = await import("drizzle-orm/node-postgres/migrator");
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await migrate(drizzle(pool), { migrationsFolder });
  } catch (error) {
    // drizzle's message names only the statement ("Failed query: CREATE SCHEMA …"); the reason is its cause.
    const reason = error?.cause?.message ?? error?.cause?.code ?? error?.message ?? String(error);
    throw new Error(`could not migrate the reporting database at ${redacted(url)}: ${reason}`, { cause: error });
  } finally {
    await pool.end().catch(() => undefined);
  }
}

/** A database URL without its password, for messages. */
function redacted(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(the given URL)";
  }
}

/**
 * Starts what the Worker needs to reach a reporting database. With `databaseUrl` (a real
 * Postgres), only the proxy; otherwise PGlite in `dataDir` (or in memory when absent).
 * Returns the DATABASE_URL and NEON_WS_PROXY to hand to the Worker, and stop().
 * `migrationsFolder`: where the migrations are when this file is bundled elsewhere (the test kit).
 */
export async function startDatabase({ databaseUrl, dataDir, host = "127.0.0.1", proxyPort = 0, pgPort = 0, migrationsFolder = MIGRATIONS } = {}) {
  if (databaseUrl) {
    await migrateUrl(databaseUrl, migrationsFolder);
    const proxy = await startWsProxy({ host, port: proxyPort });
    return { databaseUrl, wsProxy: proxy.url, proxyPort: proxy.port, kind: "postgres", stop: () => proxy.stop() };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = dataDir ? new PGlite(dataDir) : new PGlite();
  await db.waitReady;
  await migrate(drizzle(db), { migrationsFolder });
  const server = new PGLiteSocketServer({ db, host, port: pgPort, maxConnections: 256, idleTimeout: 120_000 });
  await server.start();
  const [, port] = server.getServerConn().split(":");
  const proxy = await startWsProxy({ host, port: proxyPort, target: { host, port: Number(port) } });
  return {
    databaseUrl: `postgres://postgres:postgres@${host}:${port}/postgres`,
    wsProxy: proxy.url,
    proxyPort: proxy.port,
    kind: dataDir ? "pglite" : "pglite (in memory)",
    db,
    async stop() {
      await proxy.stop();
      await server.stop();
      await db.close();
    },
  };
}
