import type { CellState } from "./types";

/**
 * How many units `channel` may still take from the shared pool.
 *
 * `first-come`: all of it. `weighted`: all of it except what is still owed to the
 * other channels' shares (⌊S₀·w/Σw⌋ minus what each already borrowed). Rounding
 * leftovers, and units added to the pool after the allocation, belong to no share
 * and so are first-come, as DOMAIN.md asks. When the pool has shrunk below what is
 * owed (damage, a lower count or a transfer took pool units no channel borrowed), each
 * channel may still take what is left of its own share, first come: DOMAIN.md's bound
 * holds, and no pool unit is left that no channel may sell.
 */
export function borrowable(state: CellState, channel: string): number {
  if (state.sharedPolicy === "first-come") return state.shared;
  let owedToOthers = 0;
  for (const name in state.channels) {
    if (name === channel) continue;
    owedToOthers += owed(state.channels[name]!);
  }
  const own = state.channels[channel] ? owed(state.channels[channel]!) : 0;
  return Math.min(state.shared, Math.max(own, state.shared - owedToOthers));
}

/** What is left of a channel's share of the pool. */
function owed(bucket: { share: number; borrowed: number }): number {
  return Math.max(0, bucket.share - bucket.borrowed);
}

/** ⌊S₀ · w_c / Σw⌋ for every channel (0 for all when no channel has weight). */
export function sharesOf(poolSize: number, weights: Record<string, number>): Record<string, number> {
  let totalWeight = 0;
  for (const name in weights) totalWeight += weights[name]!;
  const shares: Record<string, number> = {};
  for (const name in weights) {
    shares[name] = totalWeight > 0 ? Math.floor((poolSize * weights[name]!) / totalWeight) : 0;
  }
  return shares;
}
