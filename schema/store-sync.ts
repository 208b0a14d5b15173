import { z } from "@hono/zod-openapi";
import { queryInteger } from "./query";
import { AdjustmentDelta, CellView } from "./cells";
import { Region, Sku, StoreId } from "./ids";
import { LIMITS } from "./limits";
import { plainText } from "./text";

export const EventId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, "1-128 characters: letters, digits, '_', '.', ':', '-'; starting with a letter or digit");

/**
 * Device time. Cells order events by the millisecond (a stocktake counts the changes after
 * it), so a finer time is refused rather than cut: a sale 0.5 ms after a count would
 * otherwise count as before it. Trailing zeros past the millisecond are fine.
 */
const DeviceTime = z.iso
  .datetime({ offset: true })
  .refine((text) => !/\.\d{3}\d*[1-9]/.test(text), "at most millisecond precision (digits past the third after the point must be 0)")
  .openapi({ description: "Device time when it happened, ISO 8601, to the millisecond at most", example: "2026-11-24T09:15:00Z" });

const eventBase = {
  eventId: EventId,
  at: DeviceTime,
  sku: Sku,
};

export const StoreEventInput = z
  .discriminatedUnion("type", [
    z.object({ ...eventBase, type: z.literal("sale"), qty: z.number().int().min(1).max(LIMITS.maxItemQty) }).strict(),
    z
      .object({
        ...eventBase,
        type: z.literal("adjust"),
        delta: AdjustmentDelta,
        reason: z.enum(["receive", "damage", "return", "correction", "restock"]),
      })
      .strict(),
    z.object({ ...eventBase, type: z.literal("set"), onHand: z.number().int().min(0).max(LIMITS.maxOnHand) }).strict(),
    z.object({ ...eventBase, type: z.literal("soldOut"), value: z.boolean() }).strict(),
  ])
  .openapi("StoreEvent");
export type StoreEventInput = z.infer<typeof StoreEventInput>;

/**
 * Event ids are store-unique, but each cell remembers only the ids it judged: one id on two
 * SKUs in one batch would apply twice, so it is refused here (the same id on the same SKU
 * is a resend, which the cell answers `duplicate`).
 */
const StoreEvents = z
  .array(StoreEventInput)
  .min(1)
  .max(LIMITS.maxStoreEvents)
  .superRefine((events, ctx) => {
    const skuOf = new Map<string, { sku: string; index: number }>();
    events.forEach((event, index) => {
      const first = skuOf.get(event.eventId);
      if (!first) skuOf.set(event.eventId, { sku: event.sku, index });
      else if (first.sku !== event.sku) {
        ctx.addIssue({ code: "custom", path: [index, "eventId"], message: `event id ${event.eventId} is already events.${first.index}'s, for SKU ${first.sku}: event ids are store-unique` });
      }
    });
  });

export const StoreEventBatch = z
  .object({ events: StoreEvents })
  .strict()
  .openapi("StoreEventBatch", {
    example: {
      events: [
        { eventId: "pos7-000121", at: "2026-11-24T09:15:00Z", type: "sale", sku: "milk-1l", qty: 2 },
        { eventId: "pos7-000122", at: "2026-11-24T09:40:00Z", type: "set", sku: "milk-1l", onHand: 57 },
      ],
    },
  });

export const EventResult = z.object({
  eventId: z.string(),
  sku: Sku,
  outcome: z.enum(["applied", "duplicate", "superseded", "rejected"]),
  reason: z.string().optional(),
});

export const StoreEventResults = z
  .object({ results: z.array(EventResult), cells: z.array(CellView) })
  .openapi("StoreEventResults");

export const StoreStock = z
  .object({ storeId: StoreId, cursor: z.number().int(), items: z.array(CellView) })
  .openapi("StoreStock");

export const FeedChange = z
  .object({
    cursor: z.number().int(),
    sku: Sku,
    version: z.number().int(),
    kind: z.string(),
    at: z.string(),
    effectiveAt: z.string().optional(),
    qty: z.number().int().optional(),
    delta: z.number().int().optional(),
    channel: z.string().optional(),
    reason: z.string().optional(),
    reservationId: z.string().optional(),
    sourceEventId: z.string().optional(),
    onHand: z.number().int(),
    reserved: z.number().int(),
    soldOut: z.boolean(),
  })
  .openapi("FeedChange");

export const ChangesQuery = z
  .object({
    after: queryInteger(0, Number.MAX_SAFE_INTEGER).default(0),
    limit: queryInteger(1, LIMITS.maxChangesPage).default(500),
  })
  .strict();

export const ChangesPage = z
  .object({ changes: z.array(FeedChange), nextCursor: z.number().int(), hasMore: z.boolean() })
  .openapi("ChangesPage");

export const LiveQuery = z
  .object({
    after: queryInteger(0, Number.MAX_SAFE_INTEGER).optional(),
    access_token: z
      .string()
      .max(4096)
      .optional()
      .openapi({ description: "The bearer token, for clients that cannot set the Authorization header (browsers); read only when no Authorization header is sent. At most 4,096 characters: a longer token goes in the header" }),
  })
  .strict();

export const OversellStatus = z.enum(["open", "resolved"]);

export const OversellQuery = z
  .object({
    region: Region.optional(),
    storeId: StoreId.optional(),
    status: OversellStatus.optional(),
    limit: queryInteger(1, 500).default(100),
    after: z
      .string()
      .max(200)
      .optional()
      .openapi({ description: "The `next` of the page before (the id of the last record it listed): the page goes on with the records that opened before it; an id that is no record of this listing's stores is a 400" }),
  })
  .strict();

export const Oversell = z
  .object({
    id: z.string(),
    storeId: StoreId,
    sku: Sku,
    region: z.string().nullable(),
    shortfall: z.number().int(),
    causes: z.array(
      z.object({
        seq: z.number().int(),
        kind: z.string(),
        at: z.string(),
        reason: z.string().optional().openapi({ description: "The ledger's reason: a till sale is kind `adjust` with reason `sale`" }),
        qty: z.number().int().optional(),
        delta: z.number().int().optional(),
        reservationId: z.string().optional(),
        sourceEventId: z.string().optional(),
      }),
    ),
    openedAt: z.string(),
    healedAt: z.string().nullable(),
    status: OversellStatus,
    resolvedAt: z.string().nullable(),
    resolvedBy: z.string().nullable(),
    note: z.string().nullable(),
  })
  .openapi("Oversell");

export const OversellList = z.object({ items: z.array(Oversell), next: z.string().nullable() }).openapi("OversellList");
export const OversellParams = z.object({ id: z.string().min(1).max(200).regex(/^[A-Za-z0-9_.:-]+$/) });
export const ResolveInput = z.object({ note: plainText(2000, { lines: true }) }).strict().openapi("ResolveOversell");
