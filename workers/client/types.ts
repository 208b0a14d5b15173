// The client's request and response types, inferred from the zod schemas the Worker
// validates with (schema/*.ts): z.input for what the client sends, z.output for what the
// Worker answers. Type imports only: the client ships no zod at run time.
import type { z } from "zod";
import type { Allocation, AdjustInput, Availability, AvailabilityQuery, CellView, LowStock, SoldOutInput } from "../../schema/cells";
import type { ErrorCode } from "../../schema/errors";
import type { ClockInput, ClockState, CronResult, TickResult } from "../../schema/local";
import type { ReceiveInput, ReturnInput, ReturnResult, Transfer, TransferInput } from "../../schema/operations";
import type { ImportQuery, ImportResult, RegionExportQuery, RegionImportQuery, StoreExportQuery } from "../../schema/bulk";
import type { DeliveriesQuery, Delivery, DeliveryPage, Webhook, WebhookInput, WebhookList, WebhookListQuery } from "../../schema/webhooks";
import type { DeadLettersQuery, MovementsQuery, REPORT_PAGES, ReconcileInput, ReconciliationRunsQuery, ReportName, ReservationsReportQuery, ScopedListQuery, StockReportQuery } from "../../schema/reports";
import type { Reservation, ReservationInput, ReservationTransition } from "../../schema/reservations";
import type { Health, ReconcileResult, SweepInput, SweepResult } from "../../schema/service";
import type { ChangesPage, ChangesQuery, LiveQuery, Oversell, OversellList, OversellQuery, ResolveInput, StoreEventBatch, StoreEventInput, StoreEventResults, StoreStock } from "../../schema/store-sync";
import type { Store, StoreInput, StoreList, StoreQuery } from "../../schema/stores";
import type { TokenRequest, TokenResponse } from "../../schema/tokens";

type In<S extends z.ZodType> = z.input<S>;
type Out<S extends z.ZodType> = z.output<S>;

/**
 * A query string's input: fields parsed from text (`queryInteger`) take `unknown` as input,
 * so they are typed by what they become; everything else as the schema takes it.
 */
export type QueryInput<S extends z.ZodType> = {
  [K in keyof In<S>]: unknown extends In<S>[K] ? (K extends keyof Out<S> ? Exclude<Out<S>[K], undefined> | undefined : never) : In<S>[K];
};

export type { ErrorCode };
/** A sales channel's name. */
export type { Channel } from "../../schema/ids";

export type HealthResponse = Out<typeof Health>;
export type TokenRequestBody = In<typeof TokenRequest>;
export type TokenResponseBody = Out<typeof TokenResponse>;
export type ReconcileRequestBody = In<typeof ReconcileInput>;
export type ReconcileResponse = Out<typeof ReconcileResult>;
export type SweepRequestBody = In<typeof SweepInput>;
export type SweepResponse = Out<typeof SweepResult>;

export type StoreBody = In<typeof StoreInput>;
export type StoreResponse = Out<typeof Store>;
export type StoreListResponse = Out<typeof StoreList>;
export type StoreListQuery = QueryInput<typeof StoreQuery>;

export type AllocationBody = In<typeof Allocation>;
export type AdjustmentBody = In<typeof AdjustInput>;
export type SoldOutBody = In<typeof SoldOutInput>;
export type LowStockBody = In<typeof LowStock>;
export type CellResponse = Out<typeof CellView>;

/** `skus` may also be given as an array; the client joins it with commas. */
export type AvailabilityParams = Omit<QueryInput<typeof AvailabilityQuery>, "skus"> & { skus: string | readonly string[] };
export type AvailabilityResponse = Out<typeof Availability>;

export type ReservationBody = In<typeof ReservationInput>;
export type ReservationResponse = Out<typeof Reservation>;
export type ReservationTransitionResponse = Out<typeof ReservationTransition>;

export type StoreEvent = In<typeof StoreEventInput>;
export type StoreEventsBody = In<typeof StoreEventBatch>;
export type StoreEventsResponse = Out<typeof StoreEventResults>;
export type StoreStockResponse = Out<typeof StoreStock>;
export type ChangesParams = QueryInput<typeof ChangesQuery>;
export type ChangesResponse = Out<typeof ChangesPage>;
export type LiveParams = QueryInput<typeof LiveQuery>;

export type OversellListQuery = QueryInput<typeof OversellQuery>;
export type OversellListResponse = Out<typeof OversellList>;
export type OversellResponse = Out<typeof Oversell>;
export type ResolveBody = In<typeof ResolveInput>;

export type StockReportParams = QueryInput<typeof StockReportQuery>;
export type MovementsReportParams = QueryInput<typeof MovementsQuery>;
export type ReservationsReportParams = QueryInput<typeof ReservationsReportQuery>;
export type ListReportParams = QueryInput<typeof ScopedListQuery>;
export type ReconciliationRunsParams = QueryInput<typeof ReconciliationRunsQuery>;
export type DeadLettersParams = QueryInput<typeof DeadLettersQuery>;

/** A report's JSON page, `{items, next}` with its own rows (schema/report-rows.ts). */
export type ReportPageOf<R extends ReportName> = Out<(typeof REPORT_PAGES)[R]>;
export type StockReportPageResponse = ReportPageOf<"stock">;
export type MovementsReportPageResponse = ReportPageOf<"movements">;
export type ChannelUsagePageResponse = ReportPageOf<"channel-usage">;
export type ReservationsReportPageResponse = ReportPageOf<"reservations">;
export type OversellsReportPageResponse = ReportPageOf<"oversells">;
export type DeadLettersPageResponse = ReportPageOf<"dead-letters">;
export type ReconciliationRunsPageResponse = ReportPageOf<"reconciliation">;
/** The queue lag report's JSON page: its rows, and `deadLetters` on every page. */
export type QueueLagReportPage = ReportPageOf<"queue-lag">;
export type StockRow = StockReportPageResponse["items"][number];
export type MovementRow = MovementsReportPageResponse["items"][number];
export type ChannelUsageRow = ChannelUsagePageResponse["items"][number];
/** A reservations report row (the attempt it follows stays inside). */
export type ReservationRow = ReservationsReportPageResponse["items"][number];
export type OversellRow = OversellsReportPageResponse["items"][number];
export type DeadLetterRow = DeadLettersPageResponse["items"][number];
export type ReconciliationRunRow = ReconciliationRunsPageResponse["items"][number];

/** `format: "csv"` answers the CSV text; anything else the JSON page (a format known only at run time: either). */
export type ReportResult<Q, Json> = Q extends { format?: infer F } ? (F extends "csv" ? string : Json) : Json;

export type ReturnBody = In<typeof ReturnInput>;
export type ReturnResponse = Out<typeof ReturnResult>;
export type TransferBody = In<typeof TransferInput>;
export type ReceiveBody = In<typeof ReceiveInput>;
export type TransferResponse = Out<typeof Transfer>;

/** A bulk file: CSV (`sku,onHand,…` lines) or NDJSON (one allocation object per line). */
export interface ImportFile {
  format: "csv" | "ndjson";
  body: string;
}
/**
 * An import's query, `importId` required: the API also takes the id as a header
 * (Idempotency-Key, X-Import-Id), which the client's calls do not send, so without it in the
 * query every import would be refused.
 */
export type ImportParams = QueryInput<typeof ImportQuery> & { importId: string };
export type RegionImportParams = QueryInput<typeof RegionImportQuery> & { importId: string };
export type StoreExportParams = QueryInput<typeof StoreExportQuery>;
export type RegionExportParams = QueryInput<typeof RegionExportQuery>;
/** One page of a paged export: its CSV (header line included) and the next page's cursor, null at the end. */
export interface CsvPage {
  csv: string;
  next: string | null;
}
export type ImportResponse = Out<typeof ImportResult>;

export type WebhookBody = In<typeof WebhookInput>;
export type WebhookResponse = Out<typeof Webhook>;
export type WebhookListParams = QueryInput<typeof WebhookListQuery>;
export type WebhookListResponse = Out<typeof WebhookList>;
export type DeliveriesParams = QueryInput<typeof DeliveriesQuery>;
export type DeliveryPageResponse = Out<typeof DeliveryPage>;
export type DeliveryResponse = Out<typeof Delivery>;

export type ClockBody = In<typeof ClockInput>;
export type ClockResponse = Out<typeof ClockState>;
export type TickResponse = Out<typeof TickResult>;
export type CronResponse = Out<typeof CronResult>;
