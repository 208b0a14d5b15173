import { useMemo } from "preact/hooks";
import type { ChartConfiguration } from "chart.js";
import { ChartView, tickFormat } from "../../components/Chart";
import { formatNumber } from "../../format";
import { COLORS } from "./palette";

const LABEL_MAX = 24;
function shortLabel(this: { getLabelForValue: (value: number) => string }, value: string | number) {
  const label = this.getLabelForValue(Number(value));
  return label.length > LABEL_MAX ? `${label.slice(0, LABEL_MAX - 1)}…` : label;
}

/** Free and reserved units per store, stacked (their sum is what is on hand and spoken for). */
export function StockByStoreChart({ stores }: { stores: Array<{ name: string; freeUnits: number; reserved: number }> }) {
  const config = useMemo<ChartConfiguration>(
    () => ({
      type: "bar",
      data: {
        labels: stores.map((entry) => entry.name),
        datasets: [
          { label: "Free", data: stores.map((entry) => entry.freeUnits), backgroundColor: COLORS.free },
          { label: "Reserved", data: stores.map((entry) => entry.reserved), backgroundColor: COLORS.reserved },
        ],
      },
      // A long store name is shortened on the axis (the tooltip and the summary have it whole).
      options: { scales: { x: { stacked: true, ticks: { callback: shortLabel } }, y: { stacked: true, beginAtZero: true, ticks: { callback: tickFormat } } } },
    }),
    [stores],
  );
  const summary = stores.map((entry) => `${entry.name}: ${formatNumber(entry.freeUnits)} free, ${formatNumber(entry.reserved)} reserved`).join("; ");
  return <ChartView config={config} summary={`Stock by store. ${summary}`} />;
}
