import { applyCommand, emptyCell, type CellCommand, type CellOp, type CellState, type DomainError } from "../core";
import type { CellKey } from "../stock-cell";
import { eventWithAlerts } from "./cell-events";
import type { CellEvent } from "./cell-tables";

/**
 * A cell the store hub keeps for a SKU whose object has not been created yet: an import
 * into such SKUs is recorded in the hub (one commit for many lines) instead of creating
 * one object per line. The cell adopts all of it the first time it is used (see
 * StockCell's claim and StoreHub.claim), and the hub's alarm creates the rest soon after.
 */
export interface StagedCell {
  state: CellState;
  /** Every change, as the cell's ledger and outbox rows: the cell delivers them once adopted. */
  events: CellEvent[];
  ops: CellOp[];
}

export type ImportCommand = Extract<CellCommand, { type: "import" }>;

export type StageResult = { ok: true; staged: StagedCell; event?: CellEvent } | { ok: false; error: DomainError };

/** Applies an import to a staged cell by the cell's own rules, as the cell would have. */
export function stageImport(staged: StagedCell | undefined, key: CellKey, command: ImportCommand, now: string): StageResult {
  const before = staged?.state ?? emptyCell(key.storeId, key.sku, now);
  const ops = new Map((staged?.ops ?? []).map((op) => [op.opId, op]));
  // A staged cell has never held a reservation: there are no holds to look up.
  const result = applyCommand(before, () => undefined, command, now, (opId) => ops.get(opId));
  if (!result.ok) return result;
  if (result.oversell) throw new Error(`an import oversold ${key.storeId}/${key.sku}, which holds no reservations`);
  if (result.op) ops.set(result.op.opId, result.op);
  const events = [...(staged?.events ?? [])];
  let state = result.state;
  let event: CellEvent | undefined;
  if (result.change) {
    const made = eventWithAlerts(before.alertBands, state, result.change);
    event = made.event;
    state = { ...state, alertBands: made.bands };
    events.push(event);
  }
  return { ok: true, staged: { state, events, ops: [...ops.values()] }, ...(event ? { event } : {}) };
}
