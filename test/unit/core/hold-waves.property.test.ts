import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RecentShortages, holdWaves } from "../../../durable-objects/core/hold-waves";

describe("hold waves: cells short lately are asked first", () => {
  it("puts the items of cells short lately in a first wave, the rest in a second, each item once", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }), (short) => {
        const items = short.map((_, index) => index);
        const waves = holdWaves(items, (index) => short[index]!);
        expect(waves.flat().sort((a, b) => a - b)).toEqual(items);
        if (short.every(Boolean) || !short.some(Boolean)) expect(waves).toEqual([items]);
        else {
          expect(waves).toHaveLength(2);
          expect(waves[0]!.every((index) => short[index])).toBe(true);
          expect(waves[1]!.every((index) => !short[index])).toBe(true);
        }
      }),
    );
  });

  it("remembers a refusal for its time, forgets it after, and keeps the newest notes when full", () => {
    const shortages = new RecentShortages(1_000, 3);
    shortages.note("a", 0);
    expect(shortages.has("a", 999)).toBe(true);
    expect(shortages.has("a", 1_000)).toBe(false);
    expect(shortages.size).toBe(0);
    shortages.note("a", 10);
    shortages.note("b", 20);
    shortages.note("c", 30);
    shortages.note("a", 40); // noted again: now the newest
    shortages.note("d", 50);
    expect(["a", "b", "c", "d"].filter((cell) => shortages.has(cell, 60))).toEqual(["a", "c", "d"]);
  });
});
