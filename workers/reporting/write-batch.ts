import { sql } from "drizzle-orm";
import type { StoreRecord } from "../../durable-objects/directory";
import type { CellEvent } from "../../durable-objects/storage/cell-tables";
import { cells, movements, oversells, reservations, stores } from "../../schema/db/tables";
import type { ReportingDb } from "./db";
import { cellRows, movementRows, oversellRows, reservationRows, storeRows } from "./rows";

/**
 * Rows per statement. Postgres binds at most 65,535 parameters per statement (a 16-bit
 * count), and a queue batch can carry 100 messages of 100 events: 10,000 movements of ~20
 * columns would overflow it. 1,000 rows of up to 65 columns stay under the limit.
 */
const ROWS_PER_STATEMENT = 1_000;

/** Runs `write` over slices of `rows` small enough for one statement each. */
async function inChunks<T>(rows: T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) await write(rows.slice(start, start + ROWS_PER_STATEMENT));
}

/**
 * Writes a batch with one statement per table (one per slice when it is too large to bind
 * in one), each idempotent: movements by event id,
 * the snapshot only from a newer version, reservations and oversells by monotone merges.
 * Returns how many movements were new.
 */
export async function writeBatch(db: ReportingDb, events: CellEvent[], storeRecords: StoreRecord[]): Promise<number> {
  let inserted = 0;
  const storeList = storeRows(storeRecords);
  if (storeList.length > 0) {
    await db
      .insert(stores)
      .values(storeList)
      .onConflictDoUpdate({
        target: stores.storeId,
        set: { name: sql`excluded.name`, region: sql`excluded.region`, timezone: sql`excluded.timezone`, priority: sql`excluded.priority`, updatedAt: sql`excluded.updated_at` },
        setWhere: sql`${stores.updatedAt} < excluded.updated_at`,
      });
  }
  if (events.length === 0) return 0;

  await inChunks(movementRows(events), async (chunk) => {
    const moved = await db.insert(movements).values(chunk).onConflictDoNothing().returning({ eventId: movements.eventId });
    inserted += moved.length;
  });

  await inChunks(cellRows(events), (chunk) =>
    db
    .insert(cells)
    .values(chunk)
    .onConflictDoUpdate({
      target: [cells.storeId, cells.sku],
      set: {
        version: sql`excluded.version`,
        onHand: sql`excluded.on_hand`,
        reserved: sql`excluded.reserved`,
        soldOut: sql`excluded.sold_out`,
        oversold: sql`excluded.oversold`,
        shared: sql`excluded.shared`,
        free: sql`excluded.free`,
        quotas: sql`excluded.quotas`,
        inTransit: sql`excluded.in_transit`,
        incoming: sql`excluded.incoming`,
        updatedAt: sql`excluded.updated_at`,
      },
      // An old event arriving late never overwrites a newer level.
      setWhere: sql`${cells.version} < excluded.version`,
    }),
  );

  const reservationList = reservationRows(events);
  await inChunks(reservationList, (chunk) =>
    db
      .insert(reservations)
      .values(chunk)
      .onConflictDoUpdate({
        target: [reservations.reservationId, reservations.storeId, reservations.sku],
        set: {
          status: sql`CASE WHEN ${reservations.status} = 'pending' THEN excluded.status ELSE ${reservations.status} END`,
          channel: sql`COALESCE(${reservations.channel}, excluded.channel)`,
          createdAt: sql`COALESCE(${reservations.createdAt}, excluded.created_at)`,
          expiresAt: sql`COALESCE(${reservations.expiresAt}, excluded.expires_at)`,
          endedAt: sql`COALESCE(${reservations.endedAt}, excluded.ended_at)`,
        },
      }),
  );

  const oversellList = oversellRows(events);
  await inChunks(oversellList, (chunk) =>
    db
      .insert(oversells)
      .values(chunk)
      .onConflictDoUpdate({
        target: oversells.id,
        set: {
          shortfall: sql`GREATEST(${oversells.shortfall}, excluded.shortfall)`,
          openedAt: sql`LEAST(${oversells.openedAt}, excluded.opened_at)`,
          healedAt: sql`COALESCE(excluded.healed_at, ${oversells.healedAt})`,
          causes: sql`(SELECT COALESCE(jsonb_agg(DISTINCT c), '[]'::jsonb) FROM jsonb_array_elements(${oversells.causes} || excluded.causes) AS c)`,
        },
      }),
  );
  return inserted;
}
