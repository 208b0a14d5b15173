import { z } from "@hono/zod-openapi";

/**
 * A whole number from a query string: digits only, then `min`–`max`. (`z.coerce.number()`
 * would also take "", " 5", "0x10" and "1e3".) Its input is `unknown`, as a coerced
 * field's is, so the typed client takes a number.
 */
export function queryInteger(min: number, max: number) {
  // Anything else ("-5", "1.5") says what is wanted, not "expected number, received string".
  const wanted = `a whole number from ${min} to ${max}`;
  return z.preprocess((value) => (typeof value === "string" && /^\d{1,16}$/.test(value) ? Number(value) : value), z.number({ error: wanted }).int(wanted).min(min, wanted).max(max, wanted));
}
