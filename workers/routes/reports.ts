import { z } from "@hono/zod-openapi";
import type { ZodObject } from "zod";
import { and, desc, eq, getTableColumns, gte, inArray, like, lt, lte, ne, or, sql, type Column, type SQL } from "drizzle-orm";
import { ABANDONED_REASON } from "../../durable-objects/core/types";
import { OPERATION_REFERENCE_KINDS } from "../../durable-objects/core/operations";
import { now as serviceNow } from "../../durable-objects/clock";
import { directoryStub, hubStub } from "../../durable-objects/stubs";
import { cells, deadLetters, movements, oversells, reconciliationDifferences, reconciliationRuns, reservations, stores } from "../../schema/db/tables";
import { DeadLettersQuery, MovementsQuery, REPORT_PAGES, ReconciliationRunsQuery, ReservationsReportQuery, ScopedListQuery, StockReportQuery, type ReportName } from "../../schema/reports";
import { mapConcurrently } from "../concurrency";
import { respondWithError } from "../error-response";
import { ApiError } from "../errors";
import { requireRole } from "../middleware/authenticate";
import { openReportingDb, reportingUnavailable, type ReportingDb } from "../reporting/db";
import { isTimestamp, reportPaging, respondPage } from "../reporting/respond";
import { reportScope, type ReportScope } from "../reporting/scope";
import { bearer, errorResponses, newRouter, apiRoute } from "../router";
import { requireStore } from "../stores";
import type { AppBindings } from "../types";
import { createMiddleware } from "hono/factory";

/** A report's route, its JSON page the one REPORT_PAGES has for it (its rows: schema/report-rows.ts). */
function report<Q extends ZodObject>(path: ReportName, summary: string, query: Q) {
  return apiRoute({
    method: "get",
    path: `/v1/reports/${path}`,
    tags: ["reports"],
    summary,
    description: "Managers see their regions; admins everything. JSON {items, next} or CSV (format=csv; the next cursor in x-next-cursor).",
    security: bearer,
    middleware: [requireRole("admin", "manager")] as const,
    request: { query },
    responses: {
      200: {
        description: "A page of the report",
        headers: z.object({ "x-next-cursor": z.string().optional().openapi({ description: "CSV pages: the next page's cursor while more remain (JSON has it as `next`)" }) }),
        content: { "application/json": { schema: REPORT_PAGES[path] }, "text/csv": { schema: { type: "string" } } },
      },
      ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found", "unavailable"),
    },
  });
}

/** Conditions keeping rows of the caller's scope (`storeColumn` joined to stores for regions). */
function scopeConditions(scope: ReportScope, storeColumn: typeof cells.storeId | typeof movements.storeId | typeof reservations.storeId | typeof oversells.storeId): SQL[] {
  const conditions: SQL[] = [];
  if (scope.storeId) conditions.push(eq(storeColumn, scope.storeId));
  if (scope.regions) conditions.push(inArray(storeColumn, sql`(SELECT ${stores.storeId} FROM ${stores} WHERE ${inArray(stores.region, scope.regions)})`));
  return conditions;
}

/**
 * A listing newest first by a time, then an id (both descending), and its keyset: the rows
 * after a cursor's (time, id). One place for both, so the order and the cursor cannot part.
 */
function newestFirst(atColumn: Column, idColumn: Column) {
  return {
    order: [desc(atColumn), desc(idColumn)] as const,
    after: ([at, id]: [string, string]): SQL => or(lt(atColumn, at), and(eq(atColumn, at), lt(idColumn, id)))!,
  };
}
const MOVEMENTS_NEWEST_FIRST = newestFirst(movements.at, movements.eventId);
const OVERSELLS_NEWEST_FIRST = newestFirst(oversells.openedAt, oversells.id);
// Runs of one moment (the cron's pages can share a millisecond) by id.
const RUNS_NEWEST_FIRST = newestFirst(reconciliationRuns.startedAt, reconciliationRuns.id);

/** `return:<id>`, `import:<id>`, `transfer:<id>`, with or without an attempt: a name an operation's movements carry as their reference. */
const OPERATION_NAME = new RegExp(`^(?:${OPERATION_REFERENCE_KINDS.join("|")}):`);

/**
 * The movements the ledger's Reference column shows as `reference` (schema/reports.ts,
 * MovementReference). An operation's movements carry `return:<id>`, `import:<id>` or
 * `transfer:<id>#<attempt>` as their reference; a reference without an attempt matches every
 * attempt too (the prefix `LIKE` uses the partial `text_pattern_ops` index on the reference).
 * A reservation's movements carry its id (partial index, migration 0006), a POS event's
 * movement the event's: any value without an attempt is looked for there as well (ids may
 * hold ":", so `transfer:T1` may also be a reservation's id). Event ids are store-unique and
 * their column has no index (it would cost nearly every movement the flush inserts an entry),
 * so they are looked for only within one store (`withinStore`: the query names its store).
 */
function referenceIs(reference: string, withinStore: boolean): SQL {
  if (reference.includes("#")) return eq(movements.reference, reference);
  const byId = [eq(movements.reservationId, reference), ...(withinStore ? [eq(movements.sourceEventId, reference)] : [])];
  if (!OPERATION_NAME.test(reference)) return or(...byId)!;
  return or(eq(movements.reference, reference), like(movements.reference, `${reference.replace(/[\\%_]/g, "\\$&")}#%`), ...byId)!;
}

const STOCK_COLUMNS = ["storeId", "sku", "onHand", "reserved", "soldOut", "oversold", "shared", "free", "quotas", "inTransit", "incoming", "version", "updatedAt"];
const MOVEMENT_COLUMNS = ["eventId", "storeId", "sku", "seq", "kind", "at", "effectiveAt", "qty", "delta", "channel", "reason", "reservationId", "reference", "sourceEventId", "onHandBefore", "onHandAfter", "reservedBefore", "reservedAfter", "appliedAt"];
/** A reservations report row: every column but the attempt the row follows (internal). */
const { attempt: _attempt, ...RESERVATION_FIELDS } = getTableColumns(reservations);
const RESERVATION_COLUMNS = Object.keys(RESERVATION_FIELDS);

/** The request's database client is closed once the answer is made. */
const closeReportingDb = createMiddleware<AppBindings>(async (c, next) => {
  await next();
  const close = dbClosers.get(c.req.raw);
  if (close) c.executionCtx.waitUntil(close());
});

/** One database client per request, opened on first use and closed after the response. */
const dbClosers = new WeakMap<Request, () => Promise<void>>();
function reportingDb(c: { env: AppBindings["Bindings"]; req: { raw: Request } }): ReportingDb {
  const { db, close } = openReportingDb(c.env);
  dbClosers.set(c.req.raw, close);
  return db;
}

/** The stores of these regions (every store when none are named), as the Directory has them. */
async function storesOf(env: AppBindings["Bindings"], regions: string[] | undefined) {
  const directory = directoryStub(env);
  return regions ? (await Promise.all(regions.map((region) => directory.listStores(region)))).flat() : await directory.listStores();
}

export const reports = newRouter();
reports.use("/v1/reports/*", closeReportingDb);
// What a report throws that is not the API's own error is its database failing.
reports.onError((error, c) => respondWithError(error, c, reportingUnavailable));
reports
  .openapi(report("stock", "Stock levels by region, store and SKU; low-stock, sold-out and oversold filters", StockReportQuery), async (c) => {
    const query = c.req.valid("query");
    const scope = await reportScope(c.env, c.get("principal")!, query);
    const db = reportingDb(c);
    const conditions = scopeConditions(scope, cells.storeId);
    if (query.sku) conditions.push(eq(cells.sku, query.sku));
    if (query.lowStockBelow !== undefined) conditions.push(lt(cells.onHand, query.lowStockBelow));
    if (query.soldOut) conditions.push(eq(cells.soldOut, query.soldOut === "true"));
    if (query.oversold) conditions.push(eq(cells.oversold, query.oversold === "true"));
    const { after, pageOf } = reportPaging(query, "the stock report", 2);
    if (after) conditions.push(sql`(${cells.storeId}, ${cells.sku}) > (${after[0]}, ${after[1]})`);
    const rows = await db.select().from(cells).where(and(...conditions)).orderBy(cells.storeId, cells.sku).limit(query.limit + 1);
    const page = pageOf(rows, (row) => [row.storeId, row.sku]);
    return respondPage(c, query.format, page.items, STOCK_COLUMNS, page.next, "stock");
  })
  .openapi(report("movements", "The ledger: every change, newest first, with filters", MovementsQuery), async (c) => {
    const query = c.req.valid("query");
    const scope = await reportScope(c.env, c.get("principal")!, query);
    const db = reportingDb(c);
    const conditions = scopeConditions(scope, movements.storeId);
    if (query.sku) conditions.push(eq(movements.sku, query.sku));
    if (query.kind) conditions.push(eq(movements.kind, query.kind));
    if (query.reason) conditions.push(eq(movements.reason, query.reason));
    if (query.reference) conditions.push(referenceIs(query.reference, query.storeId !== undefined));
    if (query.from) conditions.push(gte(movements.at, new Date(query.from).toISOString()));
    if (query.to) conditions.push(lte(movements.at, new Date(query.to).toISOString()));
    const { after, pageOf } = reportPaging(query, "the movements report", 2, ([at]) => isTimestamp(at!));
    if (after) conditions.push(MOVEMENTS_NEWEST_FIRST.after(after as [string, string]));
    const rows = await db
      .select()
      .from(movements)
      .where(and(...conditions))
      .orderBy(...MOVEMENTS_NEWEST_FIRST.order)
      .limit(query.limit + 1);
    const page = pageOf(rows, (row) => [row.at, row.eventId]);
    return respondPage(c, query.format, page.items, MOVEMENT_COLUMNS, page.next, "movements");
  })
  .openapi(report("channel-usage", "Channel usage against quotas, per store and channel", ScopedListQuery), async (c) => {
    const query = c.req.valid("query");
    const scope = await reportScope(c.env, c.get("principal")!, query);
    const db = reportingDb(c);
    // A row per store and channel: as many as the chain has stores (times its channels), so paged by (store, channel).
    const { after, pageOf } = reportPaging(query, "the channel usage report", 2);
    const conditions = scopeConditions(scope, cells.storeId);
    if (after) conditions.push(sql`(${cells.storeId}, q.key) > (${after[0]}, ${after[1]})`);
    // Sums over many cells pass 2^31: bigint, which the driver gives as text, made numbers below.
    const rows = await db.execute<{ storeId: string; channel: string; quota: string; free: string; used: string; cells: number }>(sql`
      SELECT ${cells.storeId} AS "storeId", q.key AS channel, SUM(q.value::bigint)::bigint AS quota,
             SUM(COALESCE((${cells.free} ->> q.key)::bigint, 0))::bigint AS free,
             SUM(GREATEST(q.value::bigint - COALESCE((${cells.free} ->> q.key)::bigint, 0), 0))::bigint AS used,
             COUNT(*)::int AS cells
      FROM ${cells}, jsonb_each_text(${cells.quotas}) AS q
      WHERE ${and(sql`true`, ...conditions)}
      GROUP BY ${cells.storeId}, q.key ORDER BY ${cells.storeId}, q.key
      LIMIT ${query.limit + 1}`);
    const page = pageOf(rows.rows, (row) => [row.storeId, row.channel]);
    const items = page.items.map((row) => {
      const [quota, free, used] = [Number(row.quota), Number(row.free), Number(row.used)];
      return { ...row, quota, free, used, utilization: quota > 0 ? Math.round((used / quota) * 1000) / 1000 : null };
    });
    return respondPage(c, query.format, items, ["storeId", "channel", "quota", "used", "free", "utilization", "cells"], page.next, "channel-usage");
  })
  .openapi(report("reservations", "Reservations by status (pending, confirmed, released, expired)", ReservationsReportQuery), async (c) => {
    const query = c.req.valid("query");
    const scope = await reportScope(c.env, c.get("principal")!, query);
    const db = reportingDb(c);
    const conditions = scopeConditions(scope, reservations.storeId);
    // An abandoned attempt never became a reservation (the order was refused, or retried).
    conditions.push(ne(reservations.status, ABANDONED_REASON));
    if (query.status) conditions.push(eq(reservations.status, query.status));
    if (query.from) conditions.push(gte(sql`COALESCE(${reservations.endedAt}, ${reservations.createdAt})`, new Date(query.from).toISOString()));
    if (query.to) conditions.push(lte(sql`COALESCE(${reservations.endedAt}, ${reservations.createdAt})`, new Date(query.to).toISOString()));
    const { after, pageOf } = reportPaging(query, "the reservations report", 3);
    if (after) conditions.push(sql`(${reservations.reservationId}, ${reservations.storeId}, ${reservations.sku}) > (${after[0]}, ${after[1]}, ${after[2]})`);
    const rows = await db
      .select(RESERVATION_FIELDS)
      .from(reservations)
      .where(and(...conditions))
      .orderBy(reservations.reservationId, reservations.storeId, reservations.sku)
      .limit(query.limit + 1);
    const page = pageOf(rows, (row) => [row.reservationId, row.storeId, row.sku]);
    return respondPage(c, query.format, page.items, RESERVATION_COLUMNS, page.next, "reservations");
  })
  .openapi(report("oversells", "Oversells as recorded by the cells, with when they healed, newest first", ScopedListQuery), async (c) => {
    const query = c.req.valid("query");
    const scope = await reportScope(c.env, c.get("principal")!, query);
    const db = reportingDb(c);
    const conditions = scopeConditions(scope, oversells.storeId);
    const { after, pageOf } = reportPaging(query, "the oversells report", 2, ([openedAt]) => isTimestamp(openedAt!));
    if (after) conditions.push(OVERSELLS_NEWEST_FIRST.after(after as [string, string]));
    const rows = await db
      .select()
      .from(oversells)
      .where(and(...conditions))
      .orderBy(...OVERSELLS_NEWEST_FIRST.order)
      .limit(query.limit + 1);
    const page = pageOf(rows, (row) => [row.openedAt, row.id]);
    return respondPage(c, query.format, page.items, ["id", "storeId", "sku", "shortfall", "openedAt", "healedAt", "causes"], page.next, "oversells");
  })
  .openapi(report("queue-lag", "Queue lag: per store, how many SKUs the reports lack changes for, and the age of the oldest", ScopedListQuery), async (c) => {
    const query = c.req.valid("query");
    const scope = await reportScope(c.env, c.get("principal")!, query);
    const db = reportingDb(c);
    // A row per store, paged by store id: a page asks at most `limit` hubs. The stores come
    // from the Directory, not from the reports' own store rows: a store whose rows have not
    // reached Postgres is exactly the one whose lag must show.
    const { after, pageOf } = reportPaging(query, "the queue lag report", 1);
    // Both filters keep a store only when it is in the region, as the other reports' conditions do.
    const inScope =
      scope.storeId && !scope.regions
        ? [scope.storeId]
        : (await storesOf(c.env, scope.regions))
            .map((store) => store.storeId)
            .filter((storeId) => !scope.storeId || storeId === scope.storeId)
            .sort();
    const listed = inScope.filter((storeId) => !after || storeId > after[0]!).slice(0, query.limit + 1);
    const { items: storeIds, next } = pageOf(listed, (storeId) => [storeId]);
    const applied = storeIds.length
      ? await db.select({ storeId: cells.storeId, sku: cells.sku, version: cells.version }).from(cells).where(inArray(cells.storeId, storeIds))
      : [];
    // Cells stamp their changes on the service clock (durable-objects/clock.ts).
    const now = serviceNow();
    const items = await mapConcurrently(storeIds, 16, async (storeId) => {
      const versions: Record<string, number> = {};
      for (const row of applied) if (row.storeId === storeId) versions[row.sku] = row.version;
      const lag = await hubStub(c.env, storeId).lagBehind(versions);
      return { storeId, ...lag, lagSeconds: lag.oldestUnappliedAt ? Math.max(0, Math.round((now - Date.parse(lag.oldestUnappliedAt)) / 1000)) : 0 };
    });
    if (query.format === "csv") return respondPage(c, "csv", items, ["storeId", "laggingSkus", "oldestUnappliedAt", "lagSeconds"], next, "queue-lag");
    const [dead] = await db.select({ count: sql<number>`count(*)::int` }).from(deadLetters);
    return c.json({ items, deadLetters: dead?.count ?? 0, next }, 200);
  })
  .openapi(report("dead-letters", "Queue messages that kept failing (admins)", DeadLettersQuery), async (c) => {
    const query = c.req.valid("query");
    if (c.get("principal")!.role !== "admin") throw new ApiError("forbidden", "dead letters are for admins");
    const db = reportingDb(c);
    const { after, pageOf } = reportPaging(query, "the dead letters", 1);
    const rows = await db
      .select()
      .from(deadLetters)
      .where(after ? sql`${deadLetters.id} > ${after[0]}` : undefined)
      .orderBy(deadLetters.id)
      .limit(query.limit + 1);
    const page = pageOf(rows, (row) => [row.id]);
    return respondPage(c, query.format, page.items, ["id", "queue", "attempts", "receivedAt", "body"], page.next, "dead-letters");
  })
  .openapi(report("reconciliation", "Reconciliation runs, newest first, with their differences", ReconciliationRunsQuery), async (c) => {
    const query = c.req.valid("query");
    if (c.get("principal")!.role !== "admin") throw new ApiError("forbidden", "reconciliation runs are for admins");
    if (query.storeId) await requireStore(c.env, query.storeId);
    const db = reportingDb(c);
    const conditions: SQL[] = [];
    if (query.storeId) conditions.push(eq(reconciliationRuns.storeId, query.storeId));
    const { after, pageOf } = reportPaging(query, "the reconciliation runs", 2, ([startedAt]) => isTimestamp(startedAt!));
    if (after) conditions.push(RUNS_NEWEST_FIRST.after(after as [string, string]));
    const rows = await db
      .select()
      .from(reconciliationRuns)
      .where(and(...conditions))
      .orderBy(...RUNS_NEWEST_FIRST.order)
      .limit(query.limit + 1);
    const { items: runs, next } = pageOf(rows, (run) => [run.startedAt, run.id]);
    const differences = runs.length
      ? await db.select().from(reconciliationDifferences).where(inArray(reconciliationDifferences.runId, runs.map((run) => run.id)))
      : [];
    const items = runs.map((run) => ({ ...run, details: differences.filter((difference) => difference.runId === run.id) }));
    return respondPage(c, query.format, items, ["id", "trigger", "storeId", "startedAt", "finishedAt", "cellsChecked", "differences", "clean"], next, "reconciliation");
  });
