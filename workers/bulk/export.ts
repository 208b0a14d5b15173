import type { CellView } from "../../durable-objects/stock-cell";
import { withRetries } from "../../durable-objects/core";
import { cellStub, hubStub } from "../../durable-objects/stubs";
import { sweepCells } from "../pace";
import type { Env } from "../env";
import type { CellPagePart } from "../cell-pages";
import { csvRows, toCsv } from "../csv";
import { EXPORT_COLUMNS } from "./import-lines";

/** Cells read at once while exporting one store. */
const READ_CONCURRENCY = 16;


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
 * Up to about 30 s of tries per cell (0.25 s, doubling): long enough for a local runtime short
 * of SQLite memory while it creates thousands of imported cells to free some (the hub's alarm
 * waits 5 s between its rounds for the same reason).
 */
const READ_RETRIES = { attempts: 8, baseDelayMs: 250 };

/** SKUs read for one chunk of the stream: a large store's rows start flowing at once, not after its last cell. */
export const EXPORT_CHUNK_SKUS = 100;

/**
 * The stores' current stock as CSV, streamed a chunk of SKUs at a time: the SKU list comes
 * from each store's hub (it follows the cells within moments), the values from the cells
 * themselves, or for SKUs an import staged and no cell has taken yet, from the hub, which
 * answers for them then (no object is created for a read). A cell read that fails (locally,
 * `SQLITE_NOMEM` while thousands of new objects open) is retried; one that still fails errors
 * the stream, which ends the body early.
 * Each `pull` enqueues a chunk or closes the stream: a pull that did neither would never be
 * called again, and the body would hang (a store without cells, an empty page part).
 */
export function exportStream(env: Env, parts: readonly CellPagePart[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let started = false;
  let index = 0;
  /** The current store's SKUs not yet read. */
  let pending: { storeId: string; skus: string[] } | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(toCsv([], EXPORT_COLUMNS)));
        return;
      }
      for (;;) {
        if (!pending || pending.skus.length === 0) {
          if (index >= parts.length) {
            controller.close();
            return;
          }
          const { storeId, skus } = parts[index++]!;
          pending = { storeId, skus: [...(skus ?? (await hubStub(env, storeId).skus()))] };
          continue;
        }
        const { storeId } = pending;
        const chunk = pending.skus.splice(0, EXPORT_CHUNK_SKUS);
        // SKUs still staged in the hub (a fresh import) are read there; the rest from their cells.
        const staged = (await hubStub(env, storeId).stagedViews(chunk)) as Map<string, CellView>;
        // Locally every object shares one process's SQLite memory: a large store's cells are
        // opened at the isolate's pace for calls over many cells (workers/pace.ts).
        const fromCells = chunk.filter((sku) => !staged.has(sku));
        const read = await sweepCells(
          env,
          fromCells,
          (sku) => withRetries(async () => (await cellStub(env, { storeId, sku }).read({ storeId, sku })) as CellView | null, READ_RETRIES),
          { concurrency: READ_CONCURRENCY },
        );
        const readBySku = new Map(fromCells.map((sku, index) => [sku, read[index]!]));
        const cells = chunk.map((sku) => staged.get(sku) ?? readBySku.get(sku) ?? null);
        const rows = cells.filter((cell): cell is CellView => cell !== null).map(exportRow);
        if (rows.length > 0) {
          controller.enqueue(encoder.encode(csvRows(rows, EXPORT_COLUMNS)));
          return;
        }
      }
    },
  });
}
