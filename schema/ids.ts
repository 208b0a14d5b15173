import { z } from "@hono/zod-openapi";

/** The sales channels a cell can dedicate units to. Add a name here to add a channel. */
export const CHANNELS = ["pos", "kiosk", "online", "marketplace", "app"] as const;
export const Channel = z.enum(CHANNELS).openapi({ description: "A sales channel", example: "online" });
export type Channel = z.infer<typeof Channel>;

/**
 * An object keyed by channel name, each optional. Any other key is a 400; a record would
 * drop a `__proto__` key without a word (zod skips it), so this is a strict object.
 */
export function perChannel<T extends z.ZodType>(value: T) {
  const shape = Object.fromEntries(CHANNELS.map((name) => [name, value.optional()])) as { [name in Channel]: z.ZodOptional<T> };
  return z.object(shape).strict();
}

/** An id's characters, as a regular expression's unanchored source (for patterns that embed an id). */
const idSource = (max: number, extra = "") => `[A-Za-z0-9][A-Za-z0-9_.${extra}-]{0,${max - 1}}`;
const idPattern = (max: number, extra = "") => new RegExp(`^${idSource(max, extra)}$`);
/** Store ids, as a regular expression's unanchored source (a store webhook's id ends with one). */
export const STORE_ID_SOURCE = idSource(64);
/** Reservation ids (and the operation ids that share their alphabet). */
export const RESERVATION_ID_SOURCE = idSource(128, ":");

export const StoreId = z
  .string()
  .regex(new RegExp(`^${STORE_ID_SOURCE}$`), "1-64 characters: letters, digits, '_', '.', '-'; starting with a letter or digit")
  .openapi({ example: "berlin-01" });
export const Sku = z
  .string()
  .regex(idPattern(64), "1-64 characters: letters, digits, '_', '.', '-'; starting with a letter or digit")
  .openapi({ example: "milk-1l" });
export const ReservationId = z
  .string()
  .regex(new RegExp(`^${RESERVATION_ID_SOURCE}$`), "1-128 characters: letters, digits, '_', '.', ':', '-'; starting with a letter or digit")
  .openapi({ example: "order-10045" });
export { Region } from "./regions";

export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, "an IANA time zone such as Europe/Berlin")
  .openapi({ example: "Europe/Berlin" });

export const Timestamp = z.string().openapi({ description: "UTC ISO 8601", example: "2026-11-24T12:00:00.000Z" });
