/**
 * The stock cell's data: one SKU at one store. Plain data, no I/O, so the rules
 * can be tested by the thousand and run in any JavaScript runtime.
 *
 * Identity that holds after every operation:
 *   Σ channels[c].free + shared + reserved = max(onHand, reserved)
 * which is DOMAIN.md's `onHand = Σ free + shared + reserved` whenever the cell is
 * healthy; when it is oversold (onHand < reserved) every free bucket is 0 and the
 * shortfall is `reserved − onHand`.
 */

export type SharedPolicy = "first-come" | "weighted";

export interface ChannelBucket {
  /** Units dedicated to this channel at the last allocation. */
  quota: number;
  /** Weight for `weighted` borrowing from the shared pool. */
  weight: number;
  /** ⌊S₀ · weight / Σweight⌋ at the last allocation: this channel's fair part of the pool. */
  share: number;
  /** Dedicated units not yet taken. */
  free: number;
  /** Units this channel has taken from the shared pool since the last allocation (net of returns). */
  borrowed: number;
}

export interface CellState {
  storeId: string;
  sku: string;
  /** False until the first allocation; such a cell reads as not found and offers nothing. */
  allocated: boolean;
  onHand: number;
  reserved: number;
  /** Free units in the shared pool. */
  shared: number;
  /** S₀: the shared pool's size at the last allocation. */
  sharedAtAllocation: number;
  sharedPolicy: SharedPolicy;
  channels: Record<string, ChannelBucket>;
  soldOut: boolean;
  /** When the on-hand count was last set absolutely (allocation or stocktake); older counts are superseded. */
  countedAt?: string;
  /** The event id of that count: it breaks ties between counts made at the same instant. */
  countedBy?: string;
  /** When the sold-out flag was last decided; older decisions are superseded. */
  soldOutAt?: string;
  soldOutBy?: string;
  /** Bumped by every change; also the sequence number of the change's event. */
  version: number;
  updatedAt: string;
  /** Units shipped out by transfers and not yet received or cancelled (left onHand at shipping). */
  inTransit?: number;
  /** Units other stores shipped here by transfers, not yet received (not sellable, not on hand). */
  incoming?: number;
  /** Low-stock thresholds: an overall one and/or one per channel (see alerts.ts). */
  lowStock?: LowStock;
  /** Where each watched level stood after the last change (edge-triggered alerts, see alerts.ts). */
  alertBands?: AlertBands;
}

export interface LowStock {
  overall?: number;
  channels?: Record<string, number>;
}

export type AlertBand = "ok" | "low" | "out";

export interface AlertBands {
  overall: AlertBand;
  channels: Record<string, AlertBand>;
  oversold: boolean;
}

export type HoldStatus = "held" | "confirmed" | "released" | "expired";

/**
 * Why a hold is given back: the order was released, it expired, or the attempt that held it
 * never became a reservation (`abandoned`: another item was short, or the creation was cut
 * off and swept). An abandoned hold ends `released` in the cell; its ledger row carries the
 * reason, so the reports can tell a reservation's release from an attempt's undo.
 */
export type ReleaseReason = "released" | "expired" | "abandoned";
export const ABANDONED_REASON = "abandoned" satisfies ReleaseReason;

/** Units one reservation holds in this cell, and the buckets they came from. */
export interface Hold {
  holdId: string;
  reservationId: string;
  channel: string;
  qty: number;
  fromChannel: number;
  fromShared: number;
  status: HoldStatus;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
}

/** Every kind of change a cell records (its ledger, its outbox, the reporting `movements`). */
export const CHANGE_KINDS = [
  "allocate",
  "hold",
  "confirm",
  "release",
  "expire",
  "adjust",
  "set",
  "sold_out",
  "return",
  "transfer_out",
  "transfer_expected",
  "transfer_in",
  "transfer_done",
  "transfer_loss",
  "transfer_cancel",
  "transfer_unexpected",
  "low_stock_set",
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** One row of the cell's ledger, and the body of its outbox event. */
export interface CellChange {
  kind: ChangeKind;
  /** When the cell recorded the change (server time). */
  at: string;
  /** When it happened in the world, when that differs from `at` (a POS event's device time). */
  effectiveAt?: string;
  /** A stocktake's counted value and the relative changes after it that were added (delta compensation). */
  counted?: number;
  compensation?: number;
  qty?: number;
  delta?: number;
  channel?: string;
  reservationId?: string;
  /** The return, transfer or import this change belongs to. */
  reference?: string;
  /** The store event (offline replay) that caused the change, when there was one. */
  sourceEventId?: string;
  reason?: string;
  soldOut?: boolean;
  onHandBefore: number;
  onHandAfter: number;
  reservedBefore: number;
  reservedAfter: number;
}

export type DomainErrorCode =
  | "invalid_request"
  | "not_found"
  | "conflict"
  | "insufficient_stock"
  | "quota_exceeds_stock"
  /** A conditional change (If-Match) whose condition no longer holds: nothing changed. */
  | "precondition_failed"
  /** Not done yet for a transient reason; repeating the same request finishes it. */
  | "unavailable";

export interface DomainError {
  code: DomainErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** Why a cell cannot offer units right now (besides plain shortage). */
export type UnavailableReason = "not_allocated" | "sold_out" | "oversold";
