// The Movements view's From / To: `datetime-local` values, in the reader's time zone, to the
// ISO 8601 instants the API takes. The field shows minutes (seconds only when typed), and a
// reader who picks "To 07:51" means up to the end of that minute, not its first millisecond.

/** The first instant the value names ("2026-12-07T07:51" → 07:51:00.000 local). */
export function filterFrom(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

/** The last instant the value names: the end of its minute, or of its second when it has seconds. */
export function filterTo(local: string): string | undefined {
  if (!local) return undefined;
  const start = new Date(local).getTime();
  const span = /T\d{2}:\d{2}$/.test(local) ? 60_000 : /T\d{2}:\d{2}:\d{2}$/.test(local) ? 1_000 : 1;
  return new Date(start + span - 1).toISOString();
}
