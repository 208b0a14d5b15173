// The cron's screened reconciliation reads every cell at least once a day (its daily turn,
// whatever its level says) and, in every run, each cell whose level is missing, differs
// from the reports or shows held units.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CellView } from "../../durable-objects/stock-cell";
import { CRON_RUNS_A_DAY, cellSlotOf, cronMustRead, cronSlotAt, keysToRead } from "../../workers/reporting/screen";

const QUARTER_HOUR = 15 * 60_000;
const key = fc.record({ storeId: fc.string({ minLength: 1, maxLength: 12 }), sku: fc.string({ minLength: 1, maxLength: 12 }) });
const level = (reserved: number) => ({ reserved }) as CellView;

describe("the cron's screened reconciliation", () => {
  it("numbers the day's quarter hours 0 … 95, from midnight UTC", () => {
    const midnight = Date.UTC(2026, 11, 7);
    expect([0, QUARTER_HOUR - 1, QUARTER_HOUR, 23 * 3_600_000 + 3 * QUARTER_HOUR, 86_400_000].map((offset) => cronSlotAt(midnight + offset))).toEqual([0, 0, 1, 95, 0]);
    expect(cronSlotAt(-1)).toBe(95);
  });

  it("reads a cell in step with the reports and holding nothing in exactly one of a day's runs", () => {
    fc.assert(
      fc.property(key, fc.integer({ min: 0, max: 1_000_000 }), (cell, dayStart) => {
        const runs = Array.from({ length: CRON_RUNS_A_DAY }, (_, index) => cronSlotAt(dayStart * 86_400_000 + index * QUARTER_HOUR));
        expect(runs.filter((slot) => cronMustRead(slot)(cell, level(0))).length).toBe(1);
        expect(cellSlotOf(cell)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("reads, in any run, the cells with no level, with a level that differs, or with units held, and no others but those of the run's turn", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ key, hasLevel: fc.boolean(), differs: fc.boolean(), reserved: fc.nat(3) }), { selector: (cell) => `${cell.key.storeId}/${cell.key.sku}`, maxLength: 30 }),
        fc.nat(CRON_RUNS_A_DAY - 1),
        (cells, slot) => {
          const name = (cell: { storeId: string; sku: string }) => `${cell.storeId}/${cell.sku}`;
          const of = new Map(cells.map((cell) => [name(cell.key), cell]));
          const read = keysToRead(
            cells.map((cell) => cell.key),
            (cell) => (of.get(name(cell))!.hasLevel ? level(of.get(name(cell))!.reserved) : undefined),
            (cell) => of.get(name(cell))!.differs,
            cronMustRead(slot),
          ).map(name);
          const expected = cells.filter((cell) => !cell.hasLevel || cell.differs || cell.reserved > 0 || cellSlotOf(cell.key) === slot).map((cell) => name(cell.key));
          expect(read).toEqual(expected);
        },
      ),
    );
  });
});
