import { getTableColumns, sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { StoreRecord } from "../../durable-objects/directory";
import type { CellEvent } from "../../durable-objects/storage/cell-tables";
import { cells, movements, oversells, reservations, stores } from "../../schema/db/tables";
import { REPORTING_CONNECTIONS, type ReportingDb } from "./db";
import { cellRows, movementRows, oversellRows, reservationRows, storeRows } from "./rows";

/**
 * `INSERT … SELECT … FROM json_populate_recordset`: the rows travel as one JSON parameter.
 * Binding every value (rows × columns, each typed by the query builder) cost the consumer
 * more CPU than anything else it does, and a large batch would overflow Postgres' 65,535
 * bind parameters; one JSON document has neither problem. Columns are the ones the rows
 * carry (defaults such as `applied_at` stay the database's). `json`, not `jsonb`: the document
 * is read once, so converting it to `jsonb` first only cost Postgres time (10,000
 * movements: 176–194 ms as `jsonb`, 149–160 ms as `json`, measured here directly with node-postgres).
 */
async function insertRows<T extends PgTable>(db: ReportingDb, table: T, rows: Array<T["$inferInsert"]>, onConflict: SQL): Promise<void> {
  if (rows.length === 0) return;
  const columns = getTableColumns(table) as Record<string, { name: string }>;
  // The table's columns that the rows carry (a row may hold more, e.g. a store's `covers`);
  // rows.ts builds every row of a table whole, so the first row names them all.
  const keys = Object.keys(columns).filter((key) => key in rows[0]!);
  const names = keys.map((key) => columns[key]!.name);
  const documents = rows.map((row) => {
    const document: Record<string, unknown> = {};
    keys.forEach((key, index) => (document[names[index]!] = (row as Record<string, unknown>)[key]));
    return document;
  });
  const list = sql.join(names.map((name) => sql.identifier(name)), sql`, `);
  await db.execute(
    sql`INSERT INTO ${table} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${table}, ${JSON.stringify(documents)}::json) ${onConflict}`,
  );
}

/** Below this many movements a batch uses one connection: a second pays off only for a large insert. */
const SPLIT_MOVEMENTS_FROM = 2_000;

/**
 * Movements are nearly all of a large batch's rows (10,000 in a full one): they go as one
 * statement per connection, side by side, so Postgres inserts them on as many backends.
 * Each row is written once whichever statement carries it (`ON CONFLICT DO NOTHING` on the event id).
 */
async function insertMovements(db: ReportingDb, events: CellEvent[]): Promise<void> {
  const rows = movementRows(events);
  const parts = rows.length < SPLIT_MOVEMENTS_FROM ? 1 : REPORTING_CONNECTIONS;
  const size = Math.ceil(rows.length / parts);
  await Promise.all(Array.from({ length: parts }, (_, i) => insertRows(db, movements, rows.slice(i * size, (i + 1) * size), sql`ON CONFLICT DO NOTHING`)));
}

/** A reservation row's column: the later attempt's value, else the one it has (or the first known). */
const newerOrKept = (column: string) =>
  `${column} = CASE WHEN excluded.attempt > reservations.attempt THEN excluded.${column} ELSE COALESCE(reservations.${column}, excluded.${column}) END`;

/**
 * Writes a batch with one statement per table (movements: one per connection), each
 * idempotent: movements by event id, the snapshot only from a newer version, reservations
 * and oversells by monotone merges. The snapshot (`cells`) goes last, so a cell's level in the
 * table means every row of the batch that brought it is in too: queue lag, which compares the
 * levels with the hubs', and the cron's screen, which reads only cells whose level differs,
 * then never call a cell caught up while its movements are missing. A batch that fails
 * halfway (one of its connections dropped) leaves at worst a snapshot behind its ledger
 * until the retry: lagging, and repairable (a probe, session 45: movements went last, and a
 * batch refused after its snapshot showed no lag while the ledger had a gap).
 */
export async function writeBatch(db: ReportingDb, events: CellEvent[], storeRecords: StoreRecord[]): Promise<void> {
  await insertRows(
    db,
    stores,
    storeRows(storeRecords),
    sql`ON CONFLICT (store_id) DO UPDATE SET name = excluded.name, region = excluded.region, timezone = excluded.timezone,
        priority = excluded.priority, updated_at = excluded.updated_at
        WHERE stores.updated_at < excluded.updated_at`,
  );
  if (events.length === 0) return;

  await insertRows(
    db,
    reservations,
    reservationRows(events),
    // A later attempt replaces the row; the same attempt merges forwards; an earlier one is old news.
    sql`ON CONFLICT (reservation_id, store_id, sku) DO UPDATE SET
        attempt = excluded.attempt,
        status = CASE WHEN excluded.attempt > reservations.attempt OR reservations.status = 'pending' THEN excluded.status ELSE reservations.status END,
        ${sql.raw(["qty", "channel", "created_at", "expires_at", "ended_at"].map(newerOrKept).join(", "))}
        WHERE excluded.attempt >= reservations.attempt`,
  );

  await insertRows(
    db,
    oversells,
    oversellRows(events),
    sql`ON CONFLICT (id) DO UPDATE SET
        shortfall = GREATEST(oversells.shortfall, excluded.shortfall),
        opened_at = LEAST(oversells.opened_at, excluded.opened_at),
        healed_at = COALESCE(excluded.healed_at, oversells.healed_at),
        causes = (SELECT COALESCE(jsonb_agg(DISTINCT c), '[]'::jsonb) FROM jsonb_array_elements(oversells.causes || excluded.causes) AS c)`,
  );

  await insertMovements(db, events);

  await insertRows(
    db,
    cells,
    cellRows(events),
    // An old event arriving late never overwrites a newer level.
    sql`ON CONFLICT (store_id, sku) DO UPDATE SET version = excluded.version, on_hand = excluded.on_hand, reserved = excluded.reserved,
        sold_out = excluded.sold_out, oversold = excluded.oversold, shared = excluded.shared, free = excluded.free,
        quotas = excluded.quotas, in_transit = excluded.in_transit, incoming = excluded.incoming, updated_at = excluded.updated_at
        WHERE cells.version < excluded.version`,
  );
}
