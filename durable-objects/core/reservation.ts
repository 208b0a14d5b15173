/**
 * A reservation's life, as plain data: the Reservation Durable Object persists a
 * record and drives the cells; these rules decide what each call means.
 */

/**
 * `holding`, `abandoning`, `confirming`, `releasing` and `expiring` are steps under way; the
 * rest are settled. A creation is no longer written down before its cells hold (it is first
 * written as `pending`), so `holding` is only found in records written by an earlier
 * version; such a record, cut off before it answered, is abandoned: `abandoning` is written
 * before its holds are given back, so that a retry after a crash never mistakes an attempt
 * whose holds were already released for one still holding.
 */
export type ReservationPhase =
  | "holding"
  | "abandoning"
  | "pending"
  | "confirming"
  | "confirmed"
  | "releasing"
  | "released"
  | "expiring"
  | "expired"
  | "failed";

export type PublicStatus = "pending" | "confirmed" | "released" | "expired";

export interface ReservationItem {
  storeId: string;
  sku: string;
  qty: number;
}

/** An item a cell could not give (a reservation's or a transfer's): what was asked, what was there, and by how much it fell short. */
export interface Shortage {
  storeId: string;
  sku: string;
  requested: number;
  available: number;
  /** requested − available. */
  short: number;
  reason?: string;
}

export function shortageOf(item: ReservationItem, available: number, reason: string | undefined): Shortage {
  return { storeId: item.storeId, sku: item.sku, requested: item.qty, available, short: item.qty - available, ...(reason ? { reason } : {}) };
}

/** The shortage a cell's `insufficient_stock` refusal names (its details: `available`, `reason`). */
export function shortageOfRefusal(item: ReservationItem, details: Record<string, unknown> | undefined): Shortage {
  return shortageOf(item, Number(details?.available ?? 0), details?.reason ? String(details.reason) : undefined);
}

export interface HeldItem extends ReservationItem {
  fromChannel: number;
  fromShared: number;
}

/** An item as the client asked for it: without a store, the service picks one. */
export interface RequestedItem {
  storeId?: string;
  sku: string;
  qty: number;
}

export interface ReservationRequest {
  reservationId: string;
  channel: string;
  ttlSeconds: number;
  items: RequestedItem[];
  /** When the items name no store: the stores to try, in priority order. */
  candidates?: string[];
}

export interface ReservationRecord {
  reservationId: string;
  channel: string;
  ttlSeconds: number;
  /** What the client asked for (compared on a retry). */
  requested: RequestedItem[];
  /** What this attempt holds: every item with its store. */
  items: ReservationItem[];
  /** The store the service picked, when the client named none. */
  chosenStoreId?: string;
  phase: ReservationPhase;
  /** Each attempt holds under its own hold id, so a retry after a shortfall never meets the old holds. */
  attempt: number;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
  held: HeldItem[];
}

export const STEP_TARGET = {
  confirming: "confirmed",
  releasing: "released",
  expiring: "expired",
} as const satisfies Partial<Record<ReservationPhase, ReservationPhase>>;

export type StepPhase = keyof typeof STEP_TARGET;

export function isStep(phase: ReservationPhase): phase is StepPhase {
  return phase in STEP_TARGET;
}

export function holdIdOf(record: Pick<ReservationRecord, "reservationId" | "attempt">): string {
  return `${record.reservationId}#${record.attempt}`;
}

/** The attempt a hold id belongs to (`holdIdOf`'s number); 0 for a hold id of another form. */
export function attemptOfHold(holdId: string): number {
  const match = /#(\d+)$/.exec(holdId);
  return match ? Number(match[1]) : 0;
}

const itemKey = (item: RequestedItem) => `${item.storeId ?? "*"}\u0000${item.sku}\u0000${item.qty}`;

/** The same reservation id with the same content is a retry; anything else is a conflict. */
export function sameRequest(record: Pick<ReservationRecord, "channel" | "ttlSeconds" | "requested">, request: ReservationRequest): boolean {
  if (record.channel !== request.channel || record.ttlSeconds !== request.ttlSeconds) return false;
  if (record.requested.length !== request.items.length) return false;
  const mine = record.requested.map(itemKey).sort();
  const theirs = request.items.map(itemKey).sort();
  return mine.every((key, index) => key === theirs[index]);
}

export function publicStatus(phase: ReservationPhase): PublicStatus | undefined {
  switch (phase) {
    case "pending":
    case "confirmed":
    case "released":
    case "expired":
      return phase;
    default:
      return undefined;
  }
}

export type TransitionVerdict =
  | { kind: "start"; step: StepPhase }
  | { kind: "done" }
  | { kind: "conflict"; status: PublicStatus }
  | { kind: "not_found" };

/**
 * Compare-and-set on the reservation: only `pending` moves. Repeating what already
 * happened is done; releasing an expired reservation is done too (its units are back).
 */
export function decideTransition(record: ReservationRecord | undefined, wanted: "confirm" | "release"): TransitionVerdict {
  if (!record || record.phase === "failed") return { kind: "not_found" };
  const status = publicStatus(record.phase);
  if (!status) throw new Error(`decideTransition on unsettled phase ${record.phase}`);
  if (status === "pending") return { kind: "start", step: wanted === "confirm" ? "confirming" : "releasing" };
  if (wanted === "confirm") return status === "confirmed" ? { kind: "done" } : { kind: "conflict", status };
  return status === "released" || status === "expired" ? { kind: "done" } : { kind: "conflict", status };
}

export function isExpired(record: ReservationRecord, nowMs: number): boolean {
  return record.phase === "pending" && nowMs >= Date.parse(record.expiresAt);
}

/**
 * How long a settled reservation (confirmed, released, expired, or a creation that failed)
 * is remembered after it settled: retries of its creation and of its last step answer as
 * before, and reads find it. Then its shard forgets it, so a shard's storage holds about a
 * month of the chain's orders instead of all of them (a decision: see the README).
 */
export const SETTLED_RETENTION_MS = 30 * 86_400_000;
/** Forgetting times are rounded up to the hour, so a shard forgets in a few batches a day. */
export const FORGET_STEP_MS = 3_600_000;

/** The phases a reservation never leaves. */
export const SETTLED_PHASES: readonly ReservationPhase[] = ["confirmed", "released", "expired", "failed"];

/** When a record may be forgotten (ms since the epoch), or null while it can still move. */
export function forgetAt(record: Pick<ReservationRecord, "phase" | "updatedAt">): number | null {
  if (!SETTLED_PHASES.includes(record.phase)) return null;
  return Math.ceil((Date.parse(record.updatedAt) + SETTLED_RETENTION_MS) / FORGET_STEP_MS) * FORGET_STEP_MS;
}

export function isForgettable(record: Pick<ReservationRecord, "phase" | "updatedAt">, nowMs: number): boolean {
  const at = forgetAt(record);
  return at !== null && nowMs >= at;
}
