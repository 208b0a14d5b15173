import type { CellView } from "../../durable-objects/stock-cell";
import { cellStub, hubStub } from "../../durable-objects/stubs";
import { mapConcurrently } from "../concurrency";
import type { Env } from "../env";
import { Sku, StoreId } from "../../schema/ids";
import { ApiError } from "../errors";
import { decodeCursor, encodeCursor, toCsv } from "../reporting/respond";

/** Cells read at once while exporting one store. */
const READ_CONCURRENCY = 16;

export const EXPORT_COLUMNS = [
  "storeId", "sku", "onHand", "reserved", "free", "inTransit", "incoming", "soldOut", "oversold",
  "sharedPolicy", "channels", "low", "version", "updatedAt",
];

/** One cell as an export row; `channels` is in the import's own `<channel>:<quota>:<weight>` notation. */
export function exportRow(cell: CellView): Record<string, unknown> {
  const free = cell.free.shared + Object.values(cell.free.channels).reduce((sum, n) => sum + n, 0);
  const low = [
    ...(cell.lowStock?.overall !== undefined ? [`low=${cell.lowStock.overall}`] : []),
    ...Object.entries(cell.lowStock?.channels ?? {}).map(([name, n]) => `low.${name}=${n}`),
  ];
  return {
    ...cell,
    free,
    channels: Object.entries(cell.channels).filter(([, c]) => c.quota > 0 || c.weight > 0).map(([name, c]) => `${name}:${c.quota}:${c.weight}`).join(" "),
    low: low.join(" "),
  };
}

/** A store to export: the given SKUs, or (`skus` absent) every SKU its hub lists. */
export interface ExportPart {
  storeId: string;
  skus?: string[];
}

/** Where a paged export goes on: after this store's SKU (stores in the export's own order). */
export interface ExportPosition {
  storeId: string;
  sku: string;
}

/** The next page's cursor: the position, as the reports write theirs (base64url JSON). */
export const exportCursor = (position: ExportPosition): string => encodeCursor([position.storeId, position.sku]);

/** A cursor of this export back as a position; 400 for anything else (never a silent restart). */
export function exportPosition(cursor: string, storeIds: readonly string[]): ExportPosition {
  const [storeId, sku, ...rest] = decodeCursor(cursor) ?? [];
  if (rest.length > 0 || !StoreId.safeParse(storeId).success || !Sku.safeParse(sku).success) {
    throw new ApiError("invalid_request", "cursor: not an x-next-cursor of a stock export", { issues: [{ path: "query.cursor", message: "malformed", code: "invalid_format" }] });
  }
  if (!storeIds.includes(storeId as string)) {
    throw new ApiError("invalid_request", `cursor: store ${String(storeId)} is not in this export's scope`, { issues: [{ path: "query.cursor", message: "another export's cursor", code: "invalid_value" }] });
  }
  return { storeId: storeId as string, sku: sku as string };
}

/**
 * One page of an export: up to `limit` SKUs after `after`, store after store, and the position
 * to go on from while any store may hold more (a last page can then come back empty). The
 * SKU lists come from the hubs (one call per store visited), so the cells a page reads are
 * known, and bounded, before its answer starts.
 */
export async function planExportPage(
  env: Env,
  storeIds: readonly string[],
  after: ExportPosition | undefined,
  limit: number,
): Promise<{ parts: ExportPart[]; next: ExportPosition | null }> {
  const parts: ExportPart[] = [];
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

/**
 * The stores' current stock as CSV, streamed store by store: the SKU list comes from each
 * store's hub (it follows the cells within moments), the values from the cells themselves.
 */
export function exportStream(env: Env, parts: readonly ExportPart[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let index = -1;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (index === -1) {
        index = 0;
        controller.enqueue(encoder.encode(EXPORT_COLUMNS.join(",") + "\r\n"));
        return;
      }
      const part = parts[index++];
      if (part === undefined) {
        controller.close();
        return;
      }
      const { storeId } = part;
      const skus = part.skus ?? (await hubStub(env, storeId).skus());
      const cells = await mapConcurrently(skus, READ_CONCURRENCY, async (sku) => (await cellStub(env, { storeId, sku }).read({ storeId, sku })) as CellView | null);
      const rows = cells.filter((cell): cell is CellView => cell !== null).map(exportRow);
      if (rows.length > 0) controller.enqueue(encoder.encode(toCsv(rows, EXPORT_COLUMNS).split("\r\n").slice(1).join("\r\n")));
    },
  });
}
