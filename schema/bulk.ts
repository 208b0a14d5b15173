import { z } from "@hono/zod-openapi";
import { OperationId } from "./operations";
import { cellPaging } from "./paging";
import { Region } from "./regions";

/** Bulk import and export of cells (workers/routes/bulk.ts). */
export const ImportQuery = z.object({
  importId: OperationId.optional().openapi({ description: "The import's id (or the Idempotency-Key / X-Import-Id header): the same id with the same body answers the first result" }),
  mode: z.enum(["all", "good-lines"]).default("all").openapi({ description: "all: any bad line refuses the whole file; good-lines: apply the good lines, report the bad ones" }),
}).strict();
export const RegionImportQuery = ImportQuery.extend({ region: Region }).strict();

export const LineOutcome = z.object({
  line: z.number().int(),
  storeId: z.string().optional(),
  sku: z.string().optional(),
  outcome: z.enum(["applied", "failed", "invalid"]),
  errors: z.array(z.string()).optional(),
  version: z.number().int().optional(),
});
export const ImportResult = z
  .object({
    importId: z.string(),
    mode: z.enum(["all", "good-lines"]),
    lines: z.number().int(),
    applied: z.number().int(),
    failed: z.number().int(),
    invalid: z.number().int(),
    completedAt: z.string(),
    outcomes: z.array(LineOutcome),
  })
  .openapi("ImportResult");

/** Without `limit` or `cursor` the whole scope comes in one answer. */
const exportPaging = cellPaging("query", "`x-next-cursor`");
export const StoreExportQuery = z.object(exportPaging).strict();
export const RegionExportQuery = z.object({ region: Region, ...exportPaging }).strict();
