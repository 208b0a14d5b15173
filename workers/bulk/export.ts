import type { CellView } from "../../durable-objects/stock-cell";
import { cellStub, hubStub } from "../../durable-objects/stubs";
import { mapConcurrently } from "../concurrency";
import type { Env } from "../env";
import type { CellPagePart } from "../cell-pages";
import { csvRows, toCsv } from "../csv";

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

/**
 * The stores' current stock as CSV, streamed store by store: the SKU list comes from each
 * store's hub (it follows the cells within moments), the values from the cells themselves.
 * Each `pull` enqueues a chunk or closes the stream: a pull that did neither would never be
 * called again, and the body would hang (a store without cells, an empty page part).
 */
export function exportStream(env: Env, parts: readonly CellPagePart[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let index = -1;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (index === -1) {
        index = 0;
        controller.enqueue(encoder.encode(toCsv([], EXPORT_COLUMNS)));
        return;
      }
      while (index < parts.length) {
        const { storeId, skus: listed } = parts[index++]!;
        const skus = listed ?? (await hubStub(env, storeId).skus());
        const cells = await mapConcurrently(skus, READ_CONCURRENCY, async (sku) => (await cellStub(env, { storeId, sku }).read({ storeId, sku })) as CellView | null);
        const rows = cells.filter((cell): cell is CellView => cell !== null).map(exportRow);
        if (rows.length > 0) {
          controller.enqueue(encoder.encode(csvRows(rows, EXPORT_COLUMNS)));
          return;
        }
      }
      controller.close();
    },
  });
}
