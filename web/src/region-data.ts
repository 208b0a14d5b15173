// What the overview needs of a region, each loaded on its own so one slow or failing report
// leaves the other panels working.
import { allPages, api, pagesOf, reportPages, type Store } from "./api";
import { isLowStock, isSoldOut } from "./low-stock";
import { freeUnits } from "./views/cell-math";

export interface StockRow {
  storeId: string;
  sku: string;
  onHand: number;
  reserved: number;
  soldOut: boolean;
  oversold: boolean;
  shared: number;
  free: Record<string, number>;
  quotas: Record<string, number>;
  [key: string]: unknown;
}

/** A store's stock, summed over its cells from the stock report. */
export interface StockFigures {
  cells: number;
  onHand: number;
  reserved: number;
  freeUnits: number;
  /** Marked sold out, or nothing free to sell. */
  soldOut: number;
  lowStock: number;
  oversold: number;
}

export interface RegionStock {
  byStore: Map<string, StockFigures>;
}

/** A store the report has no rows for has no cells yet: zeros, not unknown. */
export const NO_STOCK: StockFigures = { cells: 0, onHand: 0, reserved: 0, freeUnits: 0, soldOut: 0, lowStock: 0, oversold: 0 };

export const freeUnitsOf = (row: StockRow) => row.shared + Object.values(row.free ?? {}).reduce((sum, units) => sum + units, 0);

// The overview's sources load apart: the stores and the oversells come from Durable Objects,
// the stock report from the reporting database, and one being down (a 503 from /v1/reports)
// must not take the others' figures with it.

/** The region's own stores (/v1/stores also lists the ones that cover it from elsewhere). */
export async function loadRegionStores(region: string): Promise<Store[]> {
  return (await api.listStores(region)).items.filter((store) => store.region === region);
}

/** Each store's stock figures, from the stock report, with low stock as each cell judges it. */
export async function loadRegionStock(region: string): Promise<RegionStock> {
  const rows = await allPages<StockRow>("stock", { region });
  // The report has neither the low-stock thresholds nor what each channel may borrow; each
  // store's levels (/stock) have both, so low stock is judged on those.
  const lowByCell = await lowStockByCell([...new Set(rows.map((row) => row.storeId))]);
  const byStore = new Map<string, StockFigures>();
  for (const row of rows) {
    let entry = byStore.get(row.storeId);
    if (!entry) byStore.set(row.storeId, (entry = { ...NO_STOCK }));
    const free = freeUnitsOf(row);
    const low = lowByCell.get(`${row.storeId}/${row.sku}`);
    if (low !== undefined && row.lowStock === undefined) row.lowStock = low;
    entry.cells++;
    entry.onHand += row.onHand;
    entry.reserved += row.reserved;
    entry.freeUnits += free;
    if (isSoldOut(row, free)) entry.soldOut++;
    if (row.oversold) entry.oversold++;
    if (isLowStock(row, free)) entry.lowStock++;
  }
  return { byStore };
}

/** The list's largest page; a region's open oversells can be many more, so the pages are followed. */
const OVERSELL_PAGE = 500;

/** Open oversells of the region per store, every page of them (up to 100 pages: 50,000). */
export async function loadOpenOversells(region: string): Promise<Map<string, number>> {
  const perStore = new Map<string, number>();
  for await (const page of pagesOf((after) => api.listOversells({ region, status: "open", limit: OVERSELL_PAGE, after }), 100)) {
    for (const record of page.items) perStore.set(record.storeId, (perStore.get(record.storeId) ?? 0) + 1);
  }
  return perStore;
}

/** Whether each cell with thresholds is low, judged on its store's levels, a few stores at a time. */
async function lowStockByCell(storeIds: string[]): Promise<Map<string, boolean>> {
  const found = new Map<string, boolean>();
  const queue = [...storeIds];
  await Promise.all(
    Array.from({ length: Math.min(6, queue.length) }, async () => {
      for (let storeId = queue.shift(); storeId; storeId = queue.shift()) {
        const stock = await api.storeStock(storeId).catch(() => null); // unknown thresholds: none counts as low
        for (const cell of stock?.items ?? []) if (cell.lowStock) found.set(`${storeId}/${cell.sku}`, isLowStock(cell, freeUnits(cell)));
      }
    }),
  );
  return found;
}

export interface QueueLag {
  items: Array<{ storeId: string; laggingSkus: number; oldestUnappliedAt: string | null; lagSeconds: number }>;
  deadLetters?: number;
}

/** Every store's lag (the report pages by store), and the dead letters' count each page carries. */
export async function loadQueueLag(region: string): Promise<QueueLag> {
  const lag: QueueLag = { items: [] };
  for await (const page of reportPages<QueueLag["items"][number]>("queue-lag", { region })) {
    lag.items.push(...page.items);
    if (typeof page.deadLetters === "number") lag.deadLetters = page.deadLetters;
  }
  return lag;
}

export async function loadExpiredLastDay(region: string): Promise<number> {
  const from = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  const rows = await allPages<{ reservationId: string }>("reservations", { region, status: "expired", from });
  return new Set(rows.map((row) => row.reservationId)).size;
}

export interface ChannelUsage {
  storeId: string;
  channel: string;
  quota: number;
  used: number;
  free: number;
}

export async function loadChannelUsage(region: string): Promise<ChannelUsage[]> {
  return allPages<ChannelUsage>("channel-usage", { region });
}

/** Movements of the last 24 hours, counted per hour and kind. */
export async function loadMovementsByHour(region: string): Promise<{ hours: string[]; byKind: Record<string, number[]>; total: number; truncated: boolean }> {
  const now = Date.now();
  const start = Math.floor((now - 23 * 3600 * 1000) / 3_600_000) * 3_600_000;
  const rows = await allPages<{ at: string; kind: string }>("movements", { region, from: new Date(start).toISOString() }, 10);
  const hours = Array.from({ length: 24 }, (_, index) => new Date(start + index * 3_600_000).toISOString());
  const byKind: Record<string, number[]> = {};
  for (const row of rows) {
    const slot = Math.floor((Date.parse(row.at) - start) / 3_600_000);
    if (slot < 0 || slot > 23) continue;
    const counts = (byKind[row.kind] ??= Array<number>(24).fill(0));
    counts[slot] = (counts[slot] ?? 0) + 1;
  }
  return { hours, byKind, total: rows.length, truncated: rows.length >= 10_000 };
}
