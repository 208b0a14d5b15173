import { z } from "@hono/zod-openapi";
import { eachOnce } from "./each-once";
import { queryInteger } from "./query";
import { Channel, RESERVATION_ID_SOURCE, Region, Sku, StoreId, Timestamp } from "./ids";
import { Reason } from "./operations";
import { OPERATION_REFERENCE_KINDS } from "../durable-objects/core/operations";
import { Cursor, cellPaging } from "./paging";
import { ChannelUsageRow, DeadLetterRow, MovementReportRow, OversellReportRow, ReconciliationRunRow, ReservationReportRow, StockReportRow, reportPage } from "./report-rows";
import { CHANGE_KINDS } from "../durable-objects/core/types";

/** Every report lists with a cursor, and answers CSV with `format=csv`. */
const listing = {
  limit: queryInteger(1, 1000).default(100),
  cursor: Cursor.optional().openapi({ description: "The `next` of the previous page" }),
  format: z.enum(["json", "csv"]).default("json"),
};
const scope = { region: Region.optional(), storeId: StoreId.optional() };
/** An instant in the years Postgres and ISO 8601 share (1–9999 in UTC: Postgres has no year 0). */
const ReportTime = z.iso
  .datetime({ offset: true })
  .refine((text) => {
    const year = new Date(text).getUTCFullYear();
    return year >= 1 && year <= 9999;
  }, "a time in the years 0001–9999 (UTC)");
const time = {
  from: ReportTime.optional(),
  to: ReportTime.optional(),
};

export const StockReportQuery = z
  .object({
    ...scope,
    ...listing,
    sku: Sku.optional(),
    lowStockBelow: queryInteger(0, 1_000_000).optional().openapi({ description: "Only cells with fewer units on hand" }),
    soldOut: z.enum(["true", "false"]).optional(),
    oversold: z.enum(["true", "false"]).optional(),
  })
  .strict();

/**
 * What the movements' Reference column shows, and so what the `reference` filter takes: an
 * operation's reference (`return:<id>`, `import:<id>`, `transfer:<id>[#<attempt>]`), a
 * reservation id (its hold, confirm, release and expire rows) or a store's POS event id (the
 * row it made). Event ids and reservation ids share one alphabet (schema/store-sync.ts, ids.ts).
 */
export const MovementReference = z
  .string()
  .regex(
    new RegExp(`^(?:(?:${OPERATION_REFERENCE_KINDS.join("|")}):${RESERVATION_ID_SOURCE}#[0-9]{1,6}|${RESERVATION_ID_SOURCE})$`),
    `${OPERATION_REFERENCE_KINDS.map((kind) => `${kind}:<id>`).join(", ")} (a transfer's attempt as transfer:<id>#<n>), a reservation id or a store event id, as movements show it`,
  );

export const MovementsQuery = z
  .object({
    ...scope,
    ...listing,
    ...time,
    sku: Sku.optional(),
    kind: z.enum(CHANGE_KINDS).optional(),
    reason: Reason.optional().openapi({
      description: "Only the movements with this reason, matched exactly: any reason a return, a receipt or an adjustment can carry (printable ASCII, 1–200 characters, trimmed)",
      example: "Damaged box",
    }),
    reference: MovementReference.optional().openapi({
      description:
        "Only the movements of one operation, reservation or store event, named as the ledger's Reference shows it: `return:<id>`, `import:<id>` or `transfer:<id>` (every attempt of the transfer: `transfer:T1#1`, …; `transfer:T1#2` one of them) match the movements' `reference`; any other id matches the movements of the reservation with that id (`reservationId`: its holds, confirmation, release or expiry) and, with `storeId`, the movement that store's POS event with that id made (`sourceEventId`). An id is matched in each, as written",
      example: "transfer:T-1001",
    }),
  })
  .strict();

/** A reservation is placed in time by when it ended (confirmed, released, expired) or, while pending, when it was made. */
const reservationTime = (bound: string) =>
  ReportTime.optional().openapi({
    description: `Only reservation rows ${bound}, by COALESCE(endedAt, createdAt): when the reservation ended (confirmed, released or expired), or when it was made while it is pending`,
  });

export const ReservationsReportQuery = z
  .object({
    ...scope,
    ...listing,
    from: reservationTime("at or after this instant"),
    to: reservationTime("at or before this instant"),
    status: z.enum(["pending", "confirmed", "released", "expired"]).optional(),
  })
  .strict();

export const ScopedListQuery = z.object({ ...scope, ...listing }).strict();
/** Reconciliation runs are chain-wide or one store's: a store filter, no region. */
export const ReconciliationRunsQuery = z.object({ storeId: StoreId.optional(), ...listing }).strict();
/** Dead letters are queue messages, not one store's rows: no scope filters (a filter that did nothing answered everything). */
export const DeadLettersQuery = z.object(listing).strict();

export const ReconcileInput = z
  .object({
    /** Each store once (as a reservation's items and a webhook's events): a store named twice would be counted, and repaired, twice. */
    storeIds: z
      .array(StoreId)
      .min(1)
      .max(1000)
      .superRefine(eachOnce("store", "storeIds"))
      .optional(),
    /** Ask each cell the reports lack changes of to send its retained outbox again. */
    repair: z.boolean().optional(),
    /** With one store in storeIds: one page of its SKUs, a run of its own. */
    ...cellPaging("body", "`next`"),
  })
  .strict()
  .openapi("ReconcileRequest");

/** A queue lag row: a store, and how far the reports are behind its cells. */
export const QueueLagRow = z
  .object({
    storeId: StoreId,
    laggingSkus: z.number().int().min(0).openapi({ description: "SKUs of the store whose latest change the reports lack" }),
    oldestUnappliedAt: Timestamp.nullable().openapi({ description: "When the oldest change the reports lack was made (null: none lacking)" }),
    lagSeconds: z.number().int().min(0).openapi({ description: "How long ago that was, on the service clock (0: none lacking)" }),
  })
  .openapi("QueueLagRow");

/** The queue lag report's JSON page: a report page, and the dead-letter count on every page. */
export const QueueLagPage = z
  .object({
    items: z.array(QueueLagRow),
    deadLetters: z
      .number()
      .int()
      .min(0)
      .openapi({ description: "Queue messages in the dead-letter queue now (all of them, whatever the filters; listed by /v1/reports/dead-letters, admins). On every JSON page; the CSV has no such column" }),
    next: z.string().nullable(),
  })
  .openapi("QueueLagPage");

export { Channel };

/** Each report's JSON page, by its path under /v1/reports: the routes declare it, the client's types read it. */
export const REPORT_PAGES = {
  stock: reportPage(StockReportRow, "StockReportPage"),
  movements: reportPage(MovementReportRow, "MovementsReportPage"),
  "channel-usage": reportPage(ChannelUsageRow, "ChannelUsagePage"),
  reservations: reportPage(ReservationReportRow, "ReservationsReportPage"),
  oversells: reportPage(OversellReportRow, "OversellsReportPage"),
  "queue-lag": QueueLagPage,
  "dead-letters": reportPage(DeadLetterRow, "DeadLettersPage"),
  reconciliation: reportPage(ReconciliationRunRow, "ReconciliationRunsPage"),
};
export type ReportName = keyof typeof REPORT_PAGES;
