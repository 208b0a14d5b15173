// Following the pages of any scope, whatever its stores hold and whatever the page size,
// gives every SKU exactly once and in order; every page but the last is full.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planPage, type CellPagePosition, type SkuLister } from "../../workers/cell-page-plan";

/** Stores with sorted, distinct SKUs (as a hub lists them), some empty. */
const scope = fc
  .array(fc.uniqueArray(fc.stringMatching(/^[a-e][0-9]?$/), { maxLength: 8 }), { minLength: 1, maxLength: 5 })
  .map((lists) => lists.map((skus, index) => ({ storeId: `s${index}`, skus: [...skus].sort() })));

function listerOf(stores: Array<{ storeId: string; skus: string[] }>): SkuLister {
  return async (storeId, after, limit) => {
    const skus = stores.find((store) => store.storeId === storeId)!.skus.filter((sku) => sku > after);
    return skus.slice(0, limit);
  };
}

describe("pages of cells", () => {
  it("cover every SKU of the scope once, in order; every page but the last holds exactly the limit", async () => {
    await fc.assert(
      fc.asyncProperty(scope, fc.integer({ min: 1, max: 6 }), async (stores, limit) => {
        const storeIds = stores.map((store) => store.storeId);
        const list = listerOf(stores);
        const pages: string[][] = [];
        let after: CellPagePosition | undefined;
        for (;;) {
          const { parts, next } = await planPage(list, storeIds, after, limit);
          pages.push(parts.flatMap((part) => part.skus!.map((sku) => `${part.storeId}/${sku}`)));
          if (next === null) break;
          after = next;
          expect(pages.length).toBeLessThan(100);
        }
        expect(pages.flat()).toEqual(stores.flatMap((store) => store.skus.map((sku) => `${store.storeId}/${sku}`)));
        for (const page of pages.slice(0, -1)) expect(page).toHaveLength(limit);
        expect(pages.at(-1)!.length).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 300 },
    );
  });

  it("asks each store for one SKU more than the page still has room for, and no store twice", async () => {
    const asked: Array<[string, string, number]> = [];
    const stores = [
      { storeId: "s0", skus: ["a", "b"] },
      { storeId: "s1", skus: [] },
      { storeId: "s2", skus: ["a", "b", "c"] },
    ];
    const list = listerOf(stores);
    const page = await planPage(async (...args) => (asked.push(args), list(...args)), ["s0", "s1", "s2"], undefined, 3);
    expect(page).toEqual({ parts: [{ storeId: "s0", skus: ["a", "b"] }, { storeId: "s2", skus: ["a"] }], next: { storeId: "s2", sku: "a" } });
    expect(asked).toEqual([["s0", "", 4], ["s1", "", 2], ["s2", "", 2]]);
  });
});
