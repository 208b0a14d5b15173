import type { Context } from "hono";
import { fnv1a } from "../../durable-objects/core/hash";
import { toCsv } from "../csv";
import { isStorable } from "../../schema/text";
import { ApiError } from "../errors";

/** A timestamptz as Postgres prints it: date, time, and the session time zone's offset (hours, maybe minutes and seconds). */
const PG_TIMESTAMP = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?$/;

/** The ISO 8601 UTC form of a time Postgres printed, or undefined when `text` is no such time. */
export function isoFromPostgres(text: string): string | undefined {
  const match = PG_TIMESTAMP.exec(text);
  if (!match) return undefined;
  const [, date, time, sign, hours, minutes = "0", seconds = "0"] = match;
  const offsetMs = (Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds)) * 1000 * (sign === "-" ? -1 : 1);
  return new Date(Date.parse(`${date}T${time}Z`) - offsetMs).toISOString();
}

/**
 * Postgres prints timestamps in the session's time zone: "2026-11-24 14:17:44.494+00" on a
 * UTC server, "2026-11-24 06:17:44.494-08" on one whose TimeZone is another (Debian's initdb
 * takes the host's). The API speaks ISO 8601 UTC whatever the server's setting.
 */
export function isoTimes<T extends Record<string, unknown>>(row: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = (typeof value === "string" && isoFromPostgres(value)) || value;
  return out as T;
}

/** A page of a report as JSON `{items, next}`, or as CSV with the next cursor in `x-next-cursor`. */
export function respondPage(c: Context, format: "json" | "csv", raw: Array<Record<string, unknown>>, columns: string[], next: string | null, name: string) {
  const rows = raw.map(isoTimes);
  if (format === "csv") {
    const headers: Record<string, string> = {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${name}.csv"`,
    };
    if (next) headers["x-next-cursor"] = next;
    return c.body(toCsv(rows, columns), 200, headers);
  }
  return c.json({ items: rows, next }, 200);
}

/** Opaque cursors: the sort key of the last row, base64url-encoded JSON. */
export function encodeCursor(key: unknown[]): string {
  return btoa(JSON.stringify(key)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeCursor(cursor: string): unknown[] | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")));
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The 400 for a cursor no page of `what` gave. */
function malformedCursor(what: string, where = "query.cursor"): ApiError {
  return new ApiError("invalid_request", `cursor: not a cursor of ${what}`, { issues: [{ path: where, message: "malformed", code: "invalid_format" }] });
}

/**
 * A cursor back as the sort key it was made from: `parts` strings, passing `valid` when
 * given. Anything else is a 400 naming `where`, never a silent first page and never a query
 * the database refuses (which would answer 503, as if it were down).
 */
export function cursorKey(cursor: string, what: string, parts: number, valid: (key: string[]) => boolean = () => true, where = "query.cursor"): string[] {
  const key = decodeCursor(cursor);
  // Every key a page gave came from Postgres, so text it cannot hold was not given by a page.
  if (!key || key.length !== parts || !key.every((part): part is string => typeof part === "string" && isStorable(part)) || !valid(key)) throw malformedCursor(what, where);
  return key;
}

/** A report's query: its page (`cursor`, `limit`), its `format`, and the filters the rest of it sets. */
export type ReportQuery = { cursor?: string | undefined; limit: number } & Record<string, unknown>;

/**
 * The filters a page was asked with (all but cursor, limit and format), as a short tag its
 * cursor carries: a cursor sent with other filters would page through other rows from a
 * position they never had, a silent restart the API promises never to give.
 */
function filtersTag(query: ReportQuery, report: string): string {
  const { cursor: _cursor, limit: _limit, format: _format, ...filters } = query;
  const text = JSON.stringify([report, ...Object.keys(filters).sort().flatMap((name) => (filters[name] === undefined ? [] : [[name, filters[name]]]))]);
  return fnv1a(text).toString(36);
}

/**
 * A report's paging: `after`, the sort key its cursor names (undefined for the first page),
 * and `pageOf`, which cuts the rows read (one more than `limit`) to a page with the next
 * page's cursor. The cursor carries a tag of the report and the filters it was asked with:
 * sent to another report, or with other filters, it is a 400 (it would page through other
 * rows from a position they never had: a silent skip the API promises never to give).
 */
export function reportPaging(query: ReportQuery, what: string, parts: number, valid?: (key: string[]) => boolean) {
  const tag = filtersTag(query, what);
  let after: string[] | undefined;
  if (query.cursor !== undefined) {
    const key = cursorKey(query.cursor, what, parts + 1, valid);
    if (key.at(-1) !== tag) {
      throw new ApiError("invalid_request", `cursor: not a cursor of ${what} asked with these filters; ask its first page again with these`, {
        issues: [{ path: "query.cursor", message: "made for another report or other filters", code: "invalid_value" }],
      });
    }
    after = key.slice(0, parts);
  }
  const pageOf = <T>(rows: T[], keyOf: (row: T) => unknown[]): { items: T[]; next: string | null } => {
    const items = rows.slice(0, query.limit);
    return { items, next: rows.length > query.limit ? encodeCursor([...keyOf(items.at(-1)!), tag]) : null };
  };
  return { after, pageOf };
}

const TIMESTAMP = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.\d{1,6})?(?:Z|[+-](\d\d)(?::?(\d\d))?)$/;

/**
 * A timestamp as Postgres prints it or as ISO 8601, with a real date, time of day and UTC
 * offset (Postgres takes offsets up to 15:59): one Postgres reads.
 */
export function isTimestamp(text: string): boolean {
  const match = TIMESTAMP.exec(text);
  if (!match) return false;
  // An offset's missing parts (Z, or hours alone) are 0.
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = match.slice(1, 9).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  const realDate = year >= 1000 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return realDate && hour < 24 && minute < 60 && second < 60 && offsetHours <= 15 && offsetMinutes < 60;
}
