import { bucketOf } from "./state";
import type { CellState } from "./types";

/** Free units the cell should hold: everything on hand that no reservation holds. */
export function freeTarget(onHand: number, reserved: number): number {
  return Math.max(0, onHand - reserved);
}

/** Adds free units to the named channel's bucket, or to the shared pool. Mutates `state`. */
export function addFree(state: CellState, units: number, channel?: string): void {
  if (units <= 0) return;
  if (channel) bucketOf(state, channel).free += units;
  else state.shared += units;
}

/**
 * Removes free units (damage, a sale recorded at the till, a lower stocktake):
 * the named channel's own units first, then the shared pool, then the other
 * channels, most free first. The caller never asks for more than is free. Mutates `state`.
 */
export function removeFree(state: CellState, units: number, channel?: string): void {
  let left = units;
  const take = (available: number): number => {
    const taken = Math.min(available, left);
    left -= taken;
    return taken;
  };
  if (channel && state.channels[channel]) state.channels[channel]!.free -= take(state.channels[channel]!.free);
  state.shared -= take(state.shared);
  const others = Object.keys(state.channels).sort(
    (a, b) => state.channels[b]!.free - state.channels[a]!.free || (a < b ? -1 : 1),
  );
  for (const name of others) {
    if (left === 0) break;
    state.channels[name]!.free -= take(state.channels[name]!.free);
  }
  if (left !== 0) throw new Error(`removeFree: ${left} units missing from the buckets`); // unreachable
}

/**
 * Changes onHand by `delta` and moves the free buckets by what that does to the free
 * units: a shortfall (reserved > onHand) is covered first, then units go to the
 * channel or pool; removals empty buckets as `removeFree` says. Mutates `state`.
 */
export function changeOnHand(state: CellState, delta: number, channel?: string): void {
  const before = freeTarget(state.onHand, state.reserved);
  state.onHand += delta;
  const after = freeTarget(state.onHand, state.reserved);
  if (after > before) addFree(state, after - before, channel);
  else if (after < before) removeFree(state, before - after, channel);
}
