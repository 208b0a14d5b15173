import { useEffect, useRef } from "preact/hooks";
import type { Session } from "../session";
import { formatDuration, formatNumber } from "../format";
import { href } from "../router";
import { loadChannelUsage, loadExpiredLastDay, loadMovementsByHour, loadOpenOversells, loadQueueLag, loadRegionStock, loadRegionStores, NO_STOCK } from "../region-data";
import { useAsync } from "../use-async";
import { Panel } from "../components/Panel";
import { Wrap } from "../components/Wrap";
import { issuesAt } from "../invalid-fields";
import { sameFailure } from "../plain-errors";
import { StoreHealthTable } from "./StoreHealthTable";
import { KeyFigures } from "./KeyFigures";
import { StockByStoreChart } from "./charts/StockByStoreChart";
import { ChannelUsageChart } from "./charts/ChannelUsageChart";
import { MovementsChart } from "./charts/MovementsChart";
import { UnknownRegion } from "./UnknownRegion";

const REFRESH_MS = 60_000;

/** A region at a glance: stock health per store, open oversells, expiries, queue lag, charts. */
export function Overview({ session, region }: { session: Session; region: string | undefined }) {
  if (!region) {
    return (
      <div class="panel">
        <h1>Overview</h1>
        <p class="empty">This token has no regions, and there are no stores yet.</p>
      </div>
    );
  }
  return <RegionOverview session={session} region={region} key={region} />;
}

function RegionOverview({ session, region }: { session: Session; region: string }) {
  // Apart, so the reports (Postgres) being down leaves the stores and oversells (Durable Objects) on screen.
  const stores = useAsync(() => loadRegionStores(region), [region]);
  const stock = useAsync(() => loadRegionStock(region), [region]);
  const open = useAsync(() => loadOpenOversells(region), [region]);
  const lag = useAsync(() => loadQueueLag(region), [region]);
  const expired = useAsync(() => loadExpiredLastDay(region), [region]);
  const usage = useAsync(() => loadChannelUsage(region), [region]);
  const movements = useAsync(() => loadMovementsByHour(region), [region]);
  const reloadAll = () => [stores, stock, open, lag, expired, usage, movements].forEach((state) => state.reload());
  // Left open all morning, the overview keeps itself current (only while it is on screen).
  const latest = useRef(reloadAll);
  latest.current = reloadAll;
  useEffect(() => {
    const timer = setInterval(() => document.visibilityState === "visible" && latest.current(), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  // The stock report's failure is announced in the Stores panel; the other reports failing the
  // same way (the reporting database down) show it too, without announcing it four more times.
  const announce = (state: { status: string; error?: unknown }) => !(stock.status === "error" && state.status === "error" && sameFailure(state.error, stock.error));
  // Every source refuses a region the API does not know: say it once.
  if (stores.status === "error" && issuesAt(stores.error, "query.region").length > 0) return <UnknownRegion region={region} regions={session.regions} />;
  return (
    <div class="overview">
      <div class="page-head">
        <h1>
          Overview: <span data-testid="region">{region}</span>
        </h1>
        {session.regions.length > 1 && (
          <label class="inline">
            Region{" "}
            <select value={region} onChange={(event) => (location.hash = href({ view: "overview", region: event.currentTarget.value }))}>
              {session.regions.map((name) => (
                <option value={name}>{name}</option>
              ))}
            </select>
          </label>
        )}
        <button type="button" onClick={reloadAll}>
          Refresh
        </button>
        <span class="muted small">refreshes every minute</span>
      </div>
      <KeyFigures region={region} stores={stores} stock={stock} open={open} lag={lag} expired={expired} />
      <Panel title="Stores" state={stores} isEmpty={(list) => list.length === 0} empty={`No stores in ${region}.`} class="wide">
        {(list) => <StoreHealthTable stores={list} stock={stock} open={open} lag={lag} />}
      </Panel>
      <div class="grid">
        <Panel title="Stock by store" state={stock} announceError={stores.data === undefined} isEmpty={(data) => data.byStore.size === 0} empty="No stock reported yet.">
          {(data) => <StockByStoreChart stores={(stores.data ?? []).map((store) => ({ name: store.name, ...(data.byStore.get(store.storeId) ?? NO_STOCK) }))} />}
        </Panel>
        <Panel title="Channel usage against quotas" state={usage} announceError={announce(usage)} isEmpty={(rows) => rows.length === 0} empty="No channel quotas in this region.">
          {(rows) => <ChannelUsageChart rows={rows} />}
        </Panel>
        <Panel title="Movements, last 24 hours" state={movements} announceError={announce(movements)} isEmpty={(data) => data.total === 0} empty="No movements in the last 24 hours." class="wide">
          {(data) => <MovementsChart data={data} />}
        </Panel>
        <Panel title="Queue lag" state={lag} announceError={announce(lag)} isEmpty={(data) => data.items.length === 0} empty="No stores to report on.">
          {(data) => (
            <table class="compact">
              <caption class="sr-only">Per store: SKUs the reports are behind on, and for how long</caption>
              <thead>
                <tr>
                  <th scope="col">Store</th>
                  <th scope="col" class="num">SKUs behind</th>
                  <th scope="col" class="num">Behind by</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((item) => (
                  <tr>
                    <td>
                      <Wrap text={item.storeId} />
                    </td>
                    <td class="num">{formatNumber(item.laggingSkus)}</td>
                    <td class="num">{item.laggingSkus ? formatDuration(item.lagSeconds) : "up to date"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Panel>
      </div>
    </div>
  );
}
