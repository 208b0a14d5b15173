import { z } from "@hono/zod-openapi";
import { queryInteger } from "./query";
import { LIMITS } from "./limits";

/** An opaque cursor: the `next` (or `x-next-cursor`) of the previous page. */
export const Cursor = z.string().max(500);

/**
 * Paging of a request that calls every cell of its scope (a stock export, an admin
 * reconciliation): opt in with `limit` or a cursor, in the query string or a JSON body.
 */
export function cellPaging(from: "query" | "body", next: string) {
  const limit: z.ZodType<number> = from === "query" ? queryInteger(1, LIMITS.maxCellPage) : z.number().int().min(1).max(LIMITS.maxCellPage);
  return {
    limit: limit
      .optional()
      .openapi({ description: `One page: at most this many SKUs (1–${LIMITS.maxCellPage}); ${next} is the following page's cursor while more remain` }),
    cursor: Cursor.optional().openapi({ description: `The ${next} of the previous page (pages of ${LIMITS.defaultCellPage} SKUs unless limit says otherwise)` }),
  };
}
