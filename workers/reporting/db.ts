import { Pool, neonConfig } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import * as tables from "../../schema/db/tables";
import type { Env } from "../env";
import type { UnexpectedError } from "../error-response";
import { ApiError } from "../errors";
import { guardedWebSocket } from "./guarded-websocket";

export type ReportingDb = ReturnType<typeof drizzle<typeof tables>>;

export class ReportingUnavailable extends Error {}

/** Connections per invocation: two statements can run side by side (see writeBatch). */
export const REPORTING_CONNECTIONS = 2;

/**
 * A failure of work on the reporting database (a report, a reconciliation): a 503 that says the
 * stock path is unaffected, and a warning in the log rather than an unhandled error (an outage
 * is not a bug).
 */
export const reportingUnavailable: UnexpectedError = (error, c) => {
  console.warn(JSON.stringify({ msg: "reporting database failed", requestId: c.get("requestId"), route: c.req.routePath, error: String(error) }));
  return new ApiError("unavailable", "the reporting database cannot be reached right now; stock and reservations are unaffected");
};

/**
 * A drizzle client over the Neon serverless driver, made per invocation (as Neon advises
 * for Workers); the caller closes it when done (`waitUntil(close())` after a response).
 * Locally, NEON_WS_PROXY points the driver at the WebSocket-to-TCP proxy in front of
 * PGlite or a plain Postgres.
 */
export function openReportingDb(env: Pick<Env, "DATABASE_URL" | "NEON_WS_PROXY">): { db: ReportingDb; close: () => Promise<void> } {
  if (!env.DATABASE_URL) throw new ReportingUnavailable("no reporting database is configured (DATABASE_URL)");
  neonConfig.webSocketConstructor = guardedWebSocket();
  if (env.NEON_WS_PROXY) {
    const proxy = env.NEON_WS_PROXY;
    neonConfig.wsProxy = (host, port) => `${proxy}/v2?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineConnect = false;
    neonConfig.pipelineTLS = false;
  }
  const pool = new Pool({ connectionString: env.DATABASE_URL, max: REPORTING_CONNECTIONS, connectionTimeoutMillis: 5_000 });
  // A connection error surfaces as the query's rejection; the pool must not crash the isolate.
  pool.on("error", () => undefined);
  return { db: drizzle(pool, { schema: tables }), close: () => pool.end().catch(() => undefined) };
}

/** Opens the database for `work` and closes it afterwards, whatever happens. */
export async function withReportingDb<T>(env: Pick<Env, "DATABASE_URL" | "NEON_WS_PROXY">, work: (db: ReportingDb) => Promise<T>): Promise<T> {
  const { db, close } = openReportingDb(env);
  try {
    return await work(db);
  } finally {
    await close();
  }
}
