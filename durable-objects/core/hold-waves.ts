/**
 * Which cells an order holds first. A multi-item order holds its items side by side, and when
 * one cell refuses, the others give back what they held; until they have, those units are out
 * of reach, and a real order for the last unit can be refused because of an order that was
 * never going to succeed (a flash sale's bots asking for a sold-out item beside it). So a
 * cell that refused a hold lately is asked first, alone (with any other such cell): when it
 * refuses again, nothing else was held. Orders touching no such cell, and single-item orders,
 * hold everything at once as before. The cost is one more round of calls, only for orders
 * that touch a cell which was short a moment ago.
 */

/** How long a refusal makes a cell "short lately". */
export const SHORT_LATELY_MS = 10_000;
/** Cells remembered at most (the oldest notes go first). */
export const SHORT_LATELY_CAPACITY = 10_000;

/** Cells that refused a hold lately, by name; kept in memory (a restart forgets them, which costs nothing but the order of calls). */
export class RecentShortages {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly rememberMs = SHORT_LATELY_MS,
    private readonly capacity = SHORT_LATELY_CAPACITY,
  ) {}

  note(cell: string, nowMs: number): void {
    // Re-inserted, so the map's order stays the order of the notes' ends.
    this.until.delete(cell);
    this.until.set(cell, nowMs + this.rememberMs);
    if (this.until.size > this.capacity) this.until.delete(this.until.keys().next().value!);
  }

  has(cell: string, nowMs: number): boolean {
    const until = this.until.get(cell);
    if (until === undefined) return false;
    if (until > nowMs) return true;
    this.until.delete(cell);
    return false;
  }

  get size(): number {
    return this.until.size;
  }
}

/**
 * The items in the waves their holds go out in: the items of cells short lately first, then
 * the rest once the first wave all held. One wave when none is short lately, or all are.
 */
export function holdWaves<T>(items: readonly T[], shortLately: (item: T) => boolean): T[][] {
  if (items.length < 2) return [[...items]];
  const first = items.filter(shortLately);
  if (first.length === 0 || first.length === items.length) return [[...items]];
  return [first, items.filter((item) => !shortLately(item))];
}
