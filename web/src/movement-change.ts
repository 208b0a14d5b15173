// The ledger's Change column. Pure (tested in Node).
import { formatNumber } from "./format";

export interface MovementNumbers {
  delta: number | null;
  qty: number | null;
  onHandBefore: number;
  onHandAfter: number;
}

const signed = (value: number) => `${value > 0 ? "+" : ""}${formatNumber(value)}`;

/**
 * The movement's delta; without one (an allocation or import sets on hand rather than adding
 * to it), how on hand changed; else its quantity (a reservation's units), or "–".
 */
export function changeOf(row: MovementNumbers): string {
  if (row.delta !== null) return signed(row.delta);
  if (row.onHandAfter !== row.onHandBefore) return signed(row.onHandAfter - row.onHandBefore);
  return row.qty !== null ? formatNumber(row.qty) : "–";
}
