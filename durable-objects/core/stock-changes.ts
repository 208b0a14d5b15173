import { changeOnHand } from "./buckets";
import { bucketOf, cloneCell } from "./state";
import type { CellChange, CellState } from "./types";

export interface AdjustRequest {
  /** Positive: receive, return; negative: damage, a sale at the till. */
  delta: number;
  /** Where added units go (the shared pool when absent), or whose units go first when removing. */
  channel?: string;
  reason: string;
  eventId?: string;
}

export interface StockChangeOutcome {
  state: CellState;
  /** Absent when nothing changed (setting a value the cell already has). */
  change?: CellChange;
}

/** The ledger entry of one change: its kind, when, what caused it, and the levels before and after. */
export function changeOf(kind: CellChange["kind"], before: CellState, after: CellState, now: string, extra: Partial<CellChange>): CellChange {
  return {
    kind,
    at: now,
    ...extra,
    onHandBefore: before.onHand,
    onHandAfter: after.onHand,
    reservedBefore: before.reserved,
    reservedAfter: after.reserved,
  };
}

/** The reason of a sale recorded at the till (a POS event), the only adjustment that borrows. */
export const SALE_REASON = "sale";

/** A relative change: always applied, even when it leaves the cell oversold (that is recorded, not refused). */
export function adjust(state: CellState, request: AdjustRequest, now: string): StockChangeOutcome {
  if (request.delta === 0) return { state };
  const next = cloneCell(state);
  const taken = changeOnHand(next, request.delta, request.channel);
  // A sale at the till is a reservation confirmed at once (DOMAIN.md): the pool units it
  // took count against its channel's share, as a hold's would.
  if (request.reason === SALE_REASON && request.channel && taken.shared > 0) bucketOf(next, request.channel).borrowed += taken.shared;
  next.version += 1;
  next.updatedAt = now;
  return {
    state: next,
    change: changeOf("adjust", state, next, now, {
      delta: request.delta,
      reason: request.reason,
      ...(request.channel ? { channel: request.channel } : {}),
      ...(request.eventId ? { sourceEventId: request.eventId } : {}),
    }),
  };
}

/** An absolute count (a stocktake): onHand becomes `onHand`; the difference moves the free buckets. */
export function setOnHand(state: CellState, onHand: number, now: string, eventId?: string, reason = "stocktake", countedAt = now): StockChangeOutcome {
  const next = cloneCell(state);
  const delta = onHand - state.onHand;
  changeOnHand(next, delta);
  next.countedAt = countedAt;
  next.version += 1;
  next.updatedAt = now;
  return {
    state: next,
    change: changeOf("set", state, next, now, { delta, reason, ...(eventId ? { sourceEventId: eventId } : {}) }),
  };
}

/** Last-writer-wins order: by time, then by event id, so two decisions at the same instant still have one winner. */
export function isBefore(at: string, eventId: string, otherAt: string | undefined, otherId: string | undefined): boolean {
  if (otherAt === undefined) return false;
  return at < otherAt || (at === otherAt && eventId < (otherId ?? ""));
}

/**
 * The store's hand-set "we ran out" flag: while on, every channel sees 0 and reservations are
 * refused. A decision (at `decidedAt`, by a till's `eventId` or a manager's none) is recorded
 * even when the flag already had its value: the latest decision wins, so an older one arriving
 * afterwards must lose to it either way. The caller has checked it is not older (isBefore).
 */
export function setSoldOut(state: CellState, value: boolean, now: string, eventId?: string, decidedAt = now): StockChangeOutcome {
  const decided = { soldOutAt: decidedAt, ...(eventId ? { soldOutBy: eventId } : {}) };
  const { soldOutBy: _previous, ...rest } = state;
  if (state.soldOut === value) return { state: { ...rest, ...decided } };
  const next = { ...cloneCell(rest), ...decided, soldOut: value, version: state.version + 1, updatedAt: now };
  return { state: next, change: changeOf("sold_out", state, next, now, { soldOut: value, ...(eventId ? { sourceEventId: eventId } : {}) }) };
}
