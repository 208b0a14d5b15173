import type { OversellTransition } from "../core";
import type { CellEvent } from "./cell-tables";

export interface OversellCause {
  seq: number;
  kind: string;
  at: string;
  /** What the change was, in the ledger's words: a till sale is an `adjust` with reason `sale`. */
  reason?: string;
  qty?: number;
  delta?: number;
  reservationId?: string;
  sourceEventId?: string;
}

function causeOf(event: CellEvent): OversellCause {
  return {
    seq: event.seq,
    kind: event.kind,
    at: event.at,
    ...(event.reason ? { reason: event.reason } : {}),
    ...(event.qty !== undefined ? { qty: event.qty } : {}),
    ...(event.delta !== undefined ? { delta: event.delta } : {}),
    ...(event.reservationId ? { reservationId: event.reservationId } : {}),
    ...(event.sourceEventId ? { sourceEventId: event.sourceEventId } : {}),
  };
}

/**
 * Oversell records live in the cell's own storage, written in the same transaction
 * as the change that caused them, so a restart can never lose one. A record stays
 * open (for a person to resolve) after the cell heals; `healed_at` says when it did.
 */
export function recordOversell(sql: SqlStorage, transition: OversellTransition, event: CellEvent): string | undefined {
  const shortfall = Math.max(0, event.reservedAfter - event.onHandAfter);
  if (transition === "opened") {
    const id = `${event.storeId}:${event.sku}:${event.seq}`;
    sql.exec(
      "INSERT INTO oversells (id, status, shortfall, causes, opened_at) VALUES (?, 'open', ?, ?, ?)",
      id, shortfall, JSON.stringify([causeOf(event)]), event.at,
    );
    return id;
  }
  const current = sql
    .exec<{ id: string; causes: string; shortfall: number }>(
      "SELECT id, causes, shortfall FROM oversells WHERE healed_at IS NULL ORDER BY opened_at DESC LIMIT 1",
    )
    .toArray()[0];
  if (!current) return undefined;
  if (transition === "healed") {
    sql.exec("UPDATE oversells SET healed_at = ?, rev = rev + 1 WHERE id = ?", event.at, current.id);
  } else {
    const causes = [...(JSON.parse(current.causes) as OversellCause[]), causeOf(event)];
    sql.exec(
      "UPDATE oversells SET shortfall = ?, causes = ?, rev = rev + 1 WHERE id = ?",
      Math.max(shortfall, current.shortfall), JSON.stringify(causes), current.id,
    );
  }
  return current.id;
}

/** An oversell as the cell hands it to the chain-wide index. */
export interface OversellRecord {
  id: string;
  storeId: string;
  sku: string;
  shortfall: number;
  causes: OversellCause[];
  openedAt: string;
  healedAt: string | null;
  rev: number;
}

export function undeliveredOversells(sql: SqlStorage, storeId: string, sku: string): OversellRecord[] {
  return sql
    .exec<{ id: string; shortfall: number; causes: string; opened_at: string; healed_at: string | null; rev: number }>(
      "SELECT id, shortfall, causes, opened_at, healed_at, rev FROM oversells WHERE delivered_rev < rev",
    )
    .toArray()
    .map((row) => ({
      id: row.id,
      storeId,
      sku,
      shortfall: row.shortfall,
      causes: JSON.parse(row.causes) as OversellCause[],
      openedAt: row.opened_at,
      healedAt: row.healed_at,
      rev: row.rev,
    }));
}

export function markOversellDelivered(sql: SqlStorage, id: string, rev: number): void {
  sql.exec("UPDATE oversells SET delivered_rev = MAX(delivered_rev, ?) WHERE id = ?", rev, id);
}
