// Which SKUs one page of a scope's cells covers, store after store in the scope's order and
// SKU after SKU in each store's list order. Pure: the SKU lists come from `list` (the
// stores' hubs in the Worker, arrays in the property test).

/** A store's cells on a page: the given SKUs, or (`skus` absent) every SKU it lists. */
export interface CellPagePart {
  storeId: string;
  skus?: string[];
}

/** Where the next page starts: after this store's SKU. */
export interface CellPagePosition {
  storeId: string;
  sku: string;
}

/** Up to `limit` SKUs of the store after `after` ("" for its first), in its order. */
export type SkuLister = (storeId: string, after: string, limit: number) => Promise<string[]>;

/**
 * One page: up to `limit` SKUs after `after` (whose store must be one of `storeIds`), and
 * the position to go on from while any store may hold more. Every page but the last holds
 * exactly `limit` SKUs; the last may be empty (the stores after a full page held none).
 */
export async function planPage(
  list: SkuLister,
  storeIds: readonly string[],
  after: CellPagePosition | undefined,
  limit: number,
): Promise<{ parts: CellPagePart[]; next: CellPagePosition | null }> {
  const parts: CellPagePart[] = [];
  let left = limit;
  for (let index = after ? storeIds.indexOf(after.storeId) : 0; index < storeIds.length; index++) {
    const storeId = storeIds[index]!;
    // One more than fits tells whether this store goes on past the page.
    const skus = await list(storeId, after?.storeId === storeId ? after.sku : "", left + 1);
    const taken = skus.slice(0, left);
    if (taken.length > 0) parts.push({ storeId, skus: taken });
    left -= taken.length;
    const last = { storeId, sku: taken.at(-1)! };
    if (skus.length > taken.length) return { parts, next: last };
    if (left === 0) return { parts, next: index + 1 < storeIds.length ? last : null };
  }
  return { parts, next: null };
}
