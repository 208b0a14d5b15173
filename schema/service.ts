import { z } from "@hono/zod-openapi";
import { Sku, StoreId } from "./ids";
import { ReconciliationDifference, UtcTime } from "./report-rows";

/** `GET /v1/health`. */
export const Health = z.object({ status: z.literal("ok"), time: z.string() }).openapi("Health");

/** `POST /v1/admin/reconcile`: the run, and every difference it found. */
export const ReconcileResult = z
  .object({
    runId: z.string(),
    trigger: z.string(),
    startedAt: UtcTime,
    finishedAt: UtcTime,
    clean: z.boolean(),
    cellsChecked: z.number().int(),
    differences: z.array(ReconciliationDifference),
    repairs: z
      .array(
        z.union([
          z.object({ storeId: StoreId, sku: Sku, resentFrom: z.number().int().nullable().openapi({ description: "The version the cell resent from (null: nothing retained to send)" }) }),
          z.object({ storeId: StoreId, sku: Sku, snapshot: z.enum(["set", "removed"]).openapi({ description: "The snapshot row set to the cell's counts (it differed at its version, or was ahead), or removed (no cell behind it)" }) }),
        ]),
      )
      .optional()
      .openapi({ description: "With `repair`: the cells asked to send their retained outbox again (gaps, a snapshot behind or missing), and the snapshot rows set right in place" }),
    next: z.string().nullable().optional().openapi({ description: "A paged run's next cursor (null after the last page); absent when not paged" }),
  })
  .openapi("ReconcileResult");

/** `POST /v1/admin/holds/sweep`: release holds no reservation owns (left by creations whose answer was lost). */
export const SweepInput = z
  .object({
    /** Only holds at least this old (the cron: 60 s); 0 checks every hold. */
    olderThanSeconds: z.number().int().min(0).max(86_400).optional(),
  })
  .strict()
  .openapi("SweepRequest");

export const SweepResult = z
  .object({ cellsChecked: z.number(), holdsChecked: z.number(), released: z.number(), failed: z.number() })
  .openapi("SweepResult");
