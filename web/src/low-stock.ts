// Low stock. A cell may carry low-stock thresholds (`lowStock: {overall?, channels?}`, set
// with its allocation): it is low when its free units (overall, or a channel's) are at or
// below the threshold but not 0 (0 is out: sold out or nothing free), as the API's alerts
// judge it. A cell without thresholds counts as low, as a labelled placeholder, when it has
// no free units left and is not already sold out or oversold.

export interface Thresholds {
  overall?: number;
  channels?: Record<string, number>;
}

export interface StockLike {
  onHand: number;
  reserved: number;
  soldOut: boolean;
  oversold: boolean;
  lowStock?: unknown;
  free?: unknown;
  channels?: unknown;
}

export type LowStockSource = "api" | "placeholder" | "mixed";

export function thresholdsOf(row: StockLike): Thresholds | null {
  const value = row.lowStock;
  if (!value || typeof value !== "object") return null;
  const thresholds = value as Thresholds;
  return typeof thresholds.overall === "number" || (thresholds.channels && Object.keys(thresholds.channels).length) ? thresholds : null;
}

/** Free units of each channel, from a cell (`free.channels`) or a stock-report row (`free`). */
function channelFree(row: StockLike): Record<string, number> {
  const free = row.free as { channels?: Record<string, number> } | Record<string, number> | undefined;
  if (!free || typeof free !== "object") return {};
  return ("channels" in free && typeof free.channels === "object" ? free.channels : free) as Record<string, number>;
}

/** Is this cell low on stock: by its thresholds when it has some, else by the placeholder rule. */
export function isLowStock(row: StockLike, freeUnits: number): boolean {
  if (typeof row.lowStock === "boolean") return row.lowStock;
  if (row.soldOut || row.oversold) return false;
  const thresholds = thresholdsOf(row);
  if (!thresholds) return freeUnits === 0;
  if (thresholds.overall !== undefined && freeUnits > 0 && freeUnits <= thresholds.overall) return true;
  const free = channelFree(row);
  return Object.entries(thresholds.channels ?? {}).some(([channel, limit]) => {
    const units = free[channel] ?? 0;
    return units > 0 && units <= limit;
  });
}

export function lowStockSource(rows: StockLike[]): LowStockSource {
  const withThresholds = rows.filter((row) => thresholdsOf(row) !== null).length;
  return withThresholds === 0 ? "placeholder" : withThresholds === rows.length ? "api" : "mixed";
}

export const LOW_STOCK_PLACEHOLDER_NOTE =
  "Low stock uses each cell's low-stock thresholds; cells without thresholds count as low when they have 0 free units (a placeholder until thresholds are set).";
