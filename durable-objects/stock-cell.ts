import { DurableObject } from "cloudflare:workers";
import type { Env } from "../workers/env";
import {
  applyCommand,
  attemptOfHold,
  availableFor,
  emptyCell,
  replayEvents,
  unavailableReason,
  viewOf,
  type CellChange,
  type CellCommand,
  type CellOp,
  type CellState,
  type DomainError,
  type Hold,
  type OversellTransition,
  type ReplayOutcome,
  type StoreEvent,
  type UnavailableReason,
} from "./core";
import {
  appendChange,
  findHold,
  findOp,
  heldHolds,
  loadCellState,
  migrateCellTables,
  relativeDeltaAfter,
  rememberStoreEvent,
  hasCellTables,
  saveCellState,
  saveHold,
  saveOp,
  giveAwayStoreEvent,
  knownStoreEvent,
  type CellEvent,
} from "./storage/cell-tables";
import { recordOversell } from "./storage/oversell-records";
import { OutboxDelivery } from "./storage/outbox-delivery";
import { eventWithAlerts } from "./storage/cell-events";
import type { StagedCell } from "./storage/staged-cells";
import { hubStub } from "./stubs";
import { nowIso } from "./clock";
import { TurnBatch } from "./turn-batch";

export interface CellKey {
  storeId: string;
  sku: string;
}

export type CellView = ReturnType<typeof viewOf>;

/** Everything a cell accepts: the core's commands, and a POS's events to merge. */
export type CellRequest = CellCommand | { type: "replay"; events: StoreEvent[] };

/**
 * Whether a request can give a cell without state its first state: an allocation or an import.
 * Every other request is refused by such a cell (not allocated) and marks nothing in the hub's
 * list of the store's SKUs; it marked one until session 47, so a 404 on an unknown SKU (or a
 * till's rejected sale of one) listed it, and the store's paged export gave empty pages for it.
 */
function createsCell(request: CellRequest): boolean {
  return request.type === "allocate" || request.type === "import";
}

export type CellReply =
  | { ok: true; cell: CellView; hold?: Hold; outcomes?: ReplayOutcome[] }
  | { ok: false; error: DomainError; cell?: CellView };

/** A hold keeping units in a cell, as the sweep and local mode's tick list it. */
export interface CellHold {
  reservationId: string;
  holdId: string;
  expiresAt: string;
  createdAt: string;
}

export interface CellAvailability {
  available: number;
  reason?: UnavailableReason;
}

interface Pending {
  key: CellKey;
  request: CellRequest;
}

type Outcome = { ok: true; hold?: Hold; outcomes?: ReplayOutcome[] } | { ok: false; error: DomainError };

/** Durable Object naming: one object per (store, SKU). */
export function cellName(key: CellKey): string {
  return `${key.storeId}\u0000${key.sku}`;
}

/**
 * One stock cell: the only writer of its state. A thin adapter around the rules in
 * ./core: requests that arrive together are applied in order inside one SQLite
 * transaction (state, holds, ledger, outbox, oversells), so concurrent requests share
 * one commit; replies are held by the output gate until it is durable. Committed
 * changes then leave through the outbox (see OutboxDelivery).
 */
export class StockCell extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private state: CellState | undefined;
  /** Holds still `held`: the hot path looks these up without touching SQLite. */
  private readonly held = new Map<string, Hold>();
  /** Requests that arrive together are applied in one transaction (see flush). */
  private readonly commits = new TurnBatch<Pending, CellReply>((batch) => this.flush(batch));
  private readonly delivery: OutboxDelivery;
  /** Set once the hub knows this SKU has a cell (see claim): only a cell without state asks. */
  private claimed = false;
  private claiming: Promise<void> | undefined;
  private tablesReady: boolean;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // A cell that never wrote has no tables: reads of unknown SKUs (public availability)
    // store nothing, and the tables are made by the first write (ensureTables).
    this.tablesReady = hasCellTables(this.sql);
    if (this.tablesReady) {
      migrateCellTables(this.sql);
      this.state = loadCellState(this.sql);
      for (const hold of heldHolds(this.sql)) this.held.set(hold.holdId, hold);
    }
    this.delivery = new OutboxDelivery(ctx, env, () => this.state);
    // Changes committed before a restart and not yet handed on go out now.
    if (this.state) ctx.blockConcurrencyWhile(() => this.delivery.resumeIfBehind());
  }

  /** Applies one request; resolves once it is committed together with whatever arrived alongside it. */
  async execute(key: CellKey, request: CellRequest): Promise<CellReply> {
    if (this.unclaimed) await this.claim(key, createsCell(request));
    return this.commits.add({ key, request });
  }

  /**
   * Several requests from one caller (a reservation shard's calls of one turn, see
   * GroupedCalls): each applied as `execute` would, in order, in the same commit; one reply each.
   */
  async executeMany(key: CellKey, requests: CellRequest[]): Promise<CellReply[]> {
    if (this.unclaimed) await this.claim(key, requests.some(createsCell));
    return Promise.all(requests.map((request) => this.commits.add({ key, request })));
  }

  /** Takes over what the store hub staged for this SKU, if anything (the hub's alarm calls this). */
  async materialize(key: CellKey): Promise<void> {
    await this.claim(key, true);
  }

  async read(key: CellKey): Promise<CellView | null> {
    if (this.unclaimed) await this.claim(key, false);
    const state = this.stateFor(key);
    return state.allocated ? viewOf(state) : null;
  }

  async availability(key: CellKey, channel: string): Promise<CellAvailability> {
    if (this.unclaimed) await this.claim(key, false);
    const state = this.stateFor(key);
    const reason = unavailableReason(state);
    return reason ? { available: 0, reason } : { available: availableFor(state, channel) };
  }

  /**
   * Which of these store event ids, claimed by another SKU of the store, this cell has judged
   * (applied or superseded; a rejected one is not remembered): those stay here. The others it
   * gives away, remembering them as used elsewhere, so that a replay still on its way here with
   * one of them is a duplicate rather than a second application (event ids are store-unique).
   * Answered after the commits already queued here (a turn later, as the group commit runs),
   * so a replay that reached the cell first counts as judged.
   */
  async keepJudgedEvents(key: CellKey, claims: Array<{ eventId: string; at: string }>): Promise<string[]> {
    if (this.unclaimed) await this.claim(key, false);
    this.stateFor(key);
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.ensureTables();
    const judged: string[] = [];
    for (const { eventId, at } of claims) {
      if (knownStoreEvent(this.sql, eventId) === "judged") judged.push(eventId);
      else giveAwayStoreEvent(this.sql, eventId, at);
    }
    return judged;
  }

  /** Reconciliation's repair: the retained outbox goes to the reporting queue again. */
  async resendToReports(key: CellKey): Promise<{ resentFrom: number | null }> {
    if (this.unclaimed) await this.claim(key, false);
    this.stateFor(key);
    return this.tablesReady ? this.delivery.resendToReports() : { resentFrom: null };
  }

  /** The holds keeping units here now (local mode's tick settles the due ones; the sweep checks each has an owner). */
  holds(key: CellKey): CellHold[] {
    this.stateFor(key);
    return [...this.held.values()].map((hold) => ({ reservationId: hold.reservationId, holdId: hold.holdId, expiresAt: hold.expiresAt, createdAt: hold.createdAt }));
  }

  /** The cron's one call per cell: what reconciliation reads (`read`) and what the sweep checks (`holds`). */
  async inspect(key: CellKey): Promise<{ view: CellView | null; holds: CellHold[] }> {
    const view = await this.read(key);
    return { view, holds: this.holds(key) };
  }

  /** Retries delivery of the outbox after a failure (and after a restart). */
  override async alarm(): Promise<void> {
    if (this.tablesReady) await this.delivery.run();
  }

  private ensureTables(): void {
    if (this.tablesReady) return;
    migrateCellTables(this.sql);
    this.tablesReady = true;
  }

  /**
   * No state yet and not asked the hub: checked before awaiting `claim`, so a used cell pays no
   * await. A refused write leaves an unallocated state in memory (nothing is saved): still none.
   */
  private get unclaimed(): boolean {
    return !this.state?.allocated && !this.claimed;
  }

  /**
   * Before its first use a cell without state asks its store's hub for a staged cell (an
   * import recorded there before this object existed) and adopts it: ledger, outbox and
   * operations in one commit; the outbox then delivers its changes like any others. A write
   * that can create the cell (`createsCell`) also marks the SKU as having a cell (`mark`), so
   * later imports come here; a read of an unknown SKU, or a write it refuses, does not, and asks
   * again next time.
   */
  private async claim(key: CellKey, mark: boolean): Promise<void> {
    while (this.unclaimed) {
      const asking = this.claiming;
      if (asking) {
        // Another call is asking already (a read's, maybe without the mark): a write asks again after it.
        await asking;
        if (!mark) return;
        continue;
      }
      this.claiming = this.adoptFromHub(key, mark).finally(() => (this.claiming = undefined));
      await this.claiming;
      return;
    }
  }

  private async adoptFromHub(key: CellKey, mark: boolean): Promise<void> {
    // Nothing else sets the state meanwhile: writes wait for this claim (see execute).
    const staged = (await hubStub(this.env, key.storeId).claim(key, mark)) as StagedCell | null;
    if (staged) {
      this.ensureTables();
      this.ctx.storage.transactionSync(() => {
        for (const event of staged.events) appendChange(this.sql, event);
        for (const op of staged.ops) saveOp(this.sql, op);
        saveCellState(this.sql, staged.state);
      });
      this.state = staged.state;
      this.claimed = true;
      this.delivery.guard();
      this.delivery.soon();
    } else if (mark) {
      this.claimed = true;
    }
  }

  private stateFor(key: CellKey): CellState {
    if (!this.state) return emptyCell(key.storeId, key.sku, new Date(0).toISOString());
    if (this.state.storeId !== key.storeId || this.state.sku !== key.sku) {
      throw new Error(`cell ${cellName(this.state)} was addressed as ${cellName(key)}`);
    }
    return this.state;
  }

  private flush(batch: Pending[]): CellReply[] {
    this.ensureTables();
    const first = batch[0]!;
    const now = nowIso();
    let state = this.state ?? emptyCell(first.key.storeId, first.key.sku, now);
    let dirty = false;
    const changedHolds = new Map<string, Hold>();
    const lookup = (holdId: string) => changedHolds.get(holdId) ?? this.held.get(holdId) ?? findHold(this.sql, holdId);
    const changedOps = new Map<string, CellOp>();
    const opLookup = (opId: string) => changedOps.get(opId) ?? findOp(this.sql, opId);
    // Threshold bands move with each change, so every crossing is seen once (see core/alerts.ts).
    let bands = state.alertBands;
    const commit = (change: CellChange, oversell: OversellTransition | undefined, after: CellState, hold?: Hold) => {
      const made = eventWithAlerts(bands, after, change);
      const event = made.event;
      bands = made.bands;
      if (hold) {
        event.attempt = attemptOfHold(hold.holdId);
        if (change.kind === "hold") event.expiresAt = hold.expiresAt;
      }
      if (oversell) {
        const id = recordOversell(this.sql, oversell, event);
        if (id) event.oversell = { id, transition: oversell, shortfall: Math.max(0, after.reserved - after.onHand) };
      }
      appendChange(this.sql, event);
      dirty = true;
    };

    let cursorsSaved: (() => void) | undefined;
    // Rows are written as each request is applied, so a later request in the batch
    // (a stocktake's compensation, a duplicate check) sees the earlier ones.
    const outcomes = this.ctx.storage.transactionSync(() => {
      const results: Outcome[] = [];
      for (const item of batch) {
        this.stateFor(item.key);
        if (item.request.type === "replay") {
          const replay = replayEvents(
            state,
            { seen: (eventId) => knownStoreEvent(this.sql, eventId), relativeAfter: (at) => relativeDeltaAfter(this.sql, at) },
            item.request.events,
            now,
          );
          for (const { change, oversell, after } of replay.changes) commit(change, oversell, after);
          for (const seen of replay.seen) rememberStoreEvent(this.sql, seen.eventId, seen.at, seen.outcome);
          state = replay.state;
          dirty ||= replay.dirty;
          results.push({ ok: true, outcomes: replay.outcomes });
          continue;
        }
        const result = applyCommand(state, lookup, item.request, now, opLookup);
        if (!result.ok) {
          results.push(result);
          continue;
        }
        state = result.state;
        if (result.saved) dirty = true;
        if (result.op) {
          changedOps.set(result.op.opId, result.op);
          saveOp(this.sql, result.op);
        }
        if (result.change) {
          commit(result.change, result.oversell, state, result.hold);
          if (result.hold) {
            changedHolds.set(result.hold.holdId, result.hold);
            saveHold(this.sql, result.hold);
          }
        }
        results.push({ ok: true, ...(result.hold ? { hold: result.hold } : {}) });
      }
      if (dirty) {
        state = { ...state, alertBands: bands ?? state.alertBands };
        saveCellState(this.sql, state);
        // The outbox's cursors ride along with this commit (they are written lazily).
        cursorsSaved = this.delivery.writeCursors();
      }
      return results;
    });
    cursorsSaved?.();

    // Only now, with the transaction written, does memory move on.
    this.state = state;
    for (const hold of changedHolds.values()) {
      if (hold.status === "held") this.held.set(hold.holdId, hold);
      else this.held.delete(hold.holdId);
    }
    const cell = state.allocated ? viewOf(state) : undefined;
    if (dirty) {
      this.delivery.guard();
      this.delivery.soon();
    }
    return outcomes.map((outcome): CellReply => (outcome.ok ? { ...outcome, cell: cell! } : { ok: false, error: outcome.error, ...(cell ? { cell } : {}) }));
  }
}
