import { keptThresholds } from "./thresholds";
import { sharesOf } from "./shared-pool";
import { cloneCell, freeTotal } from "./state";
import type { CellChange, CellState, DomainError, LowStock, SharedPolicy } from "./types";

export interface AllocationRequest {
  onHand: number;
  channels: Record<string, { quota: number; weight: number }>;
  sharedPolicy: SharedPolicy;
  /** Thresholds to set with the allocation (left as they were when absent). */
  lowStock?: LowStock;
  /**
   * Apply only if the cell is still at this version (HTTP If-Match): an allocation sets on
   * hand, so one decided on a stale reading would undo the sales and counts made since.
   */
  ifVersion?: number;
}

export type AllocationResult =
  | { ok: true; state: CellState; change: CellChange }
  | { ok: false; error: DomainError };

/**
 * Set the cell to `onHand = Q` with a quota and weight per channel. Quotas must fit
 * in the units not held by reservations (Σ quota ≤ Q − reserved); what is left is
 * the shared pool, whose size becomes S₀ for weighted borrowing.
 *
 * An allocation is not a physical count: POS events recorded before it (that the
 * cloud had not seen) still apply. Only a stocktake supersedes older events.
 */
export function allocate(state: CellState, request: AllocationRequest, now: string): AllocationResult {
  if (request.ifVersion !== undefined && request.ifVersion !== state.version) {
    return {
      ok: false,
      error: {
        code: "precondition_failed",
        message: `the cell is at version ${state.version}, not ${request.ifVersion}: it changed since it was read (a sale, a count, another manager); read it again and decide on its current counts`,
        details: { version: state.version, expectedVersion: request.ifVersion, onHand: state.onHand, reserved: state.reserved },
      },
    };
  }
  let totalQuota = 0;
  for (const name in request.channels) totalQuota += request.channels[name]!.quota;
  // Negative when Q is below the units reserved: then even no quota fits (DOMAIN.md's
  // Σ quota ≤ Q − reserved). Units found missing are a stocktake's to record, which may oversell.
  const freeUnits = request.onHand - state.reserved;
  if (totalQuota > freeUnits) {
    return {
      ok: false,
      error: {
        code: "quota_exceeds_stock",
        message:
          freeUnits < 0
            ? `on hand (${request.onHand}) is below the units reserved (${state.reserved}): confirm or release reservations first, or record a stocktake`
            : `channel quotas (${totalQuota}) exceed the units not reserved (${freeUnits})`,
        details: { onHand: request.onHand, reserved: state.reserved, totalQuota, freeUnits },
      },
    };
  }

  const next = cloneCell(state);
  const pool = freeUnits - totalQuota;
  const weights: Record<string, number> = {};
  for (const name in request.channels) weights[name] = request.channels[name]!.weight;
  const shares = sharesOf(pool, weights);

  next.channels = {};
  for (const name in request.channels) {
    const { quota, weight } = request.channels[name]!;
    next.channels[name] = { quota, weight, share: shares[name]!, free: quota, borrowed: 0 };
  }
  next.onHand = request.onHand;
  next.shared = pool;
  next.sharedAtAllocation = pool;
  next.sharedPolicy = request.sharedPolicy;
  next.allocated = true;
  if (request.lowStock !== undefined) {
    // `{}` clears them, leaving no `lowStock` behind, as the low-stock route does.
    const thresholds = keptThresholds(request.lowStock);
    if (thresholds) next.lowStock = thresholds;
    else delete next.lowStock;
  }
  next.version += 1;
  next.updatedAt = now;
  if (freeTotal(next) + next.reserved !== Math.max(next.onHand, next.reserved)) {
    throw new Error("allocation broke the bucket identity"); // unreachable: guards the arithmetic
  }

  return {
    ok: true,
    state: next,
    change: {
      kind: "allocate",
      at: now,
      onHandBefore: state.onHand,
      onHandAfter: next.onHand,
      reservedBefore: state.reserved,
      reservedAfter: next.reserved,
    },
  };
}
