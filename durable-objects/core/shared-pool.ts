import type { CellState } from "./types";

/**
 * How many units `channel` may still take from the shared pool.
 *
 * `first-come`: all of it. `weighted`: all of it except what is still owed to the
 * other channels' shares (⌊S₀·w/Σw⌋ minus what each already borrowed). Rounding
 * leftovers, and units added to the pool after the allocation, belong to no share
 * and so are first-come, as DOMAIN.md asks.
 */
export function borrowable(state: CellState, channel: string): number {
  if (state.sharedPolicy === "first-come") return state.shared;
  let owedToOthers = 0;
  for (const name in state.channels) {
    if (name === channel) continue;
    const bucket = state.channels[name]!;
    owedToOthers += Math.max(0, bucket.share - bucket.borrowed);
  }
  return Math.max(0, state.shared - owedToOthers);
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
