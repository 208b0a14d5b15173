import { bucketOf } from "./state";
import type { CellState } from "./types";

/** Free units the cell should hold: everything on hand that no reservation holds. */
export function freeTarget(onHand: number, reserved: number): number {
  return Math.max(0, onHand - reserved);
}

/**
 * Adds free units: to the named channel's bucket, back to the buckets `from` says they left
 * (the channels' parts first, anything beyond to the pool), or to the shared pool. Mutates `state`.
 */
export function addFree(state: CellState, units: number, to?: string | FreeUnits): void {
  if (units <= 0) return;
  if (typeof to === "string") {
    bucketOf(state, to).free += units;
    return;
  }
  let left = units;
  for (const name of Object.keys(to?.channels ?? {}).sort()) {
    const part = Math.min(to!.channels[name]!, left);
    if (part > 0) bucketOf(state, name).free += part;
    left -= part;
  }
  state.shared += left;
}

/** Which free buckets removed units came from: the shared pool and each channel's own units. */
export interface FreeUnits {
  shared: number;
  channels: Record<string, number>;
}

/**
 * Removes free units (damage, a sale recorded at the till, a lower stocktake, a transfer):
 * the named channel's own units first, then the shared pool, then the other channels,
 * most free first. The caller never asks for more than is free. Mutates `state`; answers
 * where the units came from.
 */
export function removeFree(state: CellState, units: number, channel?: string): FreeUnits {
  const taken: FreeUnits = { shared: 0, channels: {} };
  let left = units;
  const take = (available: number): number => {
    const part = Math.min(available, left);
    left -= part;
    return part;
  };
  const fromChannel = (name: string): void => {
    const part = take(state.channels[name]!.free);
    if (part === 0) return;
    state.channels[name]!.free -= part;
    taken.channels[name] = (taken.channels[name] ?? 0) + part;
  };
  if (channel && state.channels[channel]) fromChannel(channel);
  taken.shared = take(state.shared);
  state.shared -= taken.shared;
  const others = Object.keys(state.channels).sort(
    (a, b) => state.channels[b]!.free - state.channels[a]!.free || (a < b ? -1 : 1),
  );
  for (const name of others) {
    if (left === 0) break;
    fromChannel(name);
  }
  if (left !== 0) throw new Error(`removeFree: ${left} units missing from the buckets`); // unreachable
  return taken;
}

/**
 * Changes onHand by `delta` and moves the free buckets by what that does to the free
 * units: a shortfall (reserved > onHand) is covered first, then units go where `addFree`
 * puts them (`to`: a channel, the buckets units left, else the pool); removals empty
 * buckets as `removeFree` says, the channel `to` names first. Mutates `state`; answers
 * where removed units came from (nothing when units were added).
 */
export function changeOnHand(state: CellState, delta: number, to?: string | FreeUnits): FreeUnits {
  const before = freeTarget(state.onHand, state.reserved);
  state.onHand += delta;
  const after = freeTarget(state.onHand, state.reserved);
  if (after < before) return removeFree(state, before - after, typeof to === "string" ? to : undefined);
  addFree(state, after - before, to);
  return { shared: 0, channels: {} };
}
