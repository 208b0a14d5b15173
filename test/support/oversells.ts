import type { InventoryClient } from "../../workers/client";

/**
 * Opens `count` oversells on one new cell, cheaply: one unit held for an order, then the
 * till's stocktakes alternate between 0 on the shelf (oversold: a new record) and 5 (healed).
 * A record stays open after its cell heals, until someone resolves it, so each dip is one
 * more open oversell. The records reach the oversell list a moment later (the cell's outbox).
 */
export async function openOversells(admin: InventoryClient, storeId: string, sku: string, count: number): Promise<void> {
  await admin.cells.allocate(storeId, sku, { onHand: 5, channels: { online: { quota: 5, weight: 1 } } });
  await admin.reservations.create({ reservationId: `oversold-${storeId}-${sku}`, channel: "online", ttlSeconds: 86_400, items: [{ storeId, sku, qty: 1 }] });
  // A count is last-writer-wins by time: each one a millisecond after the one before.
  const start = Date.now() - 2 * count - 1000;
  const at = (step: number) => new Date(start + step).toISOString();
  const events = Array.from({ length: count }, (_, index) => [
    { eventId: `dip-${storeId}-${sku}-${index}`, at: at(2 * index), type: "set" as const, sku, onHand: 0 },
    { eventId: `refill-${storeId}-${sku}-${index}`, at: at(2 * index + 1), type: "set" as const, sku, onHand: 5 },
  ]).flat();
  for (let start = 0; start < events.length; start += 1000) await admin.stores.events(storeId, { events: events.slice(start, start + 1000) });
}

/** Every open oversell of a store, following the list's pages. */
export async function countOpenOversells(admin: InventoryClient, storeId: string): Promise<number> {
  let count = 0;
  let after: string | undefined;
  do {
    const page = await admin.oversells.list({ storeId, status: "open", limit: 500, ...(after ? { after } : {}) });
    count += page.items.length;
    after = page.next ?? undefined;
  } while (after);
  return count;
}
