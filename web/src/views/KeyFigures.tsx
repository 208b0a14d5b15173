import type { Store } from "../api";
import { formatCount, formatDuration, formatNumber } from "../format";
import type { QueueLag, RegionStock, StockFigures } from "../region-data";
import type { AsyncState } from "../use-async";
import { href } from "../router";

type Figure = { label: string; value: string; tone?: "bad" | "warn"; link?: string; linkLabel?: string; testid: string };

const valueOf = <T,>(state: AsyncState<T>, pick: (data: T) => string) =>
  state.data !== undefined ? pick(state.data) : state.status === "error" ? "unavailable" : "…";

const total = (values: Iterable<number>) => formatNumber([...values].reduce((sum, value) => sum + value, 0));

/** The few numbers a manager checks first, each from its own source (one down leaves the rest). */
export function KeyFigures({ region, stores, stock, open, lag, expired }: { region: string; stores: AsyncState<Store[]>; stock: AsyncState<RegionStock>; open: AsyncState<Map<string, number>>; lag: AsyncState<QueueLag>; expired: AsyncState<number> }) {
  const cells = (pick: (entry: StockFigures) => number) => (data: RegionStock) => total([...data.byStore.values()].map(pick));
  const openCount = open.data ? [...open.data.values()].reduce((sum, count) => sum + count, 0) : undefined;
  const figures: Figure[] = [
    { label: "Stores", value: valueOf(stores, (list) => formatNumber(list.length)), testid: "kpi-stores" },
    {
      label: "Open oversells",
      value: valueOf(open, (perStore) => total(perStore.values())),
      tone: "bad",
      // The region's own oversells, and a link name that says what the bare number counts.
      link: href({ view: "oversells", region }),
      ...(openCount !== undefined ? { linkLabel: `${formatCount(openCount, "open oversell")} in ${region}` } : {}),
      testid: "kpi-oversells",
    },
    { label: "Oversold cells", value: valueOf(stock, cells((entry) => entry.oversold)), tone: "bad", testid: "kpi-oversold" },
    { label: "Sold-out cells", value: valueOf(stock, cells((entry) => entry.soldOut)), tone: "warn", testid: "kpi-soldout" },
    { label: "Expired reservations (24 h)", value: valueOf(expired, formatNumber), testid: "kpi-expired" },
    {
      label: "Queue lag",
      value: valueOf(lag, (data) => {
        const worst = Math.max(0, ...data.items.map((item) => (item.laggingSkus ? item.lagSeconds : 0)));
        return worst ? formatDuration(worst) : "up to date";
      }),
      testid: "kpi-lag",
    },
  ];
  return (
    <ul class="figures" aria-label="Key figures">
      {figures.map((figure) => (
        <li class={`figure ${figure.tone ?? ""}`} data-testid={figure.testid}>
          <span class="figure-value">{figure.link ? (
              <a href={figure.link} aria-label={figure.linkLabel}>
                {figure.value}
              </a>
            ) : (
              figure.value
            )}</span>
          <span class="figure-label">{figure.label}</span>
        </li>
      ))}
    </ul>
  );
}
