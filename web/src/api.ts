// The dashboard's one door to the /v1 API, over the typed client of workers/client/. Every
// call goes through here, with the signed-in token; a failure is always the client's
// InventoryApiError (the API's code, message, details), so the views never look at HTTP.
import {
  createClient,
  pagesOf,
  type AllocationBody,
  type CellResponse,
  type ChangesResponse,
  type InventoryClient,
  type OversellListQuery,
  type OversellResponse,
  type StoreResponse,
  type TokenRequestBody,
} from "../../workers/client";

/** Errors are the typed client's: the API's {code, message, details}, the status and the request id. */
export { CHANGE_KINDS, InventoryApiError as ApiError, isInventoryApiError, pagesOf } from "../../workers/client";

// The API's answers, typed by the client from the Worker's own schemas (one definition).
export type Store = StoreResponse;
export type Cell = CellResponse;
export type FeedChange = ChangesResponse["changes"][number];
export type Oversell = OversellResponse;
/** What the allocation form sends. */
export type Allocation = AllocationBody;

export interface Page<T> {
  items: T[];
  next: string | null;
}

export type ReportName = "stock" | "movements" | "channel-usage" | "reservations" | "oversells" | "queue-lag";
export type Query = Record<string, string | number | boolean | undefined | null>;

let token: string | null = null;
let client: InventoryClient = createClient({ baseUrl: location.origin });

/** The token every following call carries (null: signed out). */
export function setApiToken(value: string | null): void {
  token = value;
  client = clientFor(value);
}

function clientFor(bearer: string | null, onResponse?: (response: Response) => void): InventoryClient {
  return createClient({
    baseUrl: location.origin,
    ...(bearer ? { token: bearer } : {}),
    fetch: async (request) => {
      const response = await fetch(request, { credentials: "omit" });
      onResponse?.(response);
      return response;
    },
  });
}

/** Drops empty filter values (the API takes absent, not empty, parameters). */
function clean<Q extends Query>(query: Q): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== "") out[key] = value;
  return out;
}

// The client's report methods type each report's query; the dashboard builds them from filters.
type AnyReport = (query?: Record<string, unknown>) => Promise<unknown>;
const reportMethod = (from: InventoryClient, name: ReportName): AnyReport => {
  const reports = from.reports as unknown as Record<string, AnyReport>;
  return reports[name.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase())]!;
};

export const api = {
  /** A cheap call only admins and managers may make: checks a token before signing in with it. */
  checkAccess: (candidate: string) => clientFor(candidate).oversells.list({ limit: 1 }),
  mintToken: (adminToken: string, request: { role: "manager" | "admin"; regions?: string[]; ttlSeconds?: number; name?: string }) =>
    clientFor(adminToken).admin.mintToken(request as TokenRequestBody),

  listStores: (region?: string) => client.stores.list(region ? { region: region as never } : {}),
  getStore: (storeId: string) => client.stores.get(storeId),
  storeStock: (storeId: string) => client.stores.stock(storeId),
  getCell: (storeId: string, sku: string) => client.cells.get(storeId, sku),
  allocate: (storeId: string, sku: string, allocation: Allocation, ifVersion?: number) => client.cells.allocate(storeId, sku, allocation, ifVersion === undefined ? {} : { ifVersion }),
  setSoldOut: (storeId: string, sku: string, soldOut: boolean) => client.cells.setSoldOut(storeId, sku, { soldOut }),

  listOversells: (query: { region?: string | undefined; storeId?: string | undefined; status?: "open" | "resolved" | undefined; limit?: number; after?: string | undefined }) =>
    client.oversells.list(clean(query) as OversellListQuery),
  resolveOversell: (id: string, note: string) => client.oversells.resolve(id, { note }),

  report: <T = Record<string, unknown>>(name: ReportName, query: Query = {}) =>
    reportMethod(client, name)(clean(query)) as Promise<Page<T> & Record<string, unknown>>,
  /** A report as CSV: the file's text and the next page's cursor (the x-next-cursor header). */
  reportCsv: async (name: ReportName, query: Query = {}) => {
    let next: string | null = null;
    const csvClient = clientFor(token, (response) => (next = response.headers.get("x-next-cursor")));
    const text = (await reportMethod(csvClient, name)({ ...clean(query), format: "csv" })) as string;
    return { text, next: next as string | null };
  },

  /** The store's live feed (browsers cannot set headers on WebSockets: the client puts the token in the query). */
  liveUrl: (storeId: string, after: number) => client.stores.liveUrl(storeId, { after }),
};

/** A report's pages of 1,000 rows, one after another, up to `maxPages`. */
export function reportPages<T>(name: ReportName, query: Query, maxPages = 20) {
  return pagesOf((cursor) => api.report<T>(name, { ...query, limit: 1000, cursor }), maxPages);
}

/** Every page of a report, up to `maxPages` (the overview's totals need whole regions). */
export async function allPages<T>(name: ReportName, query: Query, maxPages = 20): Promise<T[]> {
  const items: T[] = [];
  for await (const page of reportPages<T>(name, query, maxPages)) items.push(...page.items);
  return items;
}
