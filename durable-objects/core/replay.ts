import { oversellTransition, type OversellTransition } from "./oversell";
import { adjust, isBefore, SALE_REASON, setOnHand, setSoldOut } from "./stock-changes";
import type { CellChange, CellState } from "./types";

/** What a store's POS recorded, offline or not. `at` is the device time (UTC ISO 8601). */
export type StoreEvent =
  | { eventId: string; at: string; type: "sale"; sku: string; qty: number }
  | { eventId: string; at: string; type: "adjust"; sku: string; delta: number; reason: string }
  | { eventId: string; at: string; type: "set"; sku: string; onHand: number }
  | { eventId: string; at: string; type: "soldOut"; sku: string; value: boolean };

export type ReplayOutcomeKind = "applied" | "duplicate" | "superseded" | "rejected";

export type RejectReason = "clock_skew" | "too_old" | "not_allocated";
export type SupersededReason = "counted_by_later_stocktake" | "older_than_last_count" | "older_than_last_sold_out";
/** The store used the id for another SKU first (event ids are store-unique: workers/store-events.ts). */
export type DuplicateReason = "id_used_for_another_sku";

export interface ReplayOutcome {
  eventId: string;
  sku: string;
  outcome: ReplayOutcomeKind;
  reason?: RejectReason | SupersededReason | DuplicateReason;
}

/** The replay window and the clock skew the cell tolerates (documented in the README). */
export const REPLAY_POLICY = {
  maxFutureSkewMs: 5 * 60_000,
  windowMs: 7 * 86_400_000,
} as const;

/**
 * How a cell knows a store event id: judged here before (applied or superseded), or given to
 * another SKU of the store, which applied it first (workers/store-events.ts).
 */
export type KnownEvent = "judged" | "given_away";

/** What the cell remembers of earlier changes: the adapter answers from its storage. */
export interface ReplayHistory {
  /** Whether this store event id is known here, and how. */
  seen(eventId: string): KnownEvent | undefined;
  /** Σ on-hand deltas of the relative changes that happened strictly after `at`. */
  relativeAfter(at: string): number;
}

export interface ReplayResult {
  state: CellState;
  outcomes: ReplayOutcome[];
  /** Each change with the state right after it (its own version and counts). */
  changes: Array<{ change: CellChange; oversell?: OversellTransition; after: CellState }>;
  /** Events to remember as seen (every event not rejected and not a duplicate). */
  seen: Array<{ eventId: string; at: string; outcome: ReplayOutcomeKind }>;
  /** True when the state moved, even without a ledger change (a sold-out decision time). */
  dirty: boolean;
}

const isRelative = (event: StoreEvent) => event.type === "sale" || event.type === "adjust";

/**
 * Merges a POS's events into the cell, in the order given. Relative changes commute
 * (a sale or adjustment dated before the last count is already in that count, so it is
 * superseded rather than applied twice); a stocktake is the counted value plus every
 * relative change after its time; a sold-out flag is last-writer-wins by time. The
 * result is the same whatever order the events (and online confirmations) arrive in.
 */
export function replayEvents(state: CellState, history: ReplayHistory, events: StoreEvent[], now: string): ReplayResult {
  const nowMs = Date.parse(now);
  const result: ReplayResult = { state, outcomes: [], changes: [], seen: [], dirty: false };
  const inBatch = new Set<string>();
  const relativesInBatch: Array<{ at: string; delta: number }> = [];
  const relativeAfter = (at: string) =>
    history.relativeAfter(at) + relativesInBatch.reduce((sum, entry) => (entry.at > at ? sum + entry.delta : sum), 0);

  const judge = (event: StoreEvent, outcome: ReplayOutcomeKind, reason?: ReplayOutcome["reason"]) => {
    result.outcomes.push({ eventId: event.eventId, sku: event.sku, outcome, ...(reason ? { reason } : {}) });
  };
  const record = (change: CellChange | undefined, before: CellState) => {
    if (!change) return;
    const oversell = oversellTransition(before, result.state);
    result.changes.push(oversell ? { change, oversell, after: result.state } : { change, after: result.state });
  };

  for (const event of events) {
    // The window first: whether the cell still remembers an old id (it forgets them a day
    // after the window) must not change the answer.
    const atMs = Date.parse(event.at);
    if (atMs > nowMs + REPLAY_POLICY.maxFutureSkewMs) {
      judge(event, "rejected", "clock_skew");
      continue;
    }
    if (atMs < nowMs - REPLAY_POLICY.windowMs) {
      judge(event, "rejected", "too_old");
      continue;
    }
    const known = inBatch.has(event.eventId) ? "judged" : history.seen(event.eventId);
    if (known) {
      judge(event, "duplicate", known === "given_away" ? "id_used_for_another_sku" : undefined);
      continue;
    }
    if (!result.state.allocated) {
      judge(event, "rejected", "not_allocated");
      continue;
    }
    const at = new Date(atMs).toISOString();
    inBatch.add(event.eventId);
    const before = result.state;
    const countedAt = before.countedAt;
    let outcome: ReplayOutcomeKind = "applied";
    let reason: SupersededReason | undefined;

    if (isRelative(event)) {
      if (countedAt && at <= countedAt) {
        outcome = "superseded";
        reason = "counted_by_later_stocktake";
      } else {
        const delta = event.type === "sale" ? -event.qty : event.type === "adjust" ? event.delta : 0;
        const applied = adjust(before, {
          delta,
          reason: event.type === "sale" ? SALE_REASON : (event as { reason: string }).reason,
          ...(event.type === "sale" ? { channel: "pos" } : {}),
          eventId: event.eventId,
        }, now);
        result.state = applied.state;
        relativesInBatch.push({ at, delta });
        record(applied.change && { ...applied.change, effectiveAt: at }, before);
      }
    } else if (event.type === "set") {
      if (isBefore(at, event.eventId, countedAt, before.countedBy)) {
        outcome = "superseded";
        reason = "older_than_last_count";
      } else {
        const compensation = relativeAfter(at);
        const applied = setOnHand(before, event.onHand + compensation, now, event.eventId, "stocktake", at);
        result.state = { ...applied.state, countedBy: event.eventId };
        result.dirty = true;
        record(applied.change && { ...applied.change, effectiveAt: at, counted: event.onHand, compensation }, before);
      }
    } else if (event.type === "soldOut") {
      if (isBefore(at, event.eventId, before.soldOutAt, before.soldOutBy)) {
        outcome = "superseded";
        reason = "older_than_last_sold_out";
      } else {
        const applied = setSoldOut(before, event.value, now, event.eventId, at);
        result.state = applied.state;
        result.dirty = true;
        record(applied.change && { ...applied.change, effectiveAt: at }, before);
      }
    }
    judge(event, outcome, reason);
    result.seen.push({ eventId: event.eventId, at, outcome });
  }
  if (result.changes.length > 0) result.dirty = true;
  return result;
}
