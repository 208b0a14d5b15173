// The typed client of the edge-inventory /v1 API (`edge-inventory/client`). Every route is a
// method; bodies, queries and answers are typed from the zod schemas the Worker validates
// with (see ./types.ts). Errors are thrown as InventoryApiError, whose `code` is the API's
// error code. Uses fetch only: runs in Node 18+, browsers and Workers.
//
// Why not hono/client's hc<AppType>: the app is composed with separate app.route() calls
// (not one chain), so its type carries no routes; and even chained, hc's types name the
// Worker's whole module graph (Durable Objects, Env), answer unions of every status, and
// type coerced query fields as strings. A small table over the schemas' own types gives
// exact bodies and answers, and a client with no runtime dependency.
import { path, seg, transport, type ClientOptions } from "./http";
import type * as T from "./types";

export { InventoryApiError, isInventoryApiError } from "./errors";
export { pagesOf } from "./pages";
/** The kinds of change a movement can be (the movements report's `kind` filter). */
export { CHANGE_KINDS } from "../../durable-objects/core/types";
export type { ClientOptions } from "./http";
export type * from "./types";

type Maybe<Q> = Q | undefined;

const textOf = (file: T.ImportFile) => ({ body: file.body, contentType: file.format === "csv" ? "text/csv" : "application/x-ndjson" });

export function createClient(options: ClientOptions) {
  const call = transport(options);
  const report = <Q extends { format?: "json" | "csv" | undefined }, Json>(name: string) =>
    Object.assign(
      // Without a query, P is the default: no format, so the JSON page.
      <P extends Q = Q & { format?: undefined }>(query?: P & Record<Exclude<keyof P, keyof Q>, never>): Promise<T.ReportResult<P, Json>> =>
        call(`GET`, `/v1/reports/${name}`, { query, as: query?.format === "csv" ? "text" : "json" }),
      {
        /** One page as CSV and the next page's cursor (`x-next-cursor`, null on the last): pass it as `cursor` until then. */
        csvPage: (query?: Omit<Q, "format">) => call<T.CsvPage>("GET", `/v1/reports/${name}`, { query: { ...query, format: "csv" }, as: "csvPage" }),
      },
    );

  return {
    health: () => call<T.HealthResponse>("GET", "/v1/health"),

    admin: {
      /** `POST /v1/admin/tokens` (admin): a signed token for a role and its scope. */
      mintToken: (body: T.TokenRequestBody) => call<T.TokenResponseBody>("POST", "/v1/admin/tokens", { body }),
      /** `POST /v1/admin/reconcile` (admin): compare cells with the reporting database now. */
      reconcile: (body: T.ReconcileRequestBody = {}) => call<T.ReconcileResponse>("POST", "/v1/admin/reconcile", { body }),
      /** `POST /v1/admin/holds/sweep` (admin): release holds no reservation owns now. */
      sweepHolds: (body: T.SweepRequestBody = {}) => call<T.SweepResponse>("POST", "/v1/admin/holds/sweep", { body }),
    },

    stores: {
      /** `PUT /v1/stores/{storeId}` (admin): create or update. */
      put: (storeId: string, body: T.StoreBody) => call<T.StoreResponse>("PUT", path`/v1/stores/${storeId}`, { body }),
      list: (query?: T.StoreListQuery) => call<T.StoreListResponse>("GET", "/v1/stores", { query }),
      get: (storeId: string) => call<T.StoreResponse>("GET", path`/v1/stores/${storeId}`),
      /** `POST /v1/stores/{storeId}/events`: a POS's recorded events (offline replay). */
      events: (storeId: string, body: T.StoreEventsBody) => call<T.StoreEventsResponse>("POST", path`/v1/stores/${storeId}/events`, { body }),
      stock: (storeId: string) => call<T.StoreStockResponse>("GET", path`/v1/stores/${storeId}/stock`),
      /** `POST /v1/stores/{storeId}/returns`: returned units back on hand, all items or none; idempotent by returnId. */
      returns: (storeId: string, body: T.ReturnBody) => call<T.ReturnResponse>("POST", path`/v1/stores/${storeId}/returns`, { body }),
      changes: (storeId: string, query?: T.ChangesParams) => call<T.ChangesResponse>("GET", path`/v1/stores/${storeId}/changes`, { query }),
      /**
       * The `ws(s)://` URL of `/v1/stores/{storeId}/live`, with the client's token as
       * `access_token` (browsers cannot set headers on a WebSocket). Open it with `new WebSocket(url)` (browsers, Workers, Node 22; on Node 20 the `ws` package).
       */
      liveUrl: (storeId: string, query: Maybe<Omit<T.LiveParams, "access_token">> = {}) => {
        const url = new URL(`${options.baseUrl.replace(/\/+$/, "")}/v1/stores/${seg(storeId)}/live`);
        url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
        if (query.after !== undefined) url.searchParams.set("after", String(query.after));
        if (options.token) url.searchParams.set("access_token", options.token);
        return url.toString();
      },
    },

    cells: {
      /**
       * `PUT /v1/stores/{storeId}/skus/{sku}`: allocate on hand, quotas and the pool policy.
       * `ifVersion`: only if the cell is still at that version (the `version` of the cell it was
       * decided on); otherwise a 412 `precondition_failed` and nothing changes.
       */
      allocate: (storeId: string, sku: string, body: T.AllocationBody, conditions: { ifVersion?: number } = {}) =>
        call<T.CellResponse>("PUT", path`/v1/stores/${storeId}/skus/${sku}`, { body, ...(conditions.ifVersion !== undefined ? { headers: { "if-match": `"${conditions.ifVersion}"` } } : {}) }),
      get: (storeId: string, sku: string) => call<T.CellResponse>("GET", path`/v1/stores/${storeId}/skus/${sku}`),
      adjust: (storeId: string, sku: string, body: T.AdjustmentBody) => call<T.CellResponse>("POST", path`/v1/stores/${storeId}/skus/${sku}/adjustments`, { body }),
      setSoldOut: (storeId: string, sku: string, body: T.SoldOutBody) => call<T.CellResponse>("PUT", path`/v1/stores/${storeId}/skus/${sku}/sold-out`, { body }),
      /** The cell's low-stock thresholds (overall and per channel); `{}` clears them. */
      setLowStock: (storeId: string, sku: string, body: T.LowStockBody) => call<T.CellResponse>("PUT", path`/v1/stores/${storeId}/skus/${sku}/low-stock`, { body }),
    },

    /** `GET /v1/availability` (public). */
    availability: (query: T.AvailabilityParams) => call<T.AvailabilityResponse>("GET", "/v1/availability", { query }),

    reservations: {
      /** All or nothing; `insufficient_stock` carries `details.shortages`. A repeat answers the same reservation. */
      create: (body: T.ReservationBody) => call<T.ReservationResponse>("POST", "/v1/reservations", { body }),
      get: (reservationId: string) => call<T.ReservationResponse>("GET", path`/v1/reservations/${reservationId}`),
      confirm: (reservationId: string) => call<T.ReservationTransitionResponse>("POST", path`/v1/reservations/${reservationId}/confirm`),
      release: (reservationId: string) => call<T.ReservationTransitionResponse>("POST", path`/v1/reservations/${reservationId}/release`),
    },

    /** Bulk files of cells (allocations, thresholds), idempotent by `importId`; exports are CSV text. */
    skus: {
      import: (storeId: string, file: T.ImportFile, query: T.ImportParams) =>
        call<T.ImportResponse>("POST", path`/v1/stores/${storeId}/skus:import`, { query, text: textOf(file) }),
      /** Admin: one file for many stores of a region (each line names its store). */
      importRegion: (query: T.RegionImportParams, file: T.ImportFile) => call<T.ImportResponse>("POST", "/v1/skus:import", { query, text: textOf(file) }),
      /** The whole store in one answer; a large store pages with `exportPage`. */
      export: (storeId: string) => call<string>("GET", path`/v1/stores/${storeId}/skus:export`, { as: "text" }),
      /** One page (`limit` SKUs, then `cursor: page.next` until it is null). */
      exportPage: (storeId: string, query: T.StoreExportParams) => call<T.CsvPage>("GET", path`/v1/stores/${storeId}/skus:export`, { query, as: "csvPage" }),
      exportRegion: (query: T.RegionExportParams) => call<string>("GET", "/v1/skus:export", { query, as: "text" }),
      exportRegionPage: (query: T.RegionExportParams) => call<T.CsvPage>("GET", "/v1/skus:export", { query, as: "csvPage" }),
    },

    /** Signed alert deliveries (low stock, back in stock, sold out, oversold) for a store or region. */
    webhooks: {
      create: (body: T.WebhookBody) => call<T.WebhookResponse>("POST", "/v1/webhooks", { body }),
      list: (query?: T.WebhookListParams) => call<T.WebhookListResponse>("GET", "/v1/webhooks", { query }),
      delete: (id: string) => call<void>("DELETE", path`/v1/webhooks/${id}`),
      deliveries: (id: string, query?: T.DeliveriesParams) => call<T.DeliveryPageResponse>("GET", path`/v1/webhooks/${id}/deliveries`, { query }),
      replay: (id: string, deliveryId: string) => call<T.DeliveryResponse>("POST", path`/v1/webhooks/${id}/deliveries/${deliveryId}/replay`),
    },

    /** Stock moving between stores: shipped (in transit), then received or cancelled. */
    transfers: {
      create: (body: T.TransferBody) => call<T.TransferResponse>("POST", "/v1/transfers", { body }),
      get: (transferId: string) => call<T.TransferResponse>("GET", path`/v1/transfers/${transferId}`),
      receive: (transferId: string, body: T.ReceiveBody) => call<T.TransferResponse>("POST", path`/v1/transfers/${transferId}/receive`, { body }),
      cancel: (transferId: string) => call<T.TransferResponse>("POST", path`/v1/transfers/${transferId}/cancel`),
    },

    oversells: {
      list: (query?: T.OversellListQuery) => call<T.OversellListResponse>("GET", "/v1/oversells", { query }),
      resolve: (id: string, body: T.ResolveBody) => call<T.OversellResponse>("POST", path`/v1/oversells/${id}/resolve`, { body }),
    },

    /** Reports from the reporting database; `format: "csv"` answers the CSV text. */
    reports: {
      stock: report<T.StockReportParams, T.StockReportPageResponse>("stock"),
      movements: report<T.MovementsReportParams, T.MovementsReportPageResponse>("movements"),
      channelUsage: report<T.ListReportParams, T.ChannelUsagePageResponse>("channel-usage"),
      reservations: report<T.ReservationsReportParams, T.ReservationsReportPageResponse>("reservations"),
      oversells: report<T.ListReportParams, T.OversellsReportPageResponse>("oversells"),
      queueLag: report<T.ListReportParams, T.QueueLagReportPage>("queue-lag"),
      deadLetters: report<T.DeadLettersParams, T.DeadLettersPageResponse>("dead-letters"),
      reconciliation: report<T.ReconciliationRunsParams, T.ReconciliationRunsPageResponse>("reconciliation"),
    },

    /** Local mode only (`npm start`, tests): the service's clock. Admin. */
    local: {
      clock: (body: T.ClockBody) => call<T.ClockResponse>("POST", "/v1/admin/local/clock", { body }),
      /** Settles everything due now by the service's clock (expired reservations). */
      tick: () => call<T.TickResponse>("POST", "/v1/admin/local/tick"),
      /** Runs the cron's work now (a maintenance message per store): wrangler dev never fires the cron itself. */
      cron: () => call<T.CronResponse>("POST", "/v1/admin/local/cron"),
    },
  };
}

export type InventoryClient = ReturnType<typeof createClient>;
