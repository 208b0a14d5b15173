import { availableFor } from "./availability";
import { freeTotal, isOversold } from "./state";
import type { AlertBand, AlertBands, CellState } from "./types";

export type AlertType = "low_stock" | "back_in_stock" | "sold_out" | "oversold";

/** One threshold event: `scope` is "overall" or a channel name; `id` is unique per crossing. */
export interface Alert {
  id: string;
  type: AlertType;
  storeId: string;
  sku: string;
  scope: string;
  /** The band the level is in after the crossing: back_in_stock to "low" (out of sold-out, still low) or to "ok". */
  band: AlertBand | "oversold";
  level: number;
  threshold: number | null;
  at: string;
}

/**
 * Units a level may rise above its threshold before `low` clears: without this margin a
 * sale and a return around the threshold would alternate low / back-in-stock forever.
 */
export function rearmMargin(threshold: number): number {
  return Math.max(1, Math.ceil(threshold / 10));
}

/** The overall level: units any channel could still take (0 while sold out by hand or oversold). */
export function overallLevel(state: CellState): number {
  if (!state.allocated || state.soldOut || isOversold(state)) return 0;
  return freeTotal(state);
}

/**
 * The band a level is in, given where it was: it falls at once (≤ threshold is low,
 * 0 is out) and climbs back to ok only above threshold + margin. Out clears as soon as
 * a unit is sellable again.
 */
export function nextBand(previous: AlertBand, level: number, threshold: number): AlertBand {
  if (level <= 0) return "out";
  if (level <= threshold) return "low";
  if (previous === "low" && level <= threshold + rearmMargin(threshold)) return "low";
  return "ok";
}

function eventFor(previous: AlertBand, next: AlertBand): AlertType | undefined {
  if (previous === next) return undefined;
  if (next === "out") return "sold_out";
  if (next === "low") return previous === "out" ? "back_in_stock" : "low_stock";
  return "back_in_stock";
}

export const INITIAL_BANDS: AlertBands = { overall: "ok", channels: {}, oversold: false };

/**
 * Edge-triggered threshold events for one change: the bands after the change and one
 * event per band that moved. The overall level is always watched (sold out / back in
 * stock, low when a threshold is set); a channel only when it has a threshold. An
 * oversell fires when the cell becomes oversold. `causeId` is the change's event id, so
 * each event id is unique and stable across redelivery.
 */
export function alertTransition(bands: AlertBands | undefined, after: CellState, causeId: string, now: string): { bands: AlertBands; alerts: Alert[] } {
  const before = bands ?? INITIAL_BANDS;
  const alerts: Alert[] = [];
  const emit = (type: AlertType, scope: string, band: Alert["band"], level: number, threshold: number | null) =>
    alerts.push({ id: `${causeId}:${scope}:${type}`, type, storeId: after.storeId, sku: after.sku, scope, band, level, threshold, at: now });
  if (!after.allocated) return { bands: before, alerts };

  const overallThreshold = after.lowStock?.overall ?? 0;
  const level = overallLevel(after);
  const overall = nextBand(before.overall, level, overallThreshold);
  const overallEvent = eventFor(before.overall, overall);
  if (overallEvent) emit(overallEvent, "overall", overall, level, after.lowStock?.overall ?? null);

  const channels: Record<string, AlertBand> = {};
  for (const [channel, threshold] of Object.entries(after.lowStock?.channels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const channelLevel = availableFor(after, channel);
    const previous = before.channels[channel] ?? "ok";
    channels[channel] = nextBand(previous, channelLevel, threshold);
    const event = eventFor(previous, channels[channel]!);
    if (event) emit(event, channel, channels[channel]!, channelLevel, threshold);
  }

  const oversold = isOversold(after);
  if (oversold && !before.oversold) emit("oversold", "overall", "oversold", after.onHand - after.reserved, null);
  return { bands: { overall, channels, oversold }, alerts };
}
