import { useMemo } from "preact/hooks";
import type { ChartConfiguration } from "chart.js";
import { ChartView, tickFormat } from "../../components/Chart";
import { formatNumber } from "../../format";
import { COLORS } from "./palette";

const hourLabel = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** Ledger movements per hour over the last day, one line per kind (hold, confirm, adjust, …). */
export function MovementsChart({ data }: { data: { hours: string[]; byKind: Record<string, number[]>; total: number; truncated: boolean } }) {
  const config = useMemo<ChartConfiguration>(
    () => ({
      type: "line",
      data: {
        labels: data.hours.map((hour) => hourLabel.format(new Date(hour))),
        datasets: Object.entries(data.byKind)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([kind, counts], index) => ({
            label: kind,
            data: counts,
            borderColor: COLORS.kinds[index % COLORS.kinds.length],
            backgroundColor: COLORS.kinds[index % COLORS.kinds.length],
            tension: 0.2,
          })),
      },
      options: { scales: { y: { beginAtZero: true, ticks: { callback: tickFormat, precision: 0 } } } },
    }),
    [data],
  );
  const kinds = Object.entries(data.byKind).map(([kind, counts]) => `${kind}: ${formatNumber(counts.reduce((a, b) => a + b, 0))}`);
  return (
    <>
      <ChartView config={config} summary={`Movements per hour, last 24 hours (your time). ${kinds.join("; ")}`} />
      <p class="note">
        {formatNumber(data.total)} movements{data.truncated ? " (the first 10,000 shown)" : ""}; hours in your time zone.
      </p>
    </>
  );
}
