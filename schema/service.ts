import { z } from "@hono/zod-openapi";

/** `GET /v1/health`. */
export const Health = z.object({ status: z.literal("ok"), time: z.string() }).openapi("Health");

/** `POST /v1/admin/reconcile`: the run, and every difference it found. */
export const ReconcileResult = z
  .object({
    runId: z.string(),
    clean: z.boolean(),
    cellsChecked: z.number(),
    differences: z.array(z.record(z.string(), z.unknown())),
    /** A paged run's next cursor (null after the last page); absent when not paged. */
    next: z.string().nullable().optional(),
  })
  .passthrough()
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
