// Which fields a refused request (400 invalid_request) named, so a form can say so at the field,
// in its own words, instead of zod's "json.regions.0: Invalid option: …". Pure (tested in Node).
import { InventoryApiError } from "../../workers/client/errors";

export interface FieldIssue {
  /** The issue's path below the prefix asked for ("0" under "json.regions", "" for the field itself). */
  at: string;
  message: string;
}

/** The issues of an `invalid_request` on `field` ("query.sku") or inside it ("json.regions.0"). */
export function issuesAt(error: unknown, field: string): FieldIssue[] {
  if (!(error instanceof InventoryApiError) || error.code !== "invalid_request") return [];
  const issues = (error.details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return [];
  const found: FieldIssue[] = [];
  for (const issue of issues) {
    const { path, message } = (issue ?? {}) as { path?: unknown; message?: unknown };
    const where = Array.isArray(path) ? path.map(String).join(".") : String(path ?? "");
    if (where === field || where.startsWith(`${field}.`)) found.push({ at: where.slice(field.length + 1), message: typeof message === "string" ? message : "" });
  }
  return found;
}

/** The choices zod lists in `Invalid option: expected one of "a"|"b"` (none when it lists none). */
export function expectedOptions(message: string): string[] {
  const list = /expected one of (.*)$/.exec(message)?.[1] ?? "";
  return [...list.matchAll(/"([^"]*)"/g)].map((match) => match[1]!);
}
