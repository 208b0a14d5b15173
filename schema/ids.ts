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

/** The runtime's time zone names by their lower case, made once. */
let zonesByLowerCase: Map<string, string> | undefined;

/**
 * Why a time zone is refused, or undefined. It must be an IANA name the runtime knows, spelt
 * as IANA spells it: the runtime also takes offsets (`+05:30`, which follow no daylight
 * saving) and any letter case (`europe/berlin`), and either would be stored as written.
 * IANA starts every part of a name with a capital (`America/Port-au-Prince`, `US/Eastern`,
 * `EST5EDT`); a name the runtime lists must be spelt as it lists it.
 */
export function timeZoneProblem(zone: string): string | undefined {
  const expected = "an IANA time zone such as Europe/Berlin";
  if (!/^[A-Za-z]/.test(zone)) return `${expected}, not an offset`;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return expected;
  }
  zonesByLowerCase ??= new Map(Intl.supportedValuesOf("timeZone").map((name) => [name.toLowerCase(), name]));
  const listed = zonesByLowerCase.get(zone.toLowerCase()) ?? (resolved.toLowerCase() === zone.toLowerCase() ? resolved : undefined);
  if (listed !== undefined && listed !== zone) return `${expected}, spelt ${listed}`;
  if (!zone.split("/").every((part) => /^[A-Z]/.test(part))) return `${expected}: each part starts with a capital letter`;
  return undefined;
}

export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .superRefine((zone, context) => {
    const problem = timeZoneProblem(zone);
    if (problem) context.addIssue({ code: "custom", message: problem });
  })
  .openapi({
    description:
      "An IANA time zone name the runtime knows, spelt as IANA spells it (Europe/Berlin, America/Port-au-Prince; aliases such as US/Eastern or UTC are kept as written). An offset (+05:30) or another letter case (europe/berlin) is a 400",
    example: "Europe/Berlin",
  });

export const Timestamp = z.string().openapi({ description: "UTC ISO 8601", example: "2026-11-24T12:00:00.000Z" });
