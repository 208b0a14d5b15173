import { availableFor } from "./availability";
import { isOversold } from "./state";
import type { CellState } from "./types";

/** The cell as the API shows it. */
export function viewOf(state: CellState) {
  const freeChannels: Record<string, number> = {};
  const channels: Record<string, { quota: number; weight: number; available: number }> = {};
  for (const name of Object.keys(state.channels).sort()) {
    const bucket = state.channels[name]!;
    freeChannels[name] = bucket.free;
    channels[name] = { quota: bucket.quota, weight: bucket.weight, available: availableFor(state, name) };
  }
  return {
    storeId: state.storeId,
    sku: state.sku,
    onHand: state.onHand,
    reserved: state.reserved,
    soldOut: state.soldOut,
    oversold: isOversold(state),
    sharedPolicy: state.sharedPolicy,
    free: { shared: state.shared, channels: freeChannels },
    channels,
    inTransit: state.inTransit ?? 0,
    incoming: state.incoming ?? 0,
    ...(state.lowStock ? { lowStock: state.lowStock } : {}),
    version: state.version,
    updatedAt: state.updatedAt,
  };
}
