import type { Store } from "../api";
import { ErrorNote } from "../components/ErrorNote";
import { TableScroll } from "../components/TableScroll";
import { Wrap } from "../components/Wrap";
import { formatCount, formatDuration, formatNumber } from "../format";
import { SOLD_OUT_NOTE } from "../low-stock";
import { NO_STOCK, type QueueLag, type RegionStock, type StockFigures } from "../region-data";
import { href } from "../router";
import type { AsyncState } from "../use-async";

type Source<T> = AsyncState<T> & { reload: () => void };

/** A figure, or what its source is doing: still loading ("…") or down ("–", its error shown above the table). */
const shown = (value: number | undefined, source: AsyncState<unknown>) => (value !== undefined ? formatNumber(value) : source.status === "error" ? "–" : "…");

/**
 * One row per store: its stock health, linking to the store view. The stores come first; the
 * stock (the reports) and the open oversells fill their columns as they load, and a source
 * that fails leaves its columns blank with its error, not the whole table.
 */
export function StoreHealthTable({ stores, stock, open, lag }: { stores: Store[]; stock: Source<RegionStock>; open: Source<Map<string, number>>; lag: AsyncState<QueueLag> }) {
  const lagOf = (storeId: string) => lag.data?.items.find((item) => item.storeId === storeId);
  return (
    <>
      {stock.status === "error" && <ErrorNote error={stock.error} onRetry={stock.reload} />}
      {open.status === "error" && <ErrorNote error={open.error} onRetry={open.reload} />}
      <TableScroll>
        <table data-testid="stores-table">
          <caption class="sr-only">Stores of the region and their stock health</caption>
          <thead>
            <tr>
              <th scope="col">Store</th>
              <th scope="col" class="num">SKUs</th>
              <th scope="col" class="num">On hand</th>
              <th scope="col" class="num">Free</th>
              <th scope="col" class="num" title={SOLD_OUT_NOTE}>
                Sold out
              </th>
              <th scope="col" class="num">Low stock</th>
              <th scope="col" class="num">Oversold</th>
              <th scope="col" class="num">Open oversells</th>
              <th scope="col" class="num">Reports behind</th>
            </tr>
          </thead>
          <tbody>
            {stores.map((store) => {
              const storeLag = lagOf(store.storeId);
              const figures: StockFigures | undefined = stock.data ? (stock.data.byStore.get(store.storeId) ?? NO_STOCK) : undefined;
              const openOversells = open.data ? (open.data.get(store.storeId) ?? 0) : undefined;
              return (
                <tr data-store={store.storeId}>
                  <th scope="row">
                    <a href={href({ view: "store", storeId: store.storeId })}>
                      <Wrap text={store.name} />
                    </a>{" "}
                    <span class="muted">
                      <Wrap text={store.storeId} />
                    </span>
                  </th>
                  <td class="num">{shown(figures?.cells, stock)}</td>
                  <td class="num">{shown(figures?.onHand, stock)}</td>
                  <td class="num">{shown(figures?.freeUnits, stock)}</td>
                  <td class={`num ${figures?.soldOut ? "warn" : ""}`}>{shown(figures?.soldOut, stock)}</td>
                  <td class={`num ${figures?.lowStock ? "warn" : ""}`}>{shown(figures?.lowStock, stock)}</td>
                  <td class={`num ${figures?.oversold ? "bad" : ""}`}>{shown(figures?.oversold, stock)}</td>
                  <td class={`num ${openOversells ? "bad" : ""}`}>{shown(openOversells, open)}</td>
                  <td class="num wraps">{storeLag ? (storeLag.laggingSkus ? `${formatCount(storeLag.laggingSkus, "SKU")}, ${formatDuration(storeLag.lagSeconds)}` : "up to date") : lag.status === "error" ? "–" : "…"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
      <p class="note">Sold out counts cells marked sold out and cells with nothing free to sell; low stock follows each cell's thresholds.</p>
    </>
  );
}
