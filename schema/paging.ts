import { z } from "@hono/zod-openapi";
import { LIMITS } from "./limits";

/** An opaque cursor: the `next` (or `x-next-cursor`) of the previous page. */
export const Cursor = z.string().max(500);

/**
 * Paging of a request that calls every cell of its scope (a stock export, an admin
 * reconciliation): opt in with `limit` or a cursor. `count` is the number type of where the
 * limit comes from (coerced in a query string, a plain number in a JSON body).
 */
export function cellPaging(count: z.ZodNumber | z.ZodCoercedNumber, next: string) {
  return {
    limit: count
      .int()
      .min(1)
      .max(LIMITS.maxCellPage)
      .optional()
      .openapi({ description: `One page: at most this many SKUs (1–${LIMITS.maxCellPage}); ${next} is the following page's cursor while more remain` }),
    cursor: Cursor.optional().openapi({ description: `The ${next} of the previous page (pages of ${LIMITS.defaultCellPage} SKUs unless limit says otherwise)` }),
  };
}
