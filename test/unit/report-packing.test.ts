import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { byteBound, packBySize } from "../../durable-objects/storage/report-sender";

describe("packing reports by size", () => {
  it("keeps every item once, in order, within each group's count and byte limits (a lone large item aside)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 200 }), fc.integer({ min: 50, max: 1_000 }), fc.integer({ min: 1, max: 20 }), (sizes, maxBytes, maxCount) => {
        const items = sizes.map((bytes, index) => ({ index, bytes }));
        const groups = packBySize(items, (item) => item.bytes, maxBytes, maxCount);
        expect(groups.flat()).toEqual(items);
        for (const group of groups) {
          expect(group.length).toBeGreaterThan(0);
          expect(group.length).toBeLessThanOrEqual(maxCount);
          const total = group.reduce((sum, item) => sum + item.bytes, 0);
          if (group.length > 1) expect(total).toBeLessThanOrEqual(maxBytes);
        }
        // Greedy: a group is closed only when the next item would not fit.
        for (let i = 0; i + 1 < groups.length; i++) {
          const total = groups[i]!.reduce((sum, item) => sum + item.bytes, 0);
          expect(groups[i]!.length === maxCount || total + groups[i + 1]![0]!.bytes > maxBytes).toBe(true);
        }
      }),
    );
  });

  it("bounds a string's bytes from above, whatever its characters", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        expect(byteBound(text)).toBeGreaterThanOrEqual(new TextEncoder().encode(text).length);
        expect(byteBound(text)).toBeGreaterThanOrEqual(text.length * (/^[\x00-\xff]*$/.test(text) ? 1 : 2));
      }),
    );
    expect(byteBound('{"sku":"milk-1l"}')).toBe(17);
  });
});
