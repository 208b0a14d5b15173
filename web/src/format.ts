// Numbers in the reader's locale; times in the store's time zone, with UTC for the tooltip.
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 0 });

export const formatNumber = (value: number | null | undefined): string => (value === null || value === undefined ? "–" : integer.format(value));
/** A count and its noun, singular for exactly one ("1 SKU", "2 SKUs"). */
export const formatCount = (count: number, noun: string, plural = `${noun}s`): string => `${formatNumber(count)} ${count === 1 ? noun : plural}`;
export const formatPercent = (value: number | null | undefined): string => (value === null || value === undefined ? "–" : percent.format(value));

// dateStyle/timeStyle cannot be combined with timeZoneName: name the parts.
const PARTS: Intl.DateTimeFormatOptions = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short" };
const zoned = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? "";
  let formatter = zoned.get(key);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat(undefined, { ...PARTS, timeZone });
    } catch {
      formatter = new Intl.DateTimeFormat(undefined, PARTS);
    }
    zoned.set(key, formatter);
  }
  return formatter;
}

/** A time in `timeZone` (the store's), or the reader's own zone when it is not known. */
export function formatTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return "–";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : formatterFor(timeZone).format(date);
}

/** The same instant in UTC, for the title attribute. */
export function utcTitle(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().replace("T", " ").replace(/\.\d+Z$/, "")} UTC`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${formatNumber(seconds)} s`;
  if (seconds < 3600) return `${formatNumber(Math.round(seconds / 60))} min`;
  return `${formatNumber(Math.round(seconds / 360) / 10)} h`;
}
