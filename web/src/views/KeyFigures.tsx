import { formatDuration, formatNumber } from "../format";
import type { QueueLag, StoreHealth } from "../region-data";
import type { AsyncState } from "../use-async";
import { href } from "../router";

type Figure = { label: string; value: string; tone?: "bad" | "warn"; link?: string; testid: string };

const valueOf = <T,>(state: AsyncState<T>, pick: (data: T) => string) =>
  state.data !== undefined ? pick(state.data) : state.status === "error" ? "unavailable" : "…";

/** The few numbers a manager checks first. */
export function KeyFigures({ health, lag, expired }: { health: AsyncState<{ stores: StoreHealth[] }>; lag: AsyncState<QueueLag>; expired: AsyncState<number> }) {
  const sum = (pick: (entry: StoreHealth) => number) => (data: { stores: StoreHealth[] }) => formatNumber(data.stores.reduce((total, entry) => total + pick(entry), 0));
  const figures: Figure[] = [
    { label: "Stores", value: valueOf(health, (data) => formatNumber(data.stores.length)), testid: "kpi-stores" },
    { label: "Open oversells", value: valueOf(health, sum((entry) => entry.openOversells)), tone: "bad", link: href({ view: "oversells" }), testid: "kpi-oversells" },
    { label: "Oversold cells", value: valueOf(health, sum((entry) => entry.oversold)), tone: "bad", testid: "kpi-oversold" },
    { label: "Sold-out cells", value: valueOf(health, sum((entry) => entry.soldOut)), tone: "warn", testid: "kpi-soldout" },
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
          <span class="figure-value">{figure.link ? <a href={figure.link}>{figure.value}</a> : figure.value}</span>
          <span class="figure-label">{figure.label}</span>
        </li>
      ))}
    </ul>
  );
}
