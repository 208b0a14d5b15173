import { z } from "@hono/zod-openapi";
import { CHANGE_KINDS } from "../durable-objects/core/types";
import { Sku, StoreId } from "./ids";
import { ReservationStatus } from "./reservations";

/**
 * The rows each report answers (JSON; the CSV has the same columns, the reconciliation runs'
 * without `details`), as the OpenAPI document declares them. They are the reporting
 * database's rows (schema/db/tables.ts) with times in ISO 8601 UTC.
 */

const count = z.number().int();
const units = z.number().int().openapi({ description: "Units (whole numbers; on hand may be negative while oversold)" });
const byChannel = z.record(z.string(), count).openapi({ description: "Units by channel name" });
/** Whatever time zone the reporting database prints in, the reports answer UTC (workers/reporting/respond.ts). */
export const UtcTime = z.iso.datetime().openapi({ description: "UTC ISO 8601", example: "2026-11-24T12:00:00.000Z" });
const NullableTime = UtcTime.nullable();

export const StockReportRow = z
  .object({
    storeId: StoreId,
    sku: Sku,
    onHand: units,
    reserved: units,
    soldOut: z.boolean(),
    oversold: z.boolean(),
    shared: units.openapi({ description: "Units in the shared pool" }),
    free: byChannel.openapi({ description: "Each channel's own free units" }),
    quotas: byChannel.openapi({ description: "Each channel's quota as allocated" }),
    inTransit: units.openapi({ description: "Shipped out by transfers, not yet received or cancelled" }),
    incoming: units.openapi({ description: "On their way here by transfers" }),
    version: count.openapi({ description: "The cell's version this row shows" }),
    updatedAt: UtcTime,
  })
  .openapi("StockReportRow");

export const MovementReportRow = z
  .object({
    eventId: z.string(),
    storeId: StoreId,
    sku: Sku,
    seq: count.openapi({ description: "The change's version in its cell (1, 2, …)" }),
    kind: z.enum(CHANGE_KINDS),
    at: UtcTime.openapi({ description: "When the cell recorded it" }),
    effectiveAt: UtcTime.openapi({ description: "When it happened (a till's device time for replayed events)" }),
    qty: count.nullable(),
    delta: units.nullable(),
    channel: z.string().nullable(),
    reason: z.string().nullable(),
    reservationId: z.string().nullable(),
    reference: z.string().nullable().openapi({ description: "The return, transfer or import it belongs to: return:<id>, import:<id>, transfer:<id>#<attempt>" }),
    sourceEventId: z.string().nullable().openapi({ description: "The store event it came from (POS replay)" }),
    onHandBefore: units,
    onHandAfter: units,
    reservedBefore: units,
    reservedAfter: units,
    appliedAt: UtcTime.openapi({ description: "When the reports received it" }),
  })
  .openapi("MovementReportRow");

export const ChannelUsageRow = z
  .object({
    storeId: StoreId,
    channel: z.string(),
    quota: units.openapi({ description: "The channel's quotas summed over the store's cells" }),
    used: units.openapi({ description: "Summed per cell: quota minus free, at least 0" }),
    free: units,
    utilization: z.number().nullable().openapi({ description: "used / quota, to three places (null when the quota is 0)" }),
    cells: count.openapi({ description: "Cells that allocate this channel" }),
  })
  .openapi("ChannelUsageRow");

export const ReservationReportRow = z
  .object({
    reservationId: z.string(),
    storeId: StoreId,
    sku: Sku,
    channel: z.string().nullable(),
    qty: count,
    status: ReservationStatus,
    createdAt: NullableTime,
    expiresAt: NullableTime,
    endedAt: NullableTime,
  })
  .openapi("ReservationReportRow");

export const OversellReportRow = z
  .object({
    id: z.string(),
    storeId: StoreId,
    sku: Sku,
    shortfall: units,
    openedAt: UtcTime,
    healedAt: NullableTime,
    causes: z.array(z.string()).openapi({ description: "The event ids that caused it" }),
  })
  .openapi("OversellReportRow");

export const DeadLetterRow = z
  .object({
    id: z.string(),
    queue: z.string(),
    attempts: count,
    receivedAt: UtcTime,
    body: z.unknown().openapi({ description: "The message as it was sent" }),
  })
  .openapi("DeadLetterRow");

export const DIFFERENCE_KINDS = ["snapshot_missing", "snapshot_behind", "snapshot_mismatch", "ledger_gap", "ledger_mismatch", "unknown_cell"] as const;

/** What reconciliation found wrong with one cell's reports. */
export const ReconciliationDifference = z
  .object({
    storeId: StoreId,
    sku: Sku,
    kind: z.enum(DIFFERENCE_KINDS),
    expected: z.string().nullable().openapi({ description: "What the cell says" }),
    actual: z.string().nullable().openapi({ description: "What the reports say" }),
    details: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .openapi("ReconciliationDifference");

export const ReconciliationRunRow = z
  .object({
    id: z.string(),
    trigger: z.string().openapi({ description: "cron, or the API (admin)" }),
    storeId: StoreId.nullable().openapi({ description: "The one store the run covered; null for several" }),
    startedAt: UtcTime,
    finishedAt: UtcTime,
    cellsChecked: count,
    differences: count,
    clean: z.boolean(),
    details: z.array(ReconciliationDifference.extend({ runId: z.string() })).openapi({ description: "The run's differences (JSON only)" }),
  })
  .openapi("ReconciliationRunRow");

/** A report's JSON page: its rows and the next page's cursor (null on the last). */
export function reportPage<Row extends z.ZodType>(row: Row, name: string) {
  return z.object({ items: z.array(row), next: z.string().nullable() }).openapi(name);
}
