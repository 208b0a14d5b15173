// A cell's stock state, judged as the API's alerts judge it (durable-objects/core/alerts.ts):
// the overall level is the free units (0 while marked sold out or oversold); a level of 0
// is out (the `sold_out` alert), whatever the thresholds say; a level at or below a
// threshold is low. A channel's level is what it can take now (`availableFor`: its own free
// units and what it may borrow from the shared pool), and a thresholded channel with none
// left (its own `sold_out` alert, while other channels still sell) makes the cell low. A cell
// without thresholds is never low, only out when nothing is free.

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

export function thresholdsOf(row: StockLike): Thresholds | null {
  const value = row.lowStock;
  if (!value || typeof value !== "object") return null;
  const thresholds = value as Thresholds;
  return typeof thresholds.overall === "number" || (thresholds.channels && Object.keys(thresholds.channels).length) ? thresholds : null;
}

/**
 * Each channel's level as the alerts read it: a cell's `channels[name].available`. A
 * stock-report row has only each channel's own free units, which leave out what it may
 * borrow, so it has none (the overview judges its rows by the store's cells: region-data.ts).
 */
export function channelLevels(row: StockLike): Record<string, number> {
  const levels: Record<string, number> = {};
  if (!row.channels || typeof row.channels !== "object") return levels;
  for (const [name, channel] of Object.entries(row.channels as Record<string, { available?: unknown }>)) {
    if (typeof channel?.available === "number") levels[name] = channel.available;
  }
  return levels;
}

/** Nothing free to sell, though nobody marked it sold out (and it is not oversold, which says more). */
export function isOutOfStock(row: StockLike, freeUnits: number): boolean {
  return !row.soldOut && !row.oversold && freeUnits <= 0;
}

/** Sold out either way: marked by hand, or nothing free to sell (both refuse every order). */
export const isSoldOut = (row: StockLike, freeUnits: number): boolean => row.soldOut || isOutOfStock(row, freeUnits);

/** Is this cell low on stock: some units still free, at or below one of its thresholds. */
export function isLowStock(row: StockLike, freeUnits: number): boolean {
  if (typeof row.lowStock === "boolean") return row.lowStock;
  if (row.soldOut || row.oversold || freeUnits <= 0) return false;
  const thresholds = thresholdsOf(row);
  if (!thresholds) return false;
  if (thresholds.overall !== undefined && freeUnits <= thresholds.overall) return true;
  const levels = channelLevels(row);
  return Object.entries(thresholds.channels ?? {}).some(([channel, limit]) => {
    const level = levels[channel];
    return level !== undefined && level <= limit;
  });
}

export const OUT_OF_STOCK_NOTE = "Nothing free to sell: every unit on hand is reserved, or none is on hand. Every order is refused until units come back.";
export const SOLD_OUT_NOTE = "Marked sold out by hand, or nothing free to sell (out of stock)";
