import { DurableObject } from "cloudflare:workers";
import type { Env } from "../workers/env";
import type { CellView } from "./stock-cell";
import type { CellEvent } from "./storage/cell-tables";
import { migrate } from "./storage/migrate";

/** How many changes a store's feed keeps by default; a cursor older than that answers 410. */
export const FEED_RETENTION = 20_000;

/** One entry of a store's changes feed: what changed, and the SKU's levels right after. */
export interface FeedChange {
  cursor: number;
  sku: string;
  /** The SKU's version after this change: a client ignores changes at or below the version it holds. */
  version: number;
  kind: string;
  at: string;
  effectiveAt?: string;
  qty?: number;
  delta?: number;
  channel?: string;
  reason?: string;
  reservationId?: string;
  sourceEventId?: string;
  onHand: number;
  reserved: number;
  soldOut: boolean;
}

export type ChangesPage =
  | { ok: true; changes: FeedChange[]; nextCursor: number; hasMore: boolean }
  | { ok: false; oldestCursor: number; latestCursor: number };

export interface StoreStock {
  storeId: string;
  /** Feed position the levels are at (or past): continue with `changes?after=` from here. */
  cursor: number;
  items: CellView[];
}

function feedChangeOf(event: CellEvent): Omit<FeedChange, "cursor"> {
  return {
    sku: event.sku,
    version: event.seq,
    kind: event.kind,
    at: event.at,
    ...(event.effectiveAt ? { effectiveAt: event.effectiveAt } : {}),
    ...(event.qty !== undefined ? { qty: event.qty } : {}),
    ...(event.delta !== undefined ? { delta: event.delta } : {}),
    ...(event.channel ? { channel: event.channel } : {}),
    ...(event.reason ? { reason: event.reason } : {}),
    ...(event.reservationId ? { reservationId: event.reservationId } : {}),
    ...(event.sourceEventId ? { sourceEventId: event.sourceEventId } : {}),
    onHand: event.after.onHand,
    reserved: event.after.reserved,
    soldOut: event.after.soldOut,
  };
}

/**
 * A store's read model, fed by its cells' outboxes: the latest level of every SKU (one
 * call for the whole store), a changes feed with cursors, and live WebSocket push with
 * hibernation. The cells stay the only authority; this view follows them within moments.
 */
export class StoreHub extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly retention: number;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.retention = Number(env.FEED_RETENTION ?? FEED_RETENTION) || FEED_RETENTION;
    migrate(this.sql, [
      `
      CREATE TABLE IF NOT EXISTS levels (sku TEXT PRIMARY KEY, version INTEGER NOT NULL, cell TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS feed_position (sku TEXT PRIMARY KEY, version INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS changes (cursor INTEGER PRIMARY KEY AUTOINCREMENT, sku TEXT NOT NULL, version INTEGER NOT NULL, at TEXT NOT NULL, change TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS changes_by_sku_version ON changes (sku, version);
    `,
    ]);
    // Pings are answered without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  /** Takes a cell's changes (at least once, in order per cell) and the cell's latest view. */
  receive(events: CellEvent[], cell: CellView): number {
    const fresh: FeedChange[] = [];
    this.ctx.storage.transactionSync(() => {
      // A cell sends its own SKU's changes: each SKU's position is read and written once per call.
      const positions = new Map<string, number>();
      for (const sku of new Set(events.map((event) => event.sku))) {
        positions.set(sku, this.sql.exec<{ version: number }>("SELECT version FROM feed_position WHERE sku = ?", sku).toArray()[0]?.version ?? 0);
      }
      for (const event of events) {
        if (event.seq <= positions.get(event.sku)!) continue;
        const body = feedChangeOf(event);
        const stored = this.sql
          .exec<{ cursor: number }>("INSERT INTO changes (sku, version, at, change) VALUES (?, ?, ?, ?) RETURNING cursor", body.sku, body.version, body.at, JSON.stringify(body))
          .one();
        fresh.push({ cursor: stored.cursor, ...body });
        positions.set(event.sku, event.seq);
      }
      for (const sku of new Set(fresh.map((change) => change.sku))) {
        this.sql.exec("INSERT INTO feed_position (sku, version) VALUES (?, ?) ON CONFLICT (sku) DO UPDATE SET version = excluded.version", sku, positions.get(sku)!);
      }
      this.sql.exec(
        `INSERT INTO levels (sku, version, cell) VALUES (?, ?, ?)
         ON CONFLICT (sku) DO UPDATE SET version = excluded.version, cell = excluded.cell WHERE excluded.version > levels.version`,
        cell.sku, cell.version, JSON.stringify(cell),
      );
      if (fresh.length > 0) this.sql.exec("DELETE FROM changes WHERE cursor <= ?", fresh.at(-1)!.cursor - this.retention);
    });
    if (fresh.length > 0) this.broadcast(fresh);
    return fresh.length;
  }

  stock(storeId: string): StoreStock {
    const items = this.sql.exec<{ cell: string }>("SELECT cell FROM levels ORDER BY sku").toArray().map((row) => JSON.parse(row.cell) as CellView);
    return { storeId, cursor: this.latestCursor(), items };
  }

  changesAfter(after: number, limit: number): ChangesPage {
    const oldest = this.sql.exec<{ cursor: number | null }>("SELECT MIN(cursor) AS cursor FROM changes").one().cursor;
    const latest = this.latestCursor();
    // Changes after `after` were pruned: the client must start again from the whole stock.
    if (oldest !== null && after < oldest - 1) return { ok: false, oldestCursor: oldest, latestCursor: latest };
    if (after > latest) return { ok: true, changes: [], nextCursor: after, hasMore: false };
    const rows = this.sql
      .exec<{ cursor: number; change: string }>("SELECT cursor, change FROM changes WHERE cursor > ? ORDER BY cursor LIMIT ?", after, limit + 1)
      .toArray();
    const changes = rows.slice(0, limit).map((row) => ({ cursor: row.cursor, ...JSON.parse(row.change) }) as FeedChange);
    return { ok: true, changes, nextCursor: changes.at(-1)?.cursor ?? after, hasMore: rows.length > limit };
  }

  /** A live socket: the changes after the client's cursor first, then every new one as it lands. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const after = Number(new URL(request.url).searchParams.get("after") ?? this.latestCursor());
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    server.send(JSON.stringify({ type: "hello", cursor: this.latestCursor() }));
    // Nothing can land between reading the backlog and being registered for pushes:
    // there is no await in between, and the object runs one event at a time.
    let position = after;
    for (;;) {
      const page = this.changesAfter(position, 500);
      if (!page.ok) {
        server.send(JSON.stringify({ type: "reset", reason: "cursor_expired", cursor: page.latestCursor }));
        break;
      }
      for (const change of page.changes) server.send(JSON.stringify({ type: "change", change }));
      position = page.nextCursor;
      if (!page.hasMore) break;
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (message === "ping") socket.send("pong");
  }

  override async webSocketClose(socket: WebSocket, code: number, reason: string): Promise<void> {
    socket.close(code, reason);
  }

  private broadcast(changes: FeedChange[]): void {
    const messages = changes.map((change) => JSON.stringify({ type: "change", change }));
    for (const socket of this.ctx.getWebSockets()) {
      try {
        for (const message of messages) socket.send(message);
      } catch {
        /* a socket closing under us; its close handler cleans up */
      }
    }
  }

  /**
   * Given the version of each SKU the reporting database has applied, how many SKUs are
   * behind and when the oldest change it lacks happened (the queue lag of this store).
   */
  lagBehind(applied: Record<string, number>): { laggingSkus: number; oldestUnappliedAt: string | null } {
    let laggingSkus = 0;
    let oldest: string | null = null;
    for (const row of this.sql.exec<{ sku: string; version: number }>("SELECT sku, version FROM feed_position").toArray()) {
      const have = applied[row.sku] ?? 0;
      if (row.version <= have) continue;
      laggingSkus += 1;
      const next = this.sql
        .exec<{ at: string }>("SELECT at FROM changes WHERE sku = ? AND version > ? ORDER BY version LIMIT 1", row.sku, have)
        .toArray()[0];
      if (next && (oldest === null || next.at < oldest)) oldest = next.at;
    }
    return { laggingSkus, oldestUnappliedAt: oldest };
  }

  /** The SKUs this store has cells for, as the hub has seen them. */
  skus(): string[] {
    return this.sql.exec<{ sku: string }>("SELECT sku FROM feed_position ORDER BY sku").toArray().map((row) => row.sku);
  }

  private latestCursor(): number {
    return this.sql.exec<{ cursor: number | null }>("SELECT MAX(cursor) AS cursor FROM changes").one().cursor ?? 0;
  }
}
