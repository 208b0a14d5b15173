import { z } from "@hono/zod-openapi";

/**
 * Local mode only (LOCAL_MODE "true": `npm start`, tests, the test kit): the service's
 * clock offset, so a test can make time pass without sleeping.
 */
export const ClockInput = z
  .object({
    advanceSeconds: z.number().int().min(0).max(400 * 86_400).optional().openapi({ description: "Move the clock forward by this much" }),
    offsetSeconds: z.number().int().min(0).max(400 * 86_400).optional().openapi({ description: "Set the offset from real time (0: real time again)" }),
  })
  .strict()
  .refine((input) => (input.advanceSeconds === undefined) !== (input.offsetSeconds === undefined), "give advanceSeconds or offsetSeconds")
  .openapi("ClockInput", {
    description: "Give exactly one of advanceSeconds or offsetSeconds (neither, or both, is a 400).",
    oneOf: [{ required: ["advanceSeconds"] }, { required: ["offsetSeconds"] }],
  });

export const ClockState = z.object({ offsetMs: z.number().int(), now: z.string() }).openapi("Clock");

/** What a tick found due and settled: reservations past their time to live expire. */
export const TickResult = z
  .object({
    stores: z.number().int(),
    cells: z.number().int(),
    reservations: z.number().int(),
    expired: z.array(z.string()),
    /** Holds no reservation owns (a creation cut off before its record), released as the cron's sweep would. */
    unownedHoldsReleased: z.number().int(),
    now: z.string(),
  })
  .openapi("TickResult");

/** What a run of the cron's work did: a maintenance message per store (or the stores maintained at once, without the queue). */
export const CronResult = z
  .object({
    stores: z.number().int(),
    queued: z.boolean().openapi({ description: "True when each store went to the maintenance queue as a message" }),
  })
  .openapi("CronResult");
