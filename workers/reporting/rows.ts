import type { StoreRecord } from "../../durable-objects/directory";
import type { CellEvent } from "../../durable-objects/storage/cell-tables";
import type { cells, movements, oversells, reservations, stores } from "../../schema/db/tables";
import { storable } from "../../schema/text";
import { ABANDONED_REASON } from "../../durable-objects/core/types";

/**
 * Turns a batch of cell events into rows, one list per table, merged within the batch so
 * that each row appears once (Postgres refuses to update a row twice in one statement).
 * Every merge is monotone (highest version, latest attempt then terminal status, largest
 * shortfall, union of causes), so redelivered or reordered events give the same rows.
 */

const TERMINAL: Record<string, string> = { confirm: "confirmed", release: "released", expire: "expired" };

export function movementRows(events: CellEvent[]): Array<typeof movements.$inferInsert> {
  const byId = new Map<string, typeof movements.$inferInsert>();
  for (const event of events) {
    byId.set(event.eventId, {
      eventId: event.eventId,
      storeId: event.storeId,
      sku: event.sku,
      seq: event.seq,
      kind: event.kind,
      at: event.at,
      effectiveAt: event.effectiveAt ?? event.at,
      qty: event.qty ?? null,
      delta: event.delta ?? null,
      channel: event.channel ?? null,
      reason: event.reason ?? null,
      reservationId: event.reservationId ?? null,
      reference: event.reference ?? null,
      sourceEventId: event.sourceEventId ?? null,
      onHandBefore: event.onHandBefore,
      onHandAfter: event.onHandAfter,
      reservedBefore: event.reservedBefore,
      reservedAfter: event.reservedAfter,
    });
  }
  return [...byId.values()];
}

export function cellRows(events: CellEvent[]): Array<typeof cells.$inferInsert> {
  const latest = new Map<string, CellEvent>();
  for (const event of events) {
    const key = `${event.storeId}\u0000${event.sku}`;
    const known = latest.get(key);
    if (!known || known.seq < event.seq) latest.set(key, event);
  }
  return [...latest.values()].map((event) => ({
    storeId: event.storeId,
    sku: event.sku,
    version: event.seq,
    onHand: event.after.onHand,
    reserved: event.after.reserved,
    soldOut: event.after.soldOut,
    oversold: event.after.onHand < event.after.reserved,
    shared: event.after.shared,
    free: event.after.free,
    quotas: event.after.quotas ?? {},
    inTransit: event.after.inTransit ?? 0,
    incoming: event.after.incoming ?? 0,
    updatedAt: event.at,
  }));
}

/**
 * A reservation's row in a cell follows its latest attempt (a higher attempt replaces the
 * row); within an attempt the status only moves from pending to a final one. An attempt
 * given back because it never became a reservation ends `abandoned`, which the report leaves out.
 */
export function reservationRows(events: CellEvent[]): Array<typeof reservations.$inferInsert> {
  const rows = new Map<string, typeof reservations.$inferInsert & { attempt: number }>();
  for (const event of events) {
    if (!event.reservationId || !["hold", "confirm", "release", "expire"].includes(event.kind)) continue;
    const key = `${event.reservationId}\u0000${event.storeId}\u0000${event.sku}`;
    const attempt = event.attempt ?? 0;
    const seen = rows.get(key);
    if (seen && seen.attempt > attempt) continue;
    const row =
      seen && seen.attempt === attempt
        ? seen
        : {
            reservationId: event.reservationId,
            storeId: event.storeId,
            sku: event.sku,
            attempt,
            qty: event.qty ?? 0,
            status: "pending",
            channel: null,
            createdAt: null,
            expiresAt: null,
            endedAt: null,
          };
    if (event.kind === "hold") {
      row.channel = event.channel ?? null;
      row.createdAt = event.at;
      row.expiresAt = event.expiresAt ?? null;
    } else if (row.status === "pending") {
      row.status = event.reason === ABANDONED_REASON ? ABANDONED_REASON : TERMINAL[event.kind]!;
      row.endedAt = event.at;
    }
    rows.set(key, row);
  }
  return [...rows.values()];
}

export function oversellRows(events: CellEvent[]): Array<typeof oversells.$inferInsert> {
  const rows = new Map<string, typeof oversells.$inferInsert>();
  for (const event of events) {
    if (!event.oversell) continue;
    const row = rows.get(event.oversell.id) ?? {
      id: event.oversell.id,
      storeId: event.storeId,
      sku: event.sku,
      shortfall: 0,
      openedAt: event.at,
      healedAt: null,
      causes: [],
    };
    if (event.oversell.transition === "healed") row.healedAt = event.at;
    else {
      row.shortfall = Math.max(row.shortfall!, event.oversell.shortfall);
      row.causes = [...new Set([...(row.causes ?? []), event.eventId])];
      if (event.at < row.openedAt!) row.openedAt = event.at;
    }
    rows.set(event.oversell.id, row);
  }
  return [...rows.values()];
}

/** The latest record of each store; a name stored before the API refused unstorable text is written with U+FFFD in its place. */
export function storeRows(records: StoreRecord[]): Array<typeof stores.$inferInsert> {
  const latest = new Map<string, StoreRecord>();
  for (const record of records) {
    const known = latest.get(record.storeId);
    if (!known || known.updatedAt < record.updatedAt) latest.set(record.storeId, record);
  }
  return [...latest.values()].map((record) => ({ ...record, name: storable(record.name) }));
}
