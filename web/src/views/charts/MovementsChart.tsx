import { useMemo } from "preact/hooks";
import { Chart, type ChartConfiguration } from "chart.js";
import { ChartView, tickFormat } from "../../components/Chart";
import { formatNumber } from "../../format";
import { kindStyle } from "./palette";

const hourLabel = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** Ledger movements per hour over the last day, one line per kind (hold, confirm, adjust, …). */
export function MovementsChart({ data }: { data: { hours: string[]; byKind: Record<string, number[]>; total: number; truncated: boolean } }) {
  // The legend's order, and the text alternative's.
  const byKind = useMemo(() => Object.entries(data.byKind).sort(([a], [b]) => a.localeCompare(b)), [data]);
  const config = useMemo<ChartConfiguration>(
    () => ({
      type: "line",
      data: {
        labels: data.hours.map((hour) => hourLabel.format(new Date(hour))),
        // Each kind its own colour, dash pattern and marker (palette.ts), the same in every chart.
        datasets: byKind.map(([kind, counts]) => {
          const style = kindStyle(kind);
          return {
            label: kind,
            data: counts,
            borderColor: style.color,
            backgroundColor: style.color,
            borderDash: style.dash,
            pointStyle: style.marker,
            pointRadius: 3.5,
            pointBorderWidth: 1.5,
            tension: 0.2,
          };
        }),
      },
      options: {
        scales: { y: { beginAtZero: true, ticks: { callback: tickFormat, precision: 0 } } },
        // The legend shows each kind's marker in its colour (undashed, so the marker stays whole).
        plugins: { legend: { labels: { usePointStyle: true, boxHeight: 8, generateLabels: (chart) => Chart.defaults.plugins.legend.labels.generateLabels(chart).map((item) => ({ ...item, lineDash: [] })) } } },
      },
    }),
    [data, byKind],
  );
  const kinds = byKind.map(([kind, counts]) => `${kind}: ${formatNumber(counts.reduce((a, b) => a + b, 0))}`);
  return (
    <>
      <ChartView config={config} summary={`Movements per hour, last 24 hours (your time). ${kinds.join("; ")}`} />
      <p class="note">
        {formatNumber(data.total)} movements{data.truncated ? " (the first 10,000 shown)" : ""}; hours in your time zone.
      </p>
    </>
  );
}
