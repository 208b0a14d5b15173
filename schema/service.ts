import { z } from "@hono/zod-openapi";

/** `GET /v1/health`. */
export const Health = z.object({ status: z.literal("ok"), time: z.string() }).openapi("Health");

/** `POST /v1/admin/reconcile`: the run, and every difference it found. */
export const ReconcileResult = z
  .object({ runId: z.string(), clean: z.boolean(), cellsChecked: z.number(), differences: z.array(z.record(z.string(), z.unknown())) })
  .passthrough()
  .openapi("ReconcileResult");
