import { formatDuration, formatNumber } from "../format";
import { LOW_STOCK_PLACEHOLDER_NOTE, type LowStockSource } from "../low-stock";
import type { QueueLag, StoreHealth } from "../region-data";
import { href } from "../router";

/** One row per store: its stock health, linking to the store view. */
export function StoreHealthTable({ data, lag }: { data: { stores: StoreHealth[]; lowStockSource: LowStockSource }; lag: QueueLag | undefined }) {
  const lagOf = (storeId: string) => lag?.items.find((item) => item.storeId === storeId);
  return (
    <>
      <div class="table-scroll">
        <table data-testid="stores-table">
          <caption class="sr-only">Stores of the region and their stock health</caption>
          <thead>
            <tr>
              <th scope="col">Store</th>
              <th scope="col" class="num">SKUs</th>
              <th scope="col" class="num">On hand</th>
              <th scope="col" class="num">Free</th>
              <th scope="col" class="num">Sold out</th>
              <th scope="col" class="num">
                Low stock{data.lowStockSource !== "api" && <sup title={LOW_STOCK_PLACEHOLDER_NOTE}>*</sup>}
              </th>
              <th scope="col" class="num">Oversold</th>
              <th scope="col" class="num">Open oversells</th>
              <th scope="col" class="num">Reports behind</th>
            </tr>
          </thead>
          <tbody>
            {data.stores.map(({ store, ...entry }) => {
              const storeLag = lagOf(store.storeId);
              return (
                <tr data-store={store.storeId}>
                  <th scope="row">
                    <a href={href({ view: "store", storeId: store.storeId })}>{store.name}</a> <span class="muted">{store.storeId}</span>
                  </th>
                  <td class="num">{formatNumber(entry.cells)}</td>
                  <td class="num">{formatNumber(entry.onHand)}</td>
                  <td class="num">{formatNumber(entry.freeUnits)}</td>
                  <td class={`num ${entry.soldOut ? "warn" : ""}`}>{formatNumber(entry.soldOut)}</td>
                  <td class={`num ${entry.lowStock ? "warn" : ""}`}>{formatNumber(entry.lowStock)}</td>
                  <td class={`num ${entry.oversold ? "bad" : ""}`}>{formatNumber(entry.oversold)}</td>
                  <td class={`num ${entry.openOversells ? "bad" : ""}`}>{formatNumber(entry.openOversells)}</td>
                  <td class="num">{storeLag ? (storeLag.laggingSkus ? `${formatNumber(storeLag.laggingSkus)} SKUs, ${formatDuration(storeLag.lagSeconds)}` : "up to date") : "…"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {data.lowStockSource !== "api" && <p class="note">* {LOW_STOCK_PLACEHOLDER_NOTE}</p>}
    </>
  );
}
