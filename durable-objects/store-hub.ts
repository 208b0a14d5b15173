import { DurableObject } from "cloudflare:workers";
import { countSetting, type Env } from "../workers/env";
import { mapConcurrently } from "../workers/concurrency";
import { isolatePace, type Pace } from "../workers/pace";
import { historyCutoffs, viewOf, withRetries } from "./core";
import { now, nowIso } from "./clock";
import type { ItemOutcome } from "./operation";
import type { CellKey, CellView } from "./stock-cell";
import type { CellEvent } from "./storage/cell-tables";
import { claimEventIds, EVENT_CLAIMS_TABLE, moveEventClaims, type ClaimConflict } from "./storage/event-claims";
import { migrate } from "./storage/migrate";
import { sendReports } from "./storage/report-sender";
import { stageImport, type ImportCommand, type StagedCell } from "./storage/staged-cells";
import { cellStub } from "./stubs";
import { TurnBatch } from "./turn-batch";
import { LIVE_TOKEN_EXPIRED_CLOSE } from "../schema/live";

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

/**
 * A cell's delivery: changes for the feed and changes for the reporting queue, each one's
 * JSON text as the cell's outbox stores it. When the cell's two cursors are level (nearly
 * always) both are the same array, which crosses to the hub once; the hub parses only what
 * its feed reads.
 */
export interface Delivery {
  changes: readonly string[];
  cell: CellView;
  reports: readonly string[];
}

/** How many of a delivery's changes were new to the feed, and whether its reports reached the queue. */
export interface DeliveryReceipt {
  fresh: number;
  reported: boolean;
}

export type ChangesPage =
  | { ok: true; changes: FeedChange[]; nextCursor: number; hasMore: boolean }
  | { ok: false; oldestCursor: number; latestCursor: number };

/** One import line for a SKU of this store. */
export interface StageLine {
  sku: string;
  command: ImportCommand;
  locationHint?: DurableObjectLocationHint;
}

/** The line's outcome once staged here, or null: the SKU has a cell, which must apply the line itself. */
export type StageAnswer = ItemOutcome | null;

/**
 * Staged cells created per second, by default (STAGED_CELLS_PER_SECOND), by all the hubs of
 * one isolate together (they share one `isolatePace`; locally, every hub). Each new object stays
 * open for a while after its first work, and a local workerd runs every object in one
 * process, whose SQLite ran out of memory (SQLITE_NOMEM, everywhere, for minutes) with about
 * 2,000 databases open after a 20,000-line import created its cells as fast as it could.
 */
const CREATE_PER_SECOND = 50;
/** Staged cells created at once, and at most per run. */
const CREATE_CONCURRENCY = 32;
const CREATE_PER_RUN = 1_000;
const CREATE_RETRY_MS = 15_000;

/** Close codes a peer can report but no endpoint may send (RFC 6455, 7.4.1). */
const CODES_NOT_SENT = new Set([1005, 1006, 1015]);
interface LiveSocketAttachment {
  /** When the token that opened the socket expires (epoch ms). */
  until?: number;
}

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
  /** The pace of staged cells' creation, shared with the isolate's other hubs (see CREATE_PER_SECOND). */
  private readonly createPace: Pace;
  /** Deliveries that arrive together are written in one transaction (see receive). */
  private readonly deliveries = new TurnBatch<Delivery, DeliveryReceipt>((batch) => this.recordDeliveries(batch));

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.retention = countSetting(env.FEED_RETENTION, FEED_RETENTION);
    this.createPace = isolatePace("staged cells", countSetting(env.STAGED_CELLS_PER_SECOND, CREATE_PER_SECOND));
    migrate(this.sql, [
      `
      CREATE TABLE IF NOT EXISTS levels (sku TEXT PRIMARY KEY, version INTEGER NOT NULL, cell TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS feed_position (sku TEXT PRIMARY KEY, version INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS changes (cursor INTEGER PRIMARY KEY AUTOINCREMENT, sku TEXT NOT NULL, version INTEGER NOT NULL, at TEXT NOT NULL, change TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS changes_by_sku_version ON changes (sku, version);
    `,
      // SKUs whose cell has been used (claimed = 1) and staged cells waiting for their object.
      `CREATE TABLE IF NOT EXISTS cells (sku TEXT PRIMARY KEY, claimed INTEGER NOT NULL, store_id TEXT NOT NULL, hint TEXT, staged TEXT);
       CREATE INDEX IF NOT EXISTS cells_staged ON cells (sku) WHERE staged IS NOT NULL;`,
      // Repeats are caught by feed_position and the queue-lag report reads the feed in one pass: the index only cost every insert and prune.
      `DROP INDEX IF EXISTS changes_by_sku_version;`,
      // Without AUTOINCREMENT, which wrote sqlite_sequence on every insert (a fifth of the
      // feed's cost under POS batches). A cursor is still never given out twice: `record`
      // numbers changes on from the newest, which pruning never removes (retention ≥ 1).
      `CREATE TABLE changes_next (cursor INTEGER PRIMARY KEY, sku TEXT NOT NULL, version INTEGER NOT NULL, at TEXT NOT NULL, change TEXT NOT NULL);
       INSERT INTO changes_next (cursor, sku, version, at, change) SELECT cursor, sku, version, at, change FROM changes;
       DROP TABLE changes;
       ALTER TABLE changes_next RENAME TO changes;`,
      EVENT_CLAIMS_TABLE,
    ]);
    // Pings are answered without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  /**
   * Takes a cell's changes (at least once, in order per cell) and the cell's latest view,
   * and sends the changes the cell has not yet reported on to the reporting queue.
   * Deliveries that arrive together are written in one transaction (one commit) and their
   * reports sent together, many changes to a message: a store's cells deliver at once after
   * a POS batch, and one send per cell had cost about a third of the batch's CPU here.
   */
  receive(changes: readonly string[], cell: CellView, reports: readonly string[] = []): Promise<DeliveryReceipt> {
    return this.deliveries.add({ changes, cell, reports });
  }

  private async recordDeliveries(batch: Delivery[]): Promise<DeliveryReceipt[]> {
    const fresh = this.ctx.storage.transactionSync(() =>
      batch.map((delivery) => this.record(delivery.changes.map((line) => JSON.parse(line) as CellEvent), [delivery.cell])),
    );
    const all = fresh.flat();
    if (all.length > 0) this.broadcast(all);
    const reported = await this.report(batch.flatMap((delivery) => delivery.reports));
    return fresh.map((changes, index) => ({ fresh: changes.length, reported: batch[index]!.reports.length > 0 && reported }));
  }

  /** False when the queue refused: the cells keep those changes and send them again later. */
  private async report(events: readonly string[]): Promise<boolean> {
    const queue = this.env.INVENTORY_EVENTS;
    if (events.length === 0 || !queue) return false;
    try {
      await sendReports(queue, events);
      return true;
    } catch (error) {
      console.warn(JSON.stringify({ msg: "store hub could not send to the reporting queue", events: events.length, error: String(error) }));
      return false;
    }
  }

  /**
   * Applies import lines to SKUs that have no cell yet, in one commit: each becomes a
   * staged cell (its changes enter the feed and the levels at once), and the alarm creates
   * the objects afterwards. A SKU whose cell has been used answers null: the caller sends
   * that line to the cell.
   */
  async stage(storeId: string, lines: StageLine[]): Promise<StageAnswer[]> {
    const now = nowIso();
    let staged = 0;
    const { answers, fresh } = this.ctx.storage.transactionSync(() => {
      const answers: StageAnswer[] = [];
      const events: CellEvent[] = [];
      const views = new Map<string, CellView>();
      for (const line of lines) {
        const row = this.cellRow(line.sku);
        // A SKU without a row here that the feed has seen got its cell before this table existed.
        const hasCell = row ? row.claimed === 1 : this.sql.exec("SELECT 1 FROM feed_position WHERE sku = ?", line.sku).toArray().length > 0;
        if (hasCell) {
          answers.push(null);
          continue;
        }
        const result = stageImport(row?.staged ? (JSON.parse(row.staged) as StagedCell) : undefined, { storeId, sku: line.sku }, line.command, now);
        if (!result.ok) {
          answers.push({ ok: false, error: result.error });
          continue;
        }
        this.sql.exec(
          `INSERT INTO cells (sku, claimed, store_id, hint, staged) VALUES (?, 0, ?, ?, ?)
           ON CONFLICT (sku) DO UPDATE SET staged = excluded.staged, hint = COALESCE(cells.hint, excluded.hint)`,
          line.sku, storeId, line.locationHint ?? null, JSON.stringify(result.staged),
        );
        staged += 1;
        if (result.event) {
          events.push(result.event);
          views.set(line.sku, viewOf(result.staged.state));
        }
        answers.push({ ok: true, version: result.staged.state.version });
      }
      return { answers, fresh: this.record(events, [...views.values()]) };
    });
    if (fresh.length > 0) this.broadcast(fresh);
    if (staged > 0) await this.ctx.storage.setAlarm(Date.now());
    return answers;
  }

  /**
   * A cell with no state asks here before its first use. A staged cell is handed over (and
   * kept until the alarm has seen the cell take it, in case the cell fails before its
   * commit). `mark` records that the SKU has a cell, so later imports go to it.
   */
  claim(key: CellKey, mark: boolean): StagedCell | null {
    const row = this.cellRow(key.sku);
    if (row?.staged) {
      if (row.claimed === 0) this.sql.exec("UPDATE cells SET claimed = 1 WHERE sku = ?", key.sku);
      return JSON.parse(row.staged) as StagedCell;
    }
    if (mark && row?.claimed !== 1) {
      this.sql.exec(
        "INSERT INTO cells (sku, claimed, store_id) VALUES (?, 1, ?) ON CONFLICT (sku) DO UPDATE SET claimed = 1",
        key.sku, key.storeId,
      );
    }
    return null;
  }

  /** Creates the objects of staged cells (each takes its staged state), then forgets what they took. */
  override async alarm(): Promise<void> {
    const rows = this.sql
      .exec<{ sku: string; store_id: string; hint: string | null }>("SELECT sku, store_id, hint FROM cells WHERE staged IS NOT NULL ORDER BY sku LIMIT ?", CREATE_PER_RUN)
      .toArray();
    if (rows.length === 0) return;
    // Marked as having a cell first, in one commit (the cells' claims then write nothing);
    // what is staged stays until each cell has taken it.
    this.ctx.storage.transactionSync(() => {
      for (const row of rows) this.sql.exec("UPDATE cells SET claimed = 1 WHERE sku = ? AND claimed = 0", row.sku);
    });
    const created: string[] = [];
    let failure: unknown;
    await mapConcurrently(rows, CREATE_CONCURRENCY, async (row) => {
      const key = { storeId: row.store_id, sku: row.sku };
      try {
        await this.createPace.take();
        // Answers once the cell holds the staged state durably.
        await withRetries(() => cellStub(this.env, key, (row.hint ?? undefined) as DurableObjectLocationHint | undefined).materialize(key));
        created.push(row.sku);
      } catch (error) {
        failure ??= error;
      }
    });
    this.ctx.storage.transactionSync(() => {
      for (const sku of created) this.sql.exec("UPDATE cells SET staged = NULL WHERE sku = ?", sku);
    });
    if (failure !== undefined) console.warn(JSON.stringify({ msg: "staged cells not created yet", failed: rows.length - created.length, error: String(failure) }));
    const more = this.sql.exec("SELECT 1 FROM cells WHERE staged IS NOT NULL LIMIT 1").toArray().length > 0;
    if (more) await this.ctx.storage.setAlarm(Date.now() + (failure === undefined ? 0 : CREATE_RETRY_MS));
  }

  private cellRow(sku: string) {
    return this.sql.exec<{ claimed: number; staged: string | null }>("SELECT claimed, staged FROM cells WHERE sku = ?", sku).toArray()[0];
  }

  /** Writes changes to the feed (each SKU's once) and the cells' latest views to the levels; inside a transaction. */
  private record(events: CellEvent[], cells: CellView[]): FeedChange[] {
    const fresh: FeedChange[] = [];
    const positions = new Map<string, number>();
    for (const sku of new Set(events.map((event) => event.sku))) {
      positions.set(sku, this.sql.exec<{ version: number }>("SELECT version FROM feed_position WHERE sku = ?", sku).toArray()[0]?.version ?? 0);
    }
    // Numbered here rather than by RETURNING: one read per delivery instead of a result per change.
    let cursor = this.latestCursor();
    for (const event of events) {
      if (event.seq <= positions.get(event.sku)!) continue;
      const body = feedChangeOf(event);
      cursor += 1;
      this.sql.exec("INSERT INTO changes (cursor, sku, version, at, change) VALUES (?, ?, ?, ?, ?)", cursor, body.sku, body.version, body.at, JSON.stringify(body));
      fresh.push({ cursor, ...body });
      positions.set(event.sku, event.seq);
    }
    for (const sku of new Set(fresh.map((change) => change.sku))) {
      this.sql.exec("INSERT INTO feed_position (sku, version) VALUES (?, ?) ON CONFLICT (sku) DO UPDATE SET version = excluded.version", sku, positions.get(sku)!);
    }
    for (const cell of cells) {
      this.sql.exec(
        `INSERT INTO levels (sku, version, cell) VALUES (?, ?, ?)
         ON CONFLICT (sku) DO UPDATE SET version = excluded.version, cell = excluded.cell WHERE excluded.version > levels.version`,
        cell.sku, cell.version, JSON.stringify(cell),
      );
    }
    if (fresh.length > 0) this.sql.exec("DELETE FROM changes WHERE cursor <= ?", fresh.at(-1)!.cursor - this.retention);
    return fresh;
  }

  stock(storeId: string): StoreStock {
    const items = this.sql.exec<{ cell: string }>("SELECT cell FROM levels ORDER BY sku").toArray().map((row) => JSON.parse(row.cell) as CellView);
    return { storeId, cursor: this.latestCursor(), items };
  }

  changesAfter(after: number, limit: number): ChangesPage {
    const oldest = this.sql.exec<{ cursor: number | null }>("SELECT MIN(cursor) AS cursor FROM changes").one().cursor;
    const latest = this.latestCursor();
    // Changes after `after` were pruned, or `after` is past every change (no page gave it:
    // a feed started afresh, say): the client must start again from the whole stock. An
    // empty page would leave it waiting at that cursor, missing every change to come.
    if ((oldest !== null && after < oldest - 1) || after > latest) return { ok: false, oldestCursor: oldest ?? latest, latestCursor: latest };
    const rows = this.sql
      .exec<{ cursor: number; change: string }>("SELECT cursor, change FROM changes WHERE cursor > ? ORDER BY cursor LIMIT ?", after, limit + 1)
      .toArray();
    const changes = rows.slice(0, limit).map((row) => ({ cursor: row.cursor, ...JSON.parse(row.change) }) as FeedChange);
    return { ok: true, changes, nextCursor: changes.at(-1)?.cursor ?? after, hasMore: rows.length > limit };
  }

  /** A live socket: the changes after the client's cursor first, then every new one as it lands. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const params = new URL(request.url).searchParams;
    const after = Number(params.get("after") ?? this.latestCursor());
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    // The token that opened it expires: the socket is closed then (checked before each push).
    const until = Number(params.get("until"));
    if (until > 0) server.serializeAttachment({ until } satisfies LiveSocketAttachment);
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
    // 1005 (the client gave no code), 1006 and 1015 only describe a close: sending one throws.
    socket.close(CODES_NOT_SENT.has(code) ? 1000 : code, reason);
  }

  /**
   * Closes the sockets whose token has expired by `nowMs` (4401, "token expired": the client
   * signs in again); answers those still open.
   */
  closeExpiredSockets(sockets = this.ctx.getWebSockets(), nowMs = Date.now()): WebSocket[] {
    const open: WebSocket[] = [];
    for (const socket of sockets) {
      const until = (socket.deserializeAttachment() as LiveSocketAttachment | null)?.until;
      if (until === undefined || until > nowMs) {
        open.push(socket);
        continue;
      }
      try {
        socket.close(LIVE_TOKEN_EXPIRED_CLOSE, "token expired");
      } catch {
        /* already closing */
      }
    }
    return open;
  }

  private broadcast(changes: FeedChange[]): void {
    // Most stores have no dashboard open: no message is built for nobody.
    const all = this.ctx.getWebSockets();
    if (all.length === 0) return;
    const sockets = this.closeExpiredSockets(all);
    const messages = changes.map((change) => JSON.stringify({ type: "change", change }));
    for (const socket of sockets) {
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
    for (const row of this.sql.exec<{ sku: string; version: number }>("SELECT sku, version FROM feed_position")) {
      if (row.version > (applied[row.sku] ?? 0)) laggingSkus += 1;
    }
    if (laggingSkus === 0) return { laggingSkus, oldestUnappliedAt: null };
    // One pass over the feed (no index by SKU: it would cost every change's insert and prune).
    let oldest: string | null = null;
    for (const row of this.sql.exec<{ sku: string; version: number; at: string }>("SELECT sku, version, at FROM changes")) {
      if (row.version > (applied[row.sku] ?? 0) && (oldest === null || row.at < oldest)) oldest = row.at;
    }
    return { laggingSkus, oldestUnappliedAt: oldest };
  }

  /**
   * The views of those of `skus` the hub still answers for (staged, and no cell has taken
   * them yet): what a read of their cell would answer, without creating the object. An
   * export of a store just imported reads them here rather than creating thousands of
   * objects at once (locally that ran workerd out of SQLite memory and stalled the export).
   */
  stagedViews(skus: string[]): Map<string, CellView> {
    // A Map, not an object: a SKU may be named `toString` or `constructor`.
    const views = new Map<string, CellView>();
    for (const sku of skus) {
      const row = this.cellRow(sku);
      if (row?.staged && row.claimed === 0) {
        const { state } = JSON.parse(row.staged) as StagedCell;
        if (state.allocated) views.set(sku, viewOf(state));
      }
    }
    return views;
  }

  /**
   * The latest level the hub has of each of these SKUs (what its cell delivered last, or what
   * an import staged), by SKU; a SKU it has none of is left out. The cron's reconciliation
   * compares these with the reporting database and reads only the cells that differ.
   */
  levelsOf(skus: string[]): Map<string, CellView> {
    const rows = this.sql.exec<{ sku: string; cell: string }>("SELECT sku, cell FROM levels WHERE sku IN (SELECT value FROM json_each(?))", JSON.stringify(skus));
    return new Map([...rows].map((row) => [row.sku, JSON.parse(row.cell) as CellView]));
  }

  /**
   * Which of these SKUs may have a cell here: marked before a cell's first write, staged by an
   * import, or seen in the feed (cells older than the marks). Exact for "no cell": a cell marks
   * its SKU here before it first writes, so a SKU not named is not allocated at this store.
   */
  knownSkus(skus: string[]): string[] {
    return this.sql
      .exec<{ sku: string }>(
        "SELECT value AS sku FROM json_each(?) WHERE value IN (SELECT sku FROM cells) OR value IN (SELECT sku FROM feed_position)",
        JSON.stringify(skus),
      )
      .toArray()
      .map((row) => row.sku);
  }

  /**
   * The SKUs this store has cells for (or staged cells), in order: all, or a page after
   * `after`. Those seen in the feed and those marked by a cell before its first write: a cell
   * whose first change was committed and not yet delivered (the process died in between) is
   * still listed, so reconciliation and exports reach it. A mark whose write then failed lists
   * a SKU whose cell reads as not allocated, which those skip.
   */
  skus(after = "", limit = -1): string[] {
    return this.sql
      .exec<{ sku: string }>("SELECT sku FROM feed_position WHERE sku > ?1 UNION SELECT sku FROM cells WHERE sku > ?1 ORDER BY sku LIMIT ?2", after, limit)
      .toArray()
      .map((row) => row.sku);
  }

  /** Claims a POS batch's event ids (EventClaim[] as JSON) for their SKUs; answers the ids another SKU has (storage/event-claims.ts). */
  claimEvents(claims: string): ClaimConflict[] {
    return this.ctx.storage.transactionSync(() => claimEventIds(this.sql, claims, historyCutoffs(now()).judgedBefore));
  }

  /** Gives these ids to their new SKU: the SKU that had them never judged the event. */
  moveEventClaims(moves: ClaimConflict[]): void {
    this.ctx.storage.transactionSync(() => moveEventClaims(this.sql, moves));
  }

  private latestCursor(): number {
    return this.sql.exec<{ cursor: number | null }>("SELECT MAX(cursor) AS cursor FROM changes").one().cursor ?? 0;
  }
}
