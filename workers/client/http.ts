import { ERROR_STATUS, type ErrorCode } from "../../schema/error-codes";
import { InventoryApiError } from "./errors";

export interface ClientOptions {
  /** Where the service answers, e.g. `http://127.0.0.1:8787` (a trailing `/` is fine). */
  baseUrl: string;
  /** A bearer token (the admin token, or one minted by `admin.mintToken`). */
  token?: string;
  /** Another fetch (a service binding's, a test's); the global one by default. */
  fetch?: (input: Request) => Promise<Response>;
  /** Headers sent with every call (e.g. `x-inventory-region` in local mode). */
  headers?: Record<string, string>;
}

type Query = Record<string, unknown> | undefined;

export interface CallOptions {
  query?: Query;
  body?: unknown;
  /** A body that is not JSON (a CSV or NDJSON file), sent as it is with its content type. */
  text?: { body: string; contentType: string };
  /** `text` answers the body as a string (CSV reports); `csvPage` the body and its x-next-cursor. */
  as?: "json" | "text" | "csvPage";
  /** Request headers of this call (a conditional allocation's If-Match). */
  headers?: Record<string, string>;
}

const KNOWN_CODES = new Set<string>(Object.keys(ERROR_STATUS));

/**
 * The code an answer that is not the API's error body (a proxy's page, wrangler's plain-text
 * 503 while the Worker restarts) is given, by its status: the API's first code of that status
 * (400: invalid_request, 409: conflict, where the API's own say more); a gateway's 502 or 504
 * is `unavailable` too, asking again may help. Any other 5xx is `internal`, any other 4xx
 * `invalid_request`. Until session 47 only 404 and 5xx were told apart (a plain 503 was
 * `internal`, a 429 `invalid_request`).
 */
export const CODE_OF_STATUS: Readonly<Record<number, ErrorCode>> = {
  502: "unavailable",
  504: "unavailable",
  ...Object.fromEntries(
    (Object.entries(ERROR_STATUS) as Array<[ErrorCode, number]>)
      .reverse()
      .map(([code, status]) => [status, code]),
  ),
};

/**
 * One path segment, encoded. An empty one, `.` or `..` would change the path itself (URLs drop
 * dot segments, encoded or not: `confirm(".")` would call `/v1/reservations/confirm`), and no
 * id of the API is one, so they are refused before any request.
 */
export const seg = (value: string) => {
  if (value === "" || value === "." || value === "..") throw new TypeError(`not an id: ${JSON.stringify(value)}`);
  return encodeURIComponent(value);
};

/**
 * A path whose interpolated ids are path segments (`seg`), built only when the call runs: a
 * bad id then rejects the call's promise instead of throwing before it (`Promise.allSettled`
 * over ids sees every outcome). `` path`/v1/reservations/${id}/confirm` ``.
 */
export const path =
  (parts: TemplateStringsArray, ...ids: string[]) =>
  (): string =>
    parts.reduce((built, part, index) => built + seg(ids[index - 1]!) + part);

export function queryString(query: Query): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** The one place a call happens: fetch only (Node 18+, browsers, Workers), no Node APIs. */
export function transport(options: ClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? ((request: Request) => fetch(request));

  /** `pathOf`: a path without ids, or one made by `path` (built here, inside the call). */
  return async function call<T>(method: string, pathOf: string | (() => string), { query, body, text, as = "json", headers: callHeaders }: CallOptions = {}): Promise<T> {
    const path = typeof pathOf === "string" ? pathOf : pathOf();
    const headers = new Headers(options.headers);
    for (const [name, value] of Object.entries(callHeaders ?? {})) headers.set(name, value);
    if (options.token) headers.set("authorization", `Bearer ${options.token}`);
    if (body !== undefined) headers.set("content-type", "application/json");
    if (text) headers.set("content-type", text.contentType);
    const payload = text ? text.body : body !== undefined ? JSON.stringify(body) : undefined;
    headers.set("accept", as === "json" ? "application/json" : "text/csv, application/json");
    const url = `${base}${path}${queryString(query)}`;
    const response = await doFetch(new Request(url, { method, headers, ...(payload !== undefined ? { body: payload } : {}) }));
    const answer = await response.text();
    if (!response.ok) throw errorOf(response, answer, method, path);
    if (as === "text") return answer as T;
    if (as === "csvPage") return { csv: answer, next: response.headers.get("x-next-cursor") } as T;
    try {
      return (answer ? JSON.parse(answer) : undefined) as T;
    } catch {
      // A success that is not JSON is no answer of the API's (a captive portal, a wrong baseUrl).
      throw unexpected(response, answer, "internal", method, path);
    }
  };
}

function errorOf(response: Response, text: string, method: string, path: string): InventoryApiError {
  const requestId = response.headers.get("x-request-id") ?? undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not the API's error body (a proxy's page, a crash): described below */
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (error && typeof error.code === "string" && KNOWN_CODES.has(error.code)) {
    const details = error.details && typeof error.details === "object" ? (error.details as Record<string, unknown>) : undefined;
    return new InventoryApiError(response.status, error.code as ErrorCode, String(error.message ?? ""), details, requestId, method, path);
  }
  // Not the API's error shape: keep the status and a bit of the body.
  return unexpected(response, text, CODE_OF_STATUS[response.status] ?? (response.status >= 500 ? "internal" : "invalid_request"), method, path);
}

function unexpected(response: Response, text: string, code: ErrorCode, method: string, path: string): InventoryApiError {
  const requestId = response.headers.get("x-request-id") ?? undefined;
  return new InventoryApiError(response.status, code, `unexpected answer: ${text.slice(0, 200)}`, { body: text.slice(0, 2000) }, requestId, method, path);
}
