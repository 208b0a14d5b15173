import type { Alert, CellChange, CellOp, CellState, Hold, KnownEvent } from "../core";
import { migrate } from "./migrate";

/**
 * The stock cell's SQLite tables. The state is one JSON row (small, rewritten once per
 * commit batch); holds, ledger, outbox and oversells are rows of their own.
 */
export function migrateCellTables(sql: SqlStorage): void {
  migrate(sql, [
    `
    CREATE TABLE IF NOT EXISTS cell (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS holds (
      hold_id TEXT PRIMARY KEY, reservation_id TEXT NOT NULL, channel TEXT NOT NULL, qty INTEGER NOT NULL,
      from_channel INTEGER NOT NULL, from_shared INTEGER NOT NULL, status TEXT NOT NULL,
      expires_at TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS holds_by_status ON holds (status);
    CREATE TABLE IF NOT EXISTS ledger (
      seq INTEGER PRIMARY KEY, at TEXT NOT NULL, effective_at TEXT NOT NULL, kind TEXT NOT NULL,
      qty INTEGER, delta INTEGER, channel TEXT, reservation_id TEXT, event_id TEXT, reason TEXT,
      on_hand_before INTEGER NOT NULL, on_hand_after INTEGER NOT NULL,
      reserved_before INTEGER NOT NULL, reserved_after INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS ledger_by_effective_at ON ledger (effective_at);
    CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, event TEXT NOT NULL, sent_at TEXT);
    CREATE TABLE IF NOT EXISTS oversells (
      id TEXT PRIMARY KEY, status TEXT NOT NULL, shortfall INTEGER NOT NULL, causes TEXT NOT NULL,
      opened_at TEXT NOT NULL, healed_at TEXT, resolved_at TEXT, note TEXT,
      rev INTEGER NOT NULL DEFAULT 1, delivered_rev INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE IF NOT EXISTS store_events (event_id TEXT PRIMARY KEY, at TEXT NOT NULL, outcome TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS delivery (destination TEXT PRIMARY KEY, seq INTEGER NOT NULL);
  `,
    // Returns, imports and transfers: what this cell did under each operation id.
    "CREATE TABLE IF NOT EXISTS ops (op_id TEXT PRIMARY KEY, op TEXT NOT NULL)",
    "ALTER TABLE ledger ADD COLUMN reference TEXT",
  ]);
}

/** Whether this object ever wrote (a read-only query: asking stores nothing). */
export function hasCellTables(sql: SqlStorage): boolean {
  return sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cell'").toArray().length > 0;
}

export function loadCellState(sql: SqlStorage): CellState | undefined {
  const row = sql.exec<{ state: string }>("SELECT state FROM cell WHERE id = 1").toArray()[0];
  return row ? (JSON.parse(row.state) as CellState) : undefined;
}

export function saveCellState(sql: SqlStorage, state: CellState): void {
  sql.exec("INSERT INTO cell (id, state) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state", JSON.stringify(state));
}

interface HoldRow extends Record<string, SqlStorageValue> {
  hold_id: string;
  reservation_id: string;
  channel: string;
  qty: number;
  from_channel: number;
  from_shared: number;
  status: string;
  expires_at: string;
  created_at: string;
  updated_at: string;
}

function holdOf(row: HoldRow): Hold {
  return {
    holdId: row.hold_id,
    reservationId: row.reservation_id,
    channel: row.channel,
    qty: row.qty,
    fromChannel: row.from_channel,
    fromShared: row.from_shared,
    status: row.status as Hold["status"],
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function findHold(sql: SqlStorage, holdId: string): Hold | undefined {
  const row = sql.exec<HoldRow>("SELECT * FROM holds WHERE hold_id = ?", holdId).toArray()[0];
  return row ? holdOf(row) : undefined;
}

export function heldHolds(sql: SqlStorage): Hold[] {
  return sql.exec<HoldRow>("SELECT * FROM holds WHERE status = 'held'").toArray().map(holdOf);
}

export function saveHold(sql: SqlStorage, hold: Hold): void {
  sql.exec(
    `INSERT INTO holds (hold_id, reservation_id, channel, qty, from_channel, from_shared, status, expires_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (hold_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at`,
    hold.holdId, hold.reservationId, hold.channel, hold.qty, hold.fromChannel, hold.fromShared,
    hold.status, hold.expiresAt, hold.createdAt, hold.updatedAt,
  );
}

/** The event a change becomes: the ledger's row and the outbox's message, with the state after it. */
export interface CellEvent extends CellChange {
  eventId: string;
  storeId: string;
  sku: string;
  seq: number;
  after: {
    onHand: number;
    reserved: number;
    soldOut: boolean;
    shared: number;
    free: Record<string, number>;
    quotas: Record<string, number>;
    inTransit?: number;
    incoming?: number;
  };
  /** Set when this change opened, worsened or healed an oversell. */
  oversell?: { id: string; transition: "opened" | "worsened" | "healed"; shortfall: number };
  /** A hold's expiry, for the reporting side's reservations. */
  expiresAt?: string;
  /**
   * The reservation attempt a hold's change belongs to (`attemptOfHold`), for the reporting
   * side's reservations: an id whose attempt was refused or cut off is tried again under the
   * next attempt, and the report follows the latest.
   */
  attempt?: number;
  /** Threshold events this change caused (low stock, sold out, back in stock, oversold). */
  alerts?: Alert[];
}

/** Outbox rows every destination has taken and older than this are deleted (the ledger keeps them). */
export const OUTBOX_RETENTION_MS = 24 * 3_600_000;

/**
 * Deletes delivered outbox rows older than `olderThan`. Runs after every delivery round, so
 * the usual case (the oldest row still young) costs one lookup, not a scan of the ledger.
 * Rows are kept at least that long: one that is old behind a younger one waits for it.
 */
export function pruneOutbox(sql: SqlStorage, deliveredEverywhere: number, olderThan: string): void {
  const oldest = sql
    .exec<{ seq: number; at: string }>("SELECT outbox.seq AS seq, ledger.at AS at FROM outbox JOIN ledger ON ledger.seq = outbox.seq ORDER BY outbox.seq LIMIT 1")
    .toArray()[0];
  if (!oldest || oldest.seq > deliveredEverywhere || oldest.at >= olderThan) return;
  sql.exec(
    "DELETE FROM outbox WHERE seq IN (SELECT seq FROM ledger WHERE seq BETWEEN ? AND ? AND at < ?)",
    oldest.seq, deliveredEverywhere, olderThan,
  );
}

export function appendChange(sql: SqlStorage, event: CellEvent): void {
  sql.exec(
    `INSERT INTO ledger (seq, at, effective_at, kind, qty, delta, channel, reservation_id, event_id, reason,
       on_hand_before, on_hand_after, reserved_before, reserved_after, reference)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    event.seq, event.at, event.effectiveAt ?? event.at, event.kind, event.qty ?? null, event.delta ?? null, event.channel ?? null,
    event.reservationId ?? null, event.sourceEventId ?? null, event.reason ?? null,
    event.onHandBefore, event.onHandAfter, event.reservedBefore, event.reservedAfter, event.reference ?? null,
  );
  sql.exec("INSERT INTO outbox (seq, event) VALUES (?, ?)", event.seq, JSON.stringify(event));
}

/** Relative changes (confirmations, sales, adjustments, returns, transfers) are what a stocktake is compensated with. */
export function relativeDeltaAfter(sql: SqlStorage, at: string): number {
  return sql
    .exec<{ total: number }>(
      "SELECT COALESCE(SUM(on_hand_after - on_hand_before), 0) AS total FROM ledger WHERE kind IN ('adjust', 'confirm', 'return', 'transfer_out', 'transfer_in', 'transfer_cancel') AND effective_at > ?",
      at,
    )
    .one().total;
}

/** The outcome a store event id given to another SKU is remembered with (see giveAwayStoreEvent). */
const GIVEN_AWAY = "given_away";

export function knownStoreEvent(sql: SqlStorage, eventId: string): KnownEvent | undefined {
  const row = sql.exec<{ outcome: string }>("SELECT outcome FROM store_events WHERE event_id = ?", eventId).toArray()[0];
  return row ? (row.outcome === GIVEN_AWAY ? "given_away" : "judged") : undefined;
}

/** This cell will not apply the id: another SKU of the store has it (workers/store-events.ts). */
export function giveAwayStoreEvent(sql: SqlStorage, eventId: string, at: string): void {
  sql.exec("INSERT OR IGNORE INTO store_events (event_id, at, outcome) VALUES (?, ?, ?)", eventId, at, GIVEN_AWAY);
}

export function rememberStoreEvent(sql: SqlStorage, eventId: string, at: string, outcome: string): void {
  sql.exec("INSERT OR IGNORE INTO store_events (event_id, at, outcome) VALUES (?, ?, ?)", eventId, at, outcome);
}

export function deliveredUpTo(sql: SqlStorage, destination: string): number {
  return sql.exec<{ seq: number }>("SELECT seq FROM delivery WHERE destination = ?", destination).toArray()[0]?.seq ?? 0;
}

export function saveDeliveryCursor(sql: SqlStorage, destination: string, seq: number): void {
  sql.exec("INSERT INTO delivery (destination, seq) VALUES (?, ?) ON CONFLICT (destination) DO UPDATE SET seq = excluded.seq", destination, seq);
}

export function firstOutboxSeq(sql: SqlStorage): number | null {
  return sql.exec<{ seq: number | null }>("SELECT MIN(seq) AS seq FROM outbox").one().seq;
}

/** How a stored change with threshold events starts them: `JSON.stringify` writes the key only when there are some (cell-events.ts). */
const ALERTS_KEY = '"alerts":';

/**
 * A page of outbox rows as stored: each change's JSON text, which the hub (its feed and the
 * reports it sends on) takes as it is, so a change is parsed, copied and encoded again
 * nowhere between the cell and the hub or the consumer. The cell parses only the rows that
 * carry threshold events, for its webhooks.
 */
export class OutboxPage {
  constructor(
    readonly lines: readonly string[],
    /** The last row's version, if the page has rows. */
    readonly lastSeq: number | undefined,
  ) {}

  get length(): number {
    return this.lines.length;
  }

  /** The threshold events of the page's changes, in order. */
  alerts(): Alert[] {
    return this.lines.filter((line) => line.includes(ALERTS_KEY)).flatMap((line) => (JSON.parse(line) as CellEvent).alerts ?? []);
  }
}

/** No rows: what a destination that is not bound (no reporting queue) is sent. */
export const EMPTY_OUTBOX_PAGE = new OutboxPage([], undefined);

export function outboxPageAfter(sql: SqlStorage, seq: number, limit: number): OutboxPage {
  const rows = sql.exec<{ seq: number; event: string }>("SELECT seq, event FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?", seq, limit).toArray();
  return new OutboxPage(
    rows.map((row) => row.event),
    rows.at(-1)?.seq,
  );
}

/** A reader of outbox pages (`outboxPageAfter`) that reads each cursor's page once. */
export type OutboxPages = (after: number) => OutboxPage;

/** For one delivery round: the destinations that stand at the same cursor (nearly always) share one read. */
export function outboxPages(sql: SqlStorage, limit: number): OutboxPages {
  const pages = new Map<number, OutboxPage>();
  return (after) => {
    let page = pages.get(after);
    if (!page) pages.set(after, (page = outboxPageAfter(sql, after, limit)));
    return page;
  };
}

export function lastOutboxSeq(sql: SqlStorage): number {
  return sql.exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM outbox").one().seq ?? 0;
}

export function findOp(sql: SqlStorage, opId: string): CellOp | undefined {
  const row = sql.exec<{ op: string }>("SELECT op FROM ops WHERE op_id = ?", opId).toArray()[0];
  return row ? (JSON.parse(row.op) as CellOp) : undefined;
}

export function saveOp(sql: SqlStorage, op: CellOp): void {
  sql.exec("INSERT INTO ops (op_id, op) VALUES (?, ?) ON CONFLICT (op_id) DO UPDATE SET op = excluded.op", op.opId, JSON.stringify(op));
}
