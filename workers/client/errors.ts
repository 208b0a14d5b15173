import type { ErrorCode } from "../../schema/errors";

const BRAND = Symbol.for("edge-inventory.InventoryApiError");

/**
 * Any answer other than 2xx, as a value: the API's error code (schema/errors.ts), the HTTP
 * status, the details (e.g. `details.issues` for a 400, `details.shortages` for
 * `insufficient_stock`) and the request id to quote in a support ticket.
 */
export class InventoryApiError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = "InventoryApiError";
  /** A brand, so `instanceof` holds across copies of the client (two bundles, two installs). */
  readonly [BRAND] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  constructor(
    readonly status: number,
    readonly code: C,
    /** The API's own message (`message` also names the call, status and code). */
    readonly apiMessage: string,
    readonly details: Record<string, unknown> | undefined,
    readonly requestId: string | undefined,
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path}: ${status} ${code}: ${apiMessage}`);
  }
}

/** Narrows an unknown caught value to an API error, optionally of the given codes. */
export function isInventoryApiError<C extends ErrorCode>(error: unknown, ...codes: C[]): error is InventoryApiError<C> {
  return error instanceof InventoryApiError && (codes.length === 0 || (codes as ErrorCode[]).includes(error.code));
}
