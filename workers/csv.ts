/**
 * The one place the service writes CSV (the reports' `format=csv`, the stock export).
 *
 * A cell is RFC 4180-quoted when it holds a quote, comma or line break. Text that a
 * spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
 * carriage return: OWASP's CSV Injection rule) is neutralised: a single quote goes before
 * it and the cell is quoted, so `=HYPERLINK(…)` arrives as the text `'=HYPERLINK(…)`.
 * Numbers stay plain numbers: a number value, or a string that is only a number (a level
 * Postgres gave as text, `-5`), is never prefixed.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NEEDS_QUOTES = /[",\n\r]/;

/** One CSV cell: empty for null, JSON for an object, quoted and neutralised as above. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  const formula = FORMULA_START.test(text) && !PLAIN_NUMBER.test(text);
  if (formula) return `"'${text.replace(/"/g, '""')}"`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows as CSV lines, each ended by CRLF, without a header. */
export function csvRows(rows: Array<Record<string, unknown>>, columns: readonly string[]): string {
  return rows.map((row) => columns.map((column) => csvCell(row[column])).join(",") + "\r\n").join("");
}

/** Rows as CSV: a header of `columns`, one line per row (RFC 4180 quoting, formulas neutralised). */
export function toCsv(rows: Array<Record<string, unknown>>, columns: readonly string[]): string {
  return columns.map(csvCell).join(",") + "\r\n" + csvRows(rows, columns);
}
