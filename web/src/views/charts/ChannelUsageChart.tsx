import { useMemo } from "preact/hooks";
import type { ChartConfiguration } from "chart.js";
import { ChartView, tickFormat } from "../../components/Chart";
import { formatNumber, formatPercent } from "../../format";
import type { ChannelUsage } from "../../region-data";
import { COLORS } from "./palette";

/** Per channel across the region: units used out of the quotas set for it. */
export function ChannelUsageChart({ rows }: { rows: ChannelUsage[] }) {
  const totals = useMemo(() => {
    const byChannel = new Map<string, { quota: number; used: number }>();
    for (const row of rows) {
      const entry = byChannel.get(row.channel) ?? { quota: 0, used: 0 };
      entry.quota += row.quota;
      entry.used += row.used;
      byChannel.set(row.channel, entry);
    }
    return [...byChannel.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [rows]);
  const config = useMemo<ChartConfiguration>(
    () => ({
      type: "bar",
      data: {
        labels: totals.map(([channel]) => channel),
        datasets: [
          { label: "Quota", data: totals.map(([, entry]) => entry.quota), backgroundColor: COLORS.quota },
          { label: "Used", data: totals.map(([, entry]) => entry.used), backgroundColor: COLORS.used },
        ],
      },
      options: { scales: { y: { beginAtZero: true, ticks: { callback: tickFormat } } } },
    }),
    [totals],
  );
  const share = (entry: { quota: number; used: number }) => (entry.quota > 0 ? ` (${formatPercent(entry.used / entry.quota)})` : "");
  const summary = totals.map(([channel, entry]) => `${channel}: ${formatNumber(entry.used)} used of ${formatNumber(entry.quota)}${share(entry)}`).join("; ");
  return (
    <>
      <ChartView config={config} summary={`Channel usage against quotas. ${summary}`} />
      <p class="note">{totals.map(([channel, entry]) => `${channel} ${formatPercent(entry.quota > 0 ? entry.used / entry.quota : null)}`).join(" · ")} of quota used</p>
    </>
  );
}
