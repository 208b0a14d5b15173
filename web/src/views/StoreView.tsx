import { useEffect, useMemo, useState } from "preact/hooks";
import { api, type Cell } from "../api";
import { ErrorNote } from "../components/ErrorNote";
import { TableScroll } from "../components/TableScroll";
import { formatTime, utcTitle } from "../format";
import { useLiveStock } from "../live";
import { href } from "../router";
import { canManage, type Session } from "../session";
import { useAsync } from "../use-async";
import { isLowStock, isSoldOut } from "../low-stock";
import { freeUnits } from "./cell-math";
import { CellRow } from "./CellRow";
import { StoreTimeZone } from "../store-zone";
import { isUnknownStore, UnknownStore } from "./UnknownStore";

type SortKey = "problems" | "sku" | "onHand" | "free" | "reserved";

const SORTS: Record<SortKey, { label: string; compare: (a: Cell, b: Cell) => number }> = {
  problems: { label: "Problems first", compare: (a, b) => rank(b) - rank(a) || a.sku.localeCompare(b.sku) },
  sku: { label: "SKU (A–Z)", compare: (a, b) => a.sku.localeCompare(b.sku) },
  onHand: { label: "On hand (lowest first)", compare: (a, b) => a.onHand - b.onHand || a.sku.localeCompare(b.sku) },
  free: { label: "Free (lowest first)", compare: (a, b) => freeUnits(a) - freeUnits(b) || a.sku.localeCompare(b.sku) },
  reserved: { label: "Reserved (highest first)", compare: (a, b) => b.reserved - a.reserved || a.sku.localeCompare(b.sku) },
};

// Oversold, then sold out (by hand, or nothing free to sell), then low.
const rank = (cell: Cell) => (cell.oversold ? 4 : 0) + (isSoldOut(cell, freeUnits(cell)) ? 2 : 0) + (isLowStock(cell, freeUnits(cell)) ? 1 : 0);

/** Every SKU of one store, live; search, sort, and (where the role allows) re-allocate and sold-out. */
export function StoreView({ session, storeId, onRegion }: { session: Session; storeId: string; onRegion?: (region: string) => void }) {
  const store = useAsync(() => api.getStore(storeId), [storeId]);
  const region = store.data?.region;
  useEffect(() => {
    if (region) onRegion?.(region);
  }, [region, onRegion]);
  const stock = useLiveStock(storeId);
  const [query, setQuery] = useState("");
  const [sort, setSort] = useState<SortKey>("problems");
  const rows = useMemo(() => {
    const needle = query.trim().toLowerCase();
    return [...stock.cells.values()].filter((cell) => !needle || cell.sku.toLowerCase().includes(needle)).sort(SORTS[sort].compare);
  }, [stock.cells, query, sort]);
  const timezone = store.data?.timezone;
  const manage = store.data ? canManage(session, store.data.region) : false;
  // A store the API does not know: its stock answers 403 (scope first), which would read as the token's fault.
  if (store.status === "error" && isUnknownStore(store.error)) return <UnknownStore storeId={storeId} />;

  return (
    <StoreTimeZone.Provider value={timezone}>
      <div class="store-view">
        <div class="page-head">
          <h1>
            {store.data?.name ?? storeId} <span class="muted">{storeId}</span>
          </h1>
          {store.data && (
            <p class="muted">
              <a href={href({ view: "overview", region: store.data.region })}>{store.data.region}</a> · {store.data.timezone} ·{" "}
              <a href={href({ view: "oversells", storeId })}>oversells</a> · <a href={href({ view: "movements", storeId })}>movements</a>
            </p>
          )}
          <span class={`live live-${stock.live}`} role="status" data-testid="live-status">
            {stock.status !== "ok" ? "" : stock.live === "live" ? "● Live" : stock.live === "connecting" ? "Connecting…" : "Reconnecting…"}
            {stock.lastChangeAt && (
              <span class="muted" title={utcTitle(stock.lastChangeAt)}>
                {" "}
                last change {formatTime(stock.lastChangeAt, timezone)}
              </span>
            )}
          </span>
        </div>
        {store.status === "error" && stock.status !== "error" && <ErrorNote error={store.error} onRetry={store.reload} />}

        <section class="panel wide" aria-labelledby="cells-title" aria-busy={stock.status === "loading"}>
          <header class="panel-head">
            <h2 id="cells-title">Stock cells</h2>
            <div class="toolbar">
              <label class="inline">
                Search{" "}
                <input type="search" value={query} onInput={(event) => setQuery(event.currentTarget.value)} placeholder="SKU" data-testid="sku-search" />
              </label>
              <label class="inline">
                Sort{" "}
                <select value={sort} onChange={(event) => setSort(event.currentTarget.value as SortKey)}>
                  {Object.entries(SORTS).map(([key, option]) => (
                    <option value={key}>{option.label}</option>
                  ))}
                </select>
              </label>
            </div>
          </header>
          {stock.status === "loading" && (
            <p class="muted loading" role="status">
              Loading…
            </p>
          )}
          {stock.status === "error" && <ErrorNote error={stock.error} onRetry={stock.reload} />}
          {stock.status === "ok" && stock.cells.size === 0 && <p class="muted empty">No SKUs are allocated at this store yet.</p>}
          {stock.status === "ok" && stock.cells.size > 0 && rows.length === 0 && <p class="muted empty">No SKU matches “{query}”.</p>}
          {stock.status === "ok" && rows.length > 0 && (
            <TableScroll>
              <table class="cells" data-testid="cells-table">
                <caption class="sr-only">Each SKU's on hand, reserved and free units per channel and in the shared pool</caption>
                <thead>
                  <tr>
                    <th scope="col">SKU</th>
                    <th scope="col" class="num">On hand</th>
                    <th scope="col" class="num">Reserved</th>
                    <th scope="col" class="wrap">Free / quota by channel and shared pool</th>
                    <th scope="col">State</th>
                    <th scope="col" class="col-updated">Updated</th>
                    <th scope="col">
                      <span class="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((cell) => (
                    <CellRow key={cell.sku} cell={cell} timezone={timezone} manage={manage} flash={stock.recent.has(cell.sku)} onChanged={stock.put} />
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
          {stock.status === "ok" && !manage && store.data && <p class="note">Your token can read this store but not change its quotas or sold-out flags.</p>}
        </section>
      </div>
    </StoreTimeZone.Provider>
  );
}
