import { allocate, type AllocationRequest } from "./allocation";
import { changeOnHand, freeTarget, removeFree, type FreeUnits } from "./buckets";
import { cloneCell, isOversold } from "./state";
import { changeOf } from "./stock-changes";
import type { CellChange, CellState, DomainError, LowStock } from "./types";

/**
 * Multi-cell operations (returns, imports, transfers) touch each cell under an operation
 * id that the cell remembers, so a retried step is a no-op and a conflicting one is refused.
 * The record says what the cell did for the operation and where it stands.
 */
export interface CellOp {
  opId: string;
  kind: "return" | "import" | "transfer_out" | "transfer_in";
  /** What was asked (compared on a repeat). */
  fingerprint: string;
  qty: number;
  status: "applied" | "shipped" | "expected" | "received" | "cancelled";
  received?: number;
  /** A shipment's units by the bucket they left, so a cancel puts them back there (absent on records from before it was kept). */
  from?: FreeUnits;
  at: string;
}

/** The operations whose movements carry a reference, in the form `<kind>:<id>[#<attempt>]`. */
export const OPERATION_REFERENCE_KINDS = ["return", "transfer", "import"] as const;
export type OperationReferenceKind = (typeof OPERATION_REFERENCE_KINDS)[number];

/** The one place an operation id is spelt: cells key their op records by it and movements show it as their reference. */
export function operationReference(kind: OperationReferenceKind, id: string, attempt?: number): string {
  return attempt === undefined ? `${kind}:${id}` : `${kind}:${id}#${attempt}`;
}

export type OpLookup = (opId: string) => CellOp | undefined;

export type OpCommand =
  | { type: "return"; opId: string; qty: number; channel?: string; reason: string }
  | ({ type: "import"; opId: string } & AllocationRequest)
  | { type: "transferShip"; opId: string; qty: number }
  | { type: "transferExpect"; opId: string; qty: number }
  /** `reason`: the movements' reason, `transfer_cancelled` unless the undo of a ship that failed (`transfer_failed`). */
  | { type: "transferCancel"; opId: string; reason?: TransferUndoReason }
  | { type: "transferUnexpect"; opId: string; reason?: TransferUndoReason }
  | { type: "transferReceive"; opId: string; received: number; reason: string }
  | { type: "transferClose"; opId: string; received: number; reason: string }
  | { type: "lowStock"; lowStock: LowStock | null };

export type OpResult =
  | { ok: true; state: CellState; change?: CellChange; op?: CellOp }
  | { ok: false; error: DomainError };

const conflict = (message: string, details?: Record<string, unknown>): OpResult => ({ ok: false, error: { code: "conflict", message, ...(details ? { details } : {}) } });
const notFound = (message: string): OpResult => ({ ok: false, error: { code: "not_found", message } });

function bump(next: CellState, now: string): CellState {
  next.version += 1;
  next.updatedAt = now;
  return next;
}

/** A stable text of what was asked: equal requests give equal fingerprints. */
export function fingerprintOf(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.keys(v as object)
          .filter((key) => (v as Record<string, unknown>)[key] !== undefined)
          .sort()
          .map((key) => [key, canonical((v as Record<string, unknown>)[key])]),
      );
    }
    return v;
  };
  return JSON.stringify(canonical(value));
}

/** Repeating an operation the cell already did answers like the first time, with nothing new to write. */
function repeat(state: CellState, existing: CellOp, fingerprint: string): OpResult {
  if (existing.fingerprint !== fingerprint) return conflict(`operation ${existing.opId} was already applied here with other content`, { status: existing.status });
  return { ok: true, state };
}

export function applyOperation(state: CellState, findOp: OpLookup, command: OpCommand, now: string): OpResult {
  if (!state.allocated && command.type !== "import") return notFound(`${state.storeId}/${state.sku} has not been allocated`);
  switch (command.type) {
    case "return":
      return applyReturn(state, findOp(command.opId), command, now);
    case "import":
      return applyImport(state, findOp(command.opId), command, now);
    case "lowStock":
      return setLowStock(state, command.lowStock, now);
    case "transferShip":
      return ship(state, findOp(command.opId), command.opId, command.qty, now);
    case "transferExpect":
      return expect(state, findOp(command.opId), command.opId, command.qty, now);
    case "transferCancel":
    case "transferUnexpect":
      return cancel(state, findOp(command.opId), command.opId, command.reason ?? "transfer_cancelled", now);
    case "transferReceive":
      return receive(state, findOp(command.opId), command, now);
    case "transferClose":
      return close(state, findOp(command.opId), command, now);
  }
}

/** Returned units go back to the shared pool, or to the named channel (covering any shortfall first). */
function applyReturn(state: CellState, existing: CellOp | undefined, command: Extract<OpCommand, { type: "return" }>, now: string): OpResult {
  const fingerprint = fingerprintOf({ qty: command.qty, channel: command.channel, reason: command.reason });
  if (existing) return repeat(state, existing, fingerprint);
  const next = cloneCell(state);
  changeOnHand(next, command.qty, command.channel);
  bump(next, now);
  return {
    ok: true,
    state: next,
    change: changeOf("return", state, next, now, {
      qty: command.qty,
      delta: command.qty,
      reason: command.reason,
      reference: command.opId,
      ...(command.channel ? { channel: command.channel } : {}),
    }),
    op: { opId: command.opId, kind: "return", fingerprint, qty: command.qty, status: "applied", at: now },
  };
}

/** An import line is an allocation done once per import id (a retried import never re-applies it). */
function applyImport(state: CellState, existing: CellOp | undefined, command: Extract<OpCommand, { type: "import" }>, now: string): OpResult {
  const { type: _type, opId, ...request } = command;
  const fingerprint = fingerprintOf(request);
  if (existing) return repeat(state, existing, fingerprint);
  const result = allocate(state, request, now);
  if (!result.ok) return result;
  return {
    ok: true,
    state: result.state,
    change: { ...result.change, reason: "import", reference: opId },
    op: { opId, kind: "import", fingerprint, qty: request.onHand, status: "applied", at: now },
  };
}

/** Sets or clears the thresholds; a change of thresholds is a change of the cell (versioned, in the ledger). */
export function setLowStock(state: CellState, lowStock: LowStock | null, now: string): OpResult {
  if (fingerprintOf(state.lowStock ?? null) === fingerprintOf(lowStock)) return { ok: true, state };
  const next = cloneCell(state);
  if (lowStock) next.lowStock = lowStock;
  else delete next.lowStock;
  bump(next, now);
  return { ok: true, state: next, change: changeOf("low_stock_set", state, next, now, { reason: "thresholds" }) };
}

/**
 * Ships units out of the source: only free units (never what reservations hold), the
 * shared pool first, then the channels with the most free units. They leave onHand and
 * wait in `inTransit` until received or cancelled.
 */
function ship(state: CellState, existing: CellOp | undefined, opId: string, qty: number, now: string): OpResult {
  const fingerprint = fingerprintOf({ ship: qty });
  if (existing) {
    if (existing.kind !== "transfer_out" || existing.fingerprint !== fingerprint) return conflict(`transfer ${opId} already touched this cell with other content`, { status: existing.status });
    if (existing.status === "cancelled") return conflict(`transfer ${opId} was cancelled here`, { status: existing.status });
    return { ok: true, state };
  }
  const free = isOversold(state) ? 0 : freeTarget(state.onHand, state.reserved);
  if (qty > free) {
    return {
      ok: false,
      error: {
        code: "insufficient_stock",
        message: isOversold(state) ? "the cell is oversold" : `only ${free} units are free to ship`,
        details: { requested: qty, available: free, ...(isOversold(state) ? { reason: "oversold" } : {}) },
      },
    };
  }
  const next = cloneCell(state);
  const from = removeFree(next, qty);
  next.onHand -= qty;
  next.inTransit = (next.inTransit ?? 0) + qty;
  bump(next, now);
  return {
    ok: true,
    state: next,
    change: changeOf("transfer_out", state, next, now, { qty, delta: -qty, reference: opId, reason: "transfer" }),
    op: { opId, kind: "transfer_out", fingerprint, qty, status: "shipped", from, at: now },
  };
}

/** The destination learns what is coming: shown as `incoming`, not sellable, not on hand. */
function expect(state: CellState, existing: CellOp | undefined, opId: string, qty: number, now: string): OpResult {
  const fingerprint = fingerprintOf({ expect: qty });
  if (existing) {
    if (existing.kind !== "transfer_in" || existing.fingerprint !== fingerprint) return conflict(`transfer ${opId} already touched this cell with other content`, { status: existing.status });
    if (existing.status === "cancelled") return conflict(`transfer ${opId} was cancelled here`, { status: existing.status });
    return { ok: true, state };
  }
  const next = cloneCell(state);
  next.incoming = (next.incoming ?? 0) + qty;
  bump(next, now);
  return {
    ok: true,
    state: next,
    change: changeOf("transfer_expected", state, next, now, { qty, delta: 0, reference: opId, reason: "transfer" }),
    op: { opId, kind: "transfer_in", fingerprint, qty, status: "expected", at: now },
  };
}

/** Why shipped units come back: a person cancelled the transfer, or its ship failed and is undone. */
export type TransferUndoReason = "transfer_cancelled" | "transfer_failed";

/**
 * Cancelling (or undoing a shipment whose transfer failed): shipped units come back to the
 * buckets they left, as a released reservation's do (a shortfall first); the destination
 * stops expecting them.
 */
function cancel(state: CellState, existing: CellOp | undefined, opId: string, reason: TransferUndoReason, now: string): OpResult {
  if (!existing) return notFound(`transfer ${opId} never touched this cell`);
  if (existing.status === "cancelled") return { ok: true, state };
  if (existing.status === "received") return conflict(`transfer ${opId} was already received`, { status: existing.status });
  const next = cloneCell(state);
  let change: CellChange;
  if (existing.kind === "transfer_out") {
    next.inTransit = Math.max(0, (next.inTransit ?? 0) - existing.qty);
    changeOnHand(next, existing.qty, existing.from);
    bump(next, now);
    change = changeOf("transfer_cancel", state, next, now, { qty: existing.qty, delta: existing.qty, reference: opId, reason });
  } else {
    next.incoming = Math.max(0, (next.incoming ?? 0) - existing.qty);
    bump(next, now);
    change = changeOf("transfer_unexpected", state, next, now, { qty: existing.qty, delta: 0, reference: opId, reason });
  }
  return { ok: true, state: next, change, op: { ...existing, status: "cancelled", at: now } };
}

/** What arrived goes on hand at the destination (to the shared pool); the rest never arrives here. */
function receive(state: CellState, existing: CellOp | undefined, command: Extract<OpCommand, { type: "transferReceive" }>, now: string): OpResult {
  if (!existing || existing.kind !== "transfer_in") return notFound(`transfer ${command.opId} is not expected here`);
  if (existing.status === "received") {
    return existing.received === command.received ? { ok: true, state } : conflict(`transfer ${command.opId} was already received with ${existing.received} units`, { status: "received" });
  }
  if (existing.status === "cancelled") return conflict(`transfer ${command.opId} was cancelled`, { status: "cancelled" });
  if (command.received > existing.qty) return { ok: false, error: { code: "invalid_request", message: `received ${command.received} of ${existing.qty} shipped` } };
  const next = cloneCell(state);
  next.incoming = Math.max(0, (next.incoming ?? 0) - existing.qty);
  changeOnHand(next, command.received);
  bump(next, now);
  return {
    ok: true,
    state: next,
    change: changeOf("transfer_in", state, next, now, { qty: command.received, delta: command.received, reference: command.opId, reason: "transfer" }),
    op: { ...existing, status: "received", received: command.received, at: now },
  };
}

/** The source closes its in-transit units; a shortfall is recorded as a loss with its reason (on hand already excluded it). */
function close(state: CellState, existing: CellOp | undefined, command: Extract<OpCommand, { type: "transferClose" }>, now: string): OpResult {
  if (!existing || existing.kind !== "transfer_out") return notFound(`transfer ${command.opId} was not shipped from here`);
  if (existing.status === "received") {
    return existing.received === command.received ? { ok: true, state } : conflict(`transfer ${command.opId} was already closed with ${existing.received} units`, { status: "received" });
  }
  if (existing.status === "cancelled") return conflict(`transfer ${command.opId} was cancelled`, { status: "cancelled" });
  const lost = existing.qty - command.received;
  const next = cloneCell(state);
  next.inTransit = Math.max(0, (next.inTransit ?? 0) - existing.qty);
  bump(next, now);
  return {
    ok: true,
    state: next,
    change: lost > 0
      ? changeOf("transfer_loss", state, next, now, { qty: lost, delta: 0, reference: command.opId, reason: command.reason })
      : changeOf("transfer_done", state, next, now, { qty: existing.qty, delta: 0, reference: command.opId, reason: "transfer_received" }),
    op: { ...existing, status: "received", received: command.received, at: now },
  };
}
