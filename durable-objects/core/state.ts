import type { CellState, ChannelBucket } from "./types";

export function emptyCell(storeId: string, sku: string, now: string): CellState {
  return {
    storeId,
    sku,
    allocated: false,
    onHand: 0,
    reserved: 0,
    shared: 0,
    sharedAtAllocation: 0,
    sharedPolicy: "first-come",
    channels: {},
    soldOut: false,
    version: 0,
    updatedAt: now,
  };
}

/** A copy deep enough that the rules can change it without touching the original. */
export function cloneCell(state: CellState): CellState {
  const channels: Record<string, ChannelBucket> = {};
  for (const name in state.channels) channels[name] = { ...state.channels[name]! };
  return { ...state, channels };
}

export function isOversold(state: CellState): boolean {
  return state.onHand < state.reserved;
}

/** Units short when oversold (0 when healthy). */
export function shortfall(state: CellState): number {
  return Math.max(0, state.reserved - state.onHand);
}

export function freeTotal(state: CellState): number {
  let total = state.shared;
  for (const name in state.channels) total += state.channels[name]!.free;
  return total;
}

/** The bucket of a channel, created empty when the allocation did not name it. */
export function bucketOf(state: CellState, channel: string): ChannelBucket {
  let bucket = state.channels[channel];
  if (!bucket) {
    bucket = { quota: 0, weight: 0, share: 0, free: 0, borrowed: 0 };
    state.channels[channel] = bucket;
  }
  return bucket;
}
