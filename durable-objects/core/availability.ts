import { borrowable } from "./shared-pool";
import { isOversold } from "./state";
import type { CellState, UnavailableReason } from "./types";

/** Why the cell offers nothing at all, whatever its counts say; undefined when it can offer. */
export function unavailableReason(state: CellState): UnavailableReason | undefined {
  if (!state.allocated) return "not_allocated";
  if (state.soldOut) return "sold_out";
  if (isOversold(state)) return "oversold";
  return undefined;
}

/** available(c) = free[c] + what c may still borrow from the shared pool; 0 when blocked. */
export function availableFor(state: CellState, channel: string): number {
  if (unavailableReason(state)) return 0;
  return (state.channels[channel]?.free ?? 0) + borrowable(state, channel);
}
