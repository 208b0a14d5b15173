import type { ZodError } from "zod";
import { ERROR_STATUS, type ErrorBody, type ErrorCode } from "../schema/errors";

/** An error as a value with a code; the code alone decides the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  get status(): (typeof ERROR_STATUS)[ErrorCode] {
    return ERROR_STATUS[this.code];
  }

  /** `details` is always there (an empty object when there is nothing to add), so clients need not test for it. */
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, details: this.details ?? {} } };
  }
}

/** A zod failure as an `invalid_request` naming each bad field. */
export function validationError(error: ZodError, target: string): ApiError {
  const issues = error.issues.map((issue) => ({
    path: [target, ...issue.path.map(String)].join("."),
    message: issue.message,
    code: issue.code,
  }));
  const first = issues[0];
  return new ApiError("invalid_request", first ? `${first.path}: ${first.message}` : `invalid ${target}`, { issues });
}

/** A domain error from a Durable Object (a plain value across RPC) as an API error. */
export function fromDomain(error: { code: string; message: string; details?: Record<string, unknown> }): ApiError {
  const code = (error.code in ERROR_STATUS ? error.code : "internal") as ErrorCode;
  return new ApiError(code, error.message, error.details);
}
