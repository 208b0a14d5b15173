// Pages of a scope's cells for requests that call every cell they cover (a stock export, an
// admin reconciliation, the cron's maintenance): a page keeps one request under the
// platform's bound on subrequests. The plan is pure (cell-page-plan.ts); here, its cursors
// and the stores' hubs as the SKU lists.
import { hubStub } from "../durable-objects/stubs";
import { Sku, StoreId } from "../schema/ids";
import type { Env } from "./env";
import { ApiError } from "./errors";
import { cursorKey, encodeCursor } from "./reporting/respond";
import { planPage, type CellPagePosition } from "./cell-page-plan";

export type { CellPagePart, CellPagePosition } from "./cell-page-plan";

/** The next page's cursor: the position, written as the reports write theirs (base64url JSON). */
export const cellPageCursor = (position: CellPagePosition): string => encodeCursor([position.storeId, position.sku]);

/** A cursor of this scope back as a position; 400 for anything else (never a silent restart). */
export function cellPagePosition(cursor: string, storeIds: readonly string[], where = "query.cursor"): CellPagePosition {
  const [storeId, sku] = cursorKey(cursor, "a page of cells", 2, ([store, item]) => StoreId.safeParse(store).success && Sku.safeParse(item).success, where) as [string, string];
  if (!storeIds.includes(storeId)) {
    throw new ApiError("invalid_request", `cursor: store ${storeId} is not in this request's scope`, { issues: [{ path: where, message: "another scope's cursor", code: "invalid_value" }] });
  }
  return { storeId, sku };
}

/** One page of cells, the SKU lists read from the stores' hubs (one call per store visited). */
export function planCellPage(env: Env, storeIds: readonly string[], after: CellPagePosition | undefined, limit: number) {
  return planPage((storeId, afterSku, count) => hubStub(env, storeId).skus(afterSku, count), storeIds, after, limit);
}

/** One store's page: its SKUs after `afterSku`, and the page's last SKU while more follow. */
export async function planStorePage(env: Env, storeId: string, afterSku: string | undefined, limit: number): Promise<{ skus: string[]; next: string | undefined }> {
  const { parts, next } = await planCellPage(env, [storeId], afterSku === undefined ? undefined : { storeId, sku: afterSku }, limit);
  return { skus: parts[0]?.skus ?? [], next: next?.sku };
}
