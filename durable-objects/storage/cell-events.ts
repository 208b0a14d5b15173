import { alertTransition, type AlertBands, type CellChange, type CellState } from "../core";
import type { CellEvent } from "./cell-tables";

/** The event a committed change becomes: the ledger's row and the outbox's message, with the state after it. */
export function eventOf(state: CellState, change: CellChange): CellEvent {
  const free: Record<string, number> = {};
  const quotas: Record<string, number> = {};
  for (const name in state.channels) {
    free[name] = state.channels[name]!.free;
    quotas[name] = state.channels[name]!.quota;
  }
  return {
    ...change,
    eventId: `${state.storeId}/${state.sku}/${state.version}`,
    storeId: state.storeId,
    sku: state.sku,
    seq: state.version,
    after: {
      onHand: state.onHand, reserved: state.reserved, soldOut: state.soldOut, shared: state.shared, free, quotas,
      ...(state.inTransit ? { inTransit: state.inTransit } : {}),
      ...(state.incoming ? { incoming: state.incoming } : {}),
    },
  };
}

/**
 * The event of a change together with the threshold events it causes. Bands move with
 * each change, so every crossing is seen once (see core/alerts.ts).
 */
export function eventWithAlerts(bands: AlertBands | undefined, after: CellState, change: CellChange): { event: CellEvent; bands: AlertBands } {
  const event = eventOf(after, change);
  const alerts = alertTransition(bands, after, event.eventId, change.at);
  if (alerts.alerts.length > 0) event.alerts = alerts.alerts;
  return { event, bands: alerts.bands };
}
