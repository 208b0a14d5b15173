// Pages of a scope's cells, store after store in the scope's order and SKU after SKU in each
// store's hub order, for requests that call every cell they cover (a stock export, an admin
// reconciliation): a page keeps one request under the platform's bound on subrequests.
import { hubStub } from "../durable-objects/stubs";
import { Sku, StoreId } from "../schema/ids";
import type { Env } from "./env";
import { ApiError } from "./errors";
import { decodeCursor, encodeCursor } from "./reporting/respond";

/** A store's cells on a page: the given SKUs, or (`skus` absent) every SKU its hub lists. */
export interface CellPagePart {
  storeId: string;
  skus?: string[];
}

/** Where the next page starts: after this store's SKU. */
export interface CellPagePosition {
  storeId: string;
  sku: string;
}

/** The next page's cursor: the position, written as the reports write theirs (base64url JSON). */
export const cellPageCursor = (position: CellPagePosition): string => encodeCursor([position.storeId, position.sku]);

/** A cursor of this scope back as a position; 400 for anything else (never a silent restart). */
export function cellPagePosition(cursor: string, storeIds: readonly string[], where = "query.cursor"): CellPagePosition {
  const [storeId, sku, ...rest] = decodeCursor(cursor) ?? [];
  if (rest.length > 0 || !StoreId.safeParse(storeId).success || !Sku.safeParse(sku).success) {
    throw new ApiError("invalid_request", "cursor: not a cursor of a page of cells", { issues: [{ path: where, message: "malformed", code: "invalid_format" }] });
  }
  if (!storeIds.includes(storeId as string)) {
    throw new ApiError("invalid_request", `cursor: store ${String(storeId)} is not in this request's scope`, { issues: [{ path: where, message: "another scope's cursor", code: "invalid_value" }] });
  }
  return { storeId: storeId as string, sku: sku as string };
}

/**
 * One page of cells: up to `limit` SKUs after `after`, store after store, and the position
 * to go on from while any store may hold more (a last page can then come back empty). The
 * SKU lists come from the hubs (one call per store visited), so the cells a page covers are
 * known, and bounded, before any is called.
 */
export async function planCellPage(
  env: Env,
  storeIds: readonly string[],
  after: CellPagePosition | undefined,
  limit: number,
): Promise<{ parts: CellPagePart[]; next: CellPagePosition | null }> {
  const parts: CellPagePart[] = [];
  let left = limit;
  for (let index = after ? storeIds.indexOf(after.storeId) : 0; index < storeIds.length; index++) {
    const storeId = storeIds[index]!;
    // One more than fits tells whether this store goes on past the page.
    const skus = await hubStub(env, storeId).skus(after?.storeId === storeId ? after.sku : "", left + 1);
    const taken = skus.slice(0, left);
    if (taken.length > 0) parts.push({ storeId, skus: taken });
    left -= taken.length;
    const last = { storeId, sku: taken.at(-1)! };
    if (skus.length > taken.length) return { parts, next: last };
    if (left === 0) return { parts, next: index + 1 < storeIds.length ? last : null };
  }
  return { parts, next: null };
}

/** One store's page: its SKUs after `afterSku`, and the page's last SKU while more follow. */
export async function planStorePage(env: Env, storeId: string, afterSku: string | undefined, limit: number): Promise<{ skus: string[]; next: string | undefined }> {
  const { parts, next } = await planCellPage(env, [storeId], afterSku === undefined ? undefined : { storeId, sku: afterSku }, limit);
  return { skus: parts[0]?.skus ?? [], next: next?.sku };
}
