import { unavailableReason, availableFor } from "./availability";
import { freeTarget } from "./buckets";
import { borrowable } from "./shared-pool";
import { bucketOf, cloneCell } from "./state";
import type { CellChange, CellState, DomainError, Hold, ReleaseReason } from "./types";

export interface HoldRequest {
  holdId: string;
  reservationId: string;
  channel: string;
  qty: number;
  expiresAt: string;
}

/** `change` is absent when the call repeated what had already happened (nothing to write). */
export type HoldOutcome =
  | { ok: true; state: CellState; hold: Hold; change?: CellChange }
  | { ok: false; error: DomainError };

function changeOf(kind: CellChange["kind"], before: CellState, after: CellState, hold: Hold, now: string): CellChange {
  return {
    kind,
    at: now,
    qty: hold.qty,
    channel: hold.channel,
    reservationId: hold.reservationId,
    onHandBefore: before.onHand,
    onHandAfter: after.onHand,
    reservedBefore: before.reserved,
    reservedAfter: after.reserved,
  };
}

function bump(state: CellState, now: string): void {
  state.version += 1;
  state.updatedAt = now;
}

/**
 * Takes `qty` units for a reservation: the channel's own free units first, then the
 * shared pool within the policy, or nothing at all. Repeating the same hold is a no-op.
 */
export function hold(state: CellState, existing: Hold | undefined, request: HoldRequest, now: string): HoldOutcome {
  if (existing) {
    if (existing.channel === request.channel && existing.qty === request.qty && existing.reservationId === request.reservationId) {
      return { ok: true, state, hold: existing };
    }
    return {
      ok: false,
      error: { code: "conflict", message: `hold ${request.holdId} already exists with other content`, details: { status: existing.status } },
    };
  }
  const blocked = unavailableReason(state);
  const available = availableFor(state, request.channel);
  if (blocked || request.qty > available) {
    return {
      ok: false,
      error: {
        code: "insufficient_stock",
        message: blocked ? `the cell is ${blocked.replace("_", " ")}` : `only ${available} available`,
        details: { requested: request.qty, available, ...(blocked ? { reason: blocked } : {}) },
      },
    };
  }

  const next = cloneCell(state);
  const bucket = bucketOf(next, request.channel);
  const fromChannel = Math.min(bucket.free, request.qty);
  const fromShared = request.qty - fromChannel;
  if (fromShared > borrowable(state, request.channel)) throw new Error("hold: shared pool overdrawn"); // unreachable
  bucket.free -= fromChannel;
  bucket.borrowed += fromShared;
  next.shared -= fromShared;
  next.reserved += request.qty;
  bump(next, now);
  const held: Hold = {
    holdId: request.holdId,
    reservationId: request.reservationId,
    channel: request.channel,
    qty: request.qty,
    fromChannel,
    fromShared,
    status: "held",
    expiresAt: request.expiresAt,
    createdAt: now,
    updatedAt: now,
  };
  return { ok: true, state: next, hold: held, change: changeOf("hold", state, next, held, now) };
}

function missing(holdId: string): HoldOutcome {
  return { ok: false, error: { code: "not_found", message: `no hold ${holdId} in this cell` } };
}

function conflict(current: Hold, wanted: string): HoldOutcome {
  return {
    ok: false,
    error: { code: "conflict", message: `cannot ${wanted} a hold that is ${current.status}`, details: { status: current.status } },
  };
}

/** Paid: the held units leave the store. Only `held` moves; repeating it is a no-op. */
export function confirm(state: CellState, current: Hold | undefined, holdId: string, now: string): HoldOutcome {
  if (!current) return missing(holdId);
  if (current.status === "confirmed") return { ok: true, state, hold: current };
  if (current.status !== "held") return conflict(current, "confirm");
  const next = cloneCell(state);
  next.onHand -= current.qty;
  next.reserved -= current.qty;
  bump(next, now);
  const done: Hold = { ...current, status: "confirmed", updatedAt: now };
  return { ok: true, state: next, hold: done, change: changeOf("confirm", state, next, done, now) };
}

/**
 * Cancelled or expired: the units go back to exactly the buckets they came from
 * (the channel's part first). When the cell is oversold, returned units cover the
 * shortfall before they become free again. Releasing what already ended released or
 * expired is a no-op; releasing what was confirmed is a conflict.
 */
export function release(
  state: CellState,
  current: Hold | undefined,
  holdId: string,
  reason: ReleaseReason,
  now: string,
): HoldOutcome {
  if (!current) return missing(holdId);
  if (current.status === "released" || current.status === "expired") return { ok: true, state, hold: current };
  if (current.status !== "held") return conflict(current, "release");
  const next = cloneCell(state);
  const freeBefore = freeTarget(next.onHand, next.reserved);
  next.reserved -= current.qty;
  const gained = freeTarget(next.onHand, next.reserved) - freeBefore;
  const toChannel = Math.min(current.fromChannel, gained);
  const toShared = Math.min(current.fromShared, gained - toChannel);
  const bucket = bucketOf(next, current.channel);
  bucket.free += toChannel;
  bucket.borrowed = Math.max(0, bucket.borrowed - toShared);
  next.shared += toShared;
  bump(next, now);
  const done: Hold = { ...current, status: reason === "expired" ? "expired" : "released", updatedAt: now };
  const change = changeOf(reason === "expired" ? "expire" : "release", state, next, done, now);
  return { ok: true, state: next, hold: done, change: reason === "abandoned" ? { ...change, reason } : change };
}
