import type { LowStock } from "./types";

/**
 * The thresholds worth keeping: channels without one dropped, and null when none is left
 * (the cell then has no `lowStock` at all, however it was cleared).
 */
export function keptThresholds(lowStock: { overall?: number; channels?: Record<string, number | undefined> }): LowStock | null {
  const channels = Object.fromEntries(Object.entries(lowStock.channels ?? {}).filter((entry): entry is [string, number] => entry[1] !== undefined));
  const kept: LowStock = {
    ...(lowStock.overall !== undefined ? { overall: lowStock.overall } : {}),
    ...(Object.keys(channels).length > 0 ? { channels } : {}),
  };
  return Object.keys(kept).length > 0 ? kept : null;
}
