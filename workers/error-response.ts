import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ErrorCode } from "../schema/errors";
import { ApiError } from "./errors";
import type { AppBindings } from "./types";

/** The error code for each status Hono's own middleware throws (validator, bearer auth, body limit, media-type gate). */
const HONO_STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: "malformed_json",
  401: "unauthorized",
  413: "payload_too_large",
  415: "unsupported_media_type",
};

/** How long a 503 asks a client to wait before trying again. */
const UNAVAILABLE_RETRY_SECONDS = 10;

/** What a thrown value that is not the API's own error becomes; the default is `unhandled`. */
export type UnexpectedError = (error: unknown, c: Context<AppBindings>) => ApiError;

/** A bug: logged with its stack, answered 500. */
const unhandled: UnexpectedError = (error, c) => {
  console.error(JSON.stringify({ msg: "unhandled error", requestId: c.get("requestId"), error: String(error), stack: (error as Error)?.stack }));
  return new ApiError("internal", "internal error");
};

/**
 * SQLite refused memory to an object's database: locally every object shares one workerd
 * process, whose SQLite may use 512 MiB in all, and a client that touches thousands of cells
 * within seconds can open that many (README, "How many cells the local runtime holds open").
 * It passes as the cells close, and nothing half-done stays (the transaction rolled back; a
 * reservation's or an operation's retry finishes what its first call began): a 503, not a bug.
 */
function outOfDatabaseMemory(error: unknown, c: Context<AppBindings>): ApiError | undefined {
  if (!String(error).includes("SQLITE_NOMEM")) return undefined;
  console.warn(JSON.stringify({ msg: "database out of memory", requestId: c.get("requestId"), error: String(error) }));
  return new ApiError("unavailable", "the runtime is short of memory for its databases right now (too many objects open at once); ask again shortly");
}

/** Any thrown value as an ApiError: ours as they are, Hono's 4xx by status, the rest as `unexpected` says. */
function asApiError(error: unknown, c: Context<AppBindings>, unexpected: UnexpectedError): ApiError {
  if (error instanceof ApiError) return error;
  const shortOfMemory = outOfDatabaseMemory(error, c);
  if (shortOfMemory) return shortOfMemory;
  if (error instanceof HTTPException) {
    const code = HONO_STATUS_CODES[error.status];
    if (code === "malformed_json") return new ApiError(code, error.message || "the body is not valid JSON");
    if (code === "unsupported_media_type") return new ApiError(code, "send the body as application/json");
    if (code) return new ApiError(code, error.message || code);
    // Any other 4xx from Hono is still the caller's mistake, never a 500.
    if (error.status < 500) return new ApiError("invalid_request", error.message || `request refused (${error.status})`, { status: error.status });
  }
  return unexpected(error, c);
}

/**
 * The API's error answer for anything a handler or middleware threw: `{error: {code, message,
 * details}}` with the code's status. A router whose failures have a known cause (the reports:
 * their database) passes its own `unexpected`.
 */
export function respondWithError(error: unknown, c: Context<AppBindings>, unexpected: UnexpectedError = unhandled): Response {
  const apiError = asApiError(error, c, unexpected);
  c.set("errorCode", apiError.code);
  // Something the service depends on is down for now (the reporting database, the cells): say when to ask again.
  if (apiError.status === 503) c.header("Retry-After", String(UNAVAILABLE_RETRY_SECONDS));
  return c.json(apiError.toBody(), apiError.status);
}
