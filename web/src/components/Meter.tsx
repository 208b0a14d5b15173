import { formatNumber } from "../format";

/**
 * Free units against a quota, as a bar with the numbers next to it (the numbers are what a
 * screen reader reads). A threshold is judged on `available` when given (a channel's units
 * with what it may borrow from the shared pool, as the API's alerts judge it).
 */
export function Meter({ label, free, quota, threshold, available }: { label: string; free: number; quota: number; threshold?: number | undefined; available?: number | undefined }) {
  const max = Math.max(quota, free, 1);
  const fraction = Math.min(1, free / max);
  const low = threshold !== undefined ? (available ?? free) <= threshold : quota > 0 && free / quota < 0.2;
  const level = free === 0 ? "empty" : low ? "low" : "ok";
  const borrowable = available !== undefined && available !== free ? ` (${formatNumber(available)} available with the shared pool)` : "";
  const limit = threshold !== undefined ? `; low at ${formatNumber(threshold)} or fewer` : "";
  return (
    <div class={`meter meter-${level}`} title={`${label}: ${formatNumber(free)} free of ${formatNumber(quota)}${borrowable}${limit}`}>
      <span class="meter-label">{label}</span>
      <span class="meter-track" aria-hidden="true">
        <span class="meter-fill" style={{ width: `${Math.round(fraction * 100)}%` }} />
      </span>
      <span class="meter-value">
        <span>{formatNumber(free)}</span>
        <wbr />
        <span class="muted">/{formatNumber(quota)}</span>
      </span>
    </div>
  );
}
