// Which cells the cron's reconciliation reads. Reading every cell every 15 minutes costs a
// call per cell per run: at a chain's scale (thousands of stores, thousands of SKUs each)
// that is millions of object calls an hour to find nothing. Each store's hub already holds
// every SKU's latest level, so the cron compares those with the reporting database (one
// hub call a page) and reads only the cells that call for it; every cell is still read
// once a day, its own share of the runs. Pure: the hub levels and the slots come in.
import { fnv1a } from "../../durable-objects/core/hash";
import type { CellKey, CellView } from "../../durable-objects/stock-cell";

/** The cron's runs a day (every 15 minutes, wrangler.toml): each cell is read in one of them. */
export const CRON_RUNS_A_DAY = 96;
const DAY_MS = 86_400_000;

/** Which of the day's runs a time falls in (0 … 95). */
export function cronSlotAt(epochMs: number): number {
  const intoDay = ((epochMs % DAY_MS) + DAY_MS) % DAY_MS;
  return Math.floor(intoDay / (DAY_MS / CRON_RUNS_A_DAY));
}

/** The run of the day in which this cell is read whatever its level says (spread by a hash of its key). */
export function cellSlotOf(key: CellKey): number {
  return fnv1a(`${key.storeId}\u0000${key.sku}`) % CRON_RUNS_A_DAY;
}

/** Why a screened run reads a cell (besides its level disagreeing with the reporting side, or missing). */
export type MustRead = (key: CellKey, level: CellView) => boolean;

/**
 * The cron's own reasons to read a cell in the run of `slot`: units held there (the sweep
 * must see its holds) and the cell's daily turn (a cell whose deliveries stopped would
 * leave its hub and the reports behind it alike, in step with each other).
 */
export function cronMustRead(slot: number): MustRead {
  return (key, level) => level.reserved > 0 || cellSlotOf(key) === slot;
}

/**
 * The keys to read: those with no level, those whose level differs from the reporting side
 * (`differing`, by key name), and those `mustRead` names. The others are taken at their level.
 */
export function keysToRead(keys: readonly CellKey[], levelOf: (key: CellKey) => CellView | undefined, differing: (key: CellKey) => boolean, mustRead: MustRead): CellKey[] {
  return keys.filter((key) => {
    const level = levelOf(key);
    return level === undefined || differing(key) || mustRead(key, level);
  });
}
