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

/** Any thrown value as an ApiError: ours as they are, Hono's by status, the rest as internal. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException) {
    const code = HONO_STATUS_CODES[error.status];
    if (code === "malformed_json") return new ApiError(code, error.message || "the body is not valid JSON");
    if (code === "unsupported_media_type") return new ApiError(code, "send the body as application/json");
    if (code) return new ApiError(code, error.message || code);
    // Any other 4xx from Hono is still the caller's mistake, never a 500.
    if (error.status < 500) return new ApiError("invalid_request", error.message || `request refused (${error.status})`, { status: error.status });
  }
  return new ApiError("internal", "internal error");
}

/**
 * The API's error answer for anything a handler or middleware threw: `{error: {code, message,
 * details}}` with the code's status. Only what is not the API's own error (a bug) is logged
 * as unhandled, with its stack.
 */
export function respondWithError(error: unknown, c: Context<AppBindings>): Response {
  const apiError = asApiError(error);
  c.set("errorCode", apiError.code);
  if (apiError.code === "internal") {
    console.error(JSON.stringify({ msg: "unhandled error", requestId: c.get("requestId"), error: String(error), stack: (error as Error)?.stack }));
  }
  return c.json(apiError.toBody(), apiError.status);
}
