import { z } from "@hono/zod-openapi";
import { eachOnce } from "./each-once";
import { Channel, perChannel, Region, Sku, StoreId, Timestamp } from "./ids";
import { LIMITS } from "./limits";

export const Quantity = z.number().int().min(0).max(LIMITS.maxOnHand);

/** Low-stock thresholds: a level at or below one is low (see the README's alerts section). */
export const LowStock = z
  .object({
    overall: Quantity.optional(),
    channels: perChannel(Quantity).optional(),
  })
  .strict()
  .openapi("LowStock", { example: { overall: 10, channels: { online: 5 } } });
export type LowStock = z.infer<typeof LowStock>;

export const Allocation = z
  .object({
    onHand: Quantity,
    channels: perChannel(z.object({ quota: Quantity, weight: z.number().int().min(0).max(LIMITS.maxWeight) }).strict()).default({}),
    sharedPolicy: z.enum(["first-come", "weighted"]).default("first-come"),
    lowStock: LowStock.optional(),
  })
  .strict()
  .openapi("Allocation", {
    example: { onHand: 100, channels: { pos: { quota: 40, weight: 2 }, online: { quota: 30, weight: 1 } }, sharedPolicy: "weighted" },
  });
export type Allocation = z.infer<typeof Allocation>;

export const CellView = z
  .object({
    storeId: StoreId,
    sku: Sku,
    onHand: z.number().int(),
    reserved: z.number().int(),
    soldOut: z.boolean(),
    oversold: z.boolean(),
    sharedPolicy: z.enum(["first-come", "weighted"]),
    free: z.object({ shared: z.number().int(), channels: z.record(z.string(), z.number().int()) }),
    channels: z.record(z.string(), z.object({ quota: z.number().int(), weight: z.number().int(), available: z.number().int() })),
    inTransit: z.number().int().openapi({ description: "Units shipped out by transfers, not yet received or cancelled" }),
    incoming: z.number().int().openapi({ description: "Units transfers are bringing here, not yet received" }),
    lowStock: LowStock.optional(),
    version: z.number().int(),
    updatedAt: Timestamp,
  })
  .openapi("Cell");
export type CellView = z.infer<typeof CellView>;

export const CellParams = z.object({ storeId: StoreId, sku: Sku });

export const SkuList = z
  .string()
  .transform((raw) => raw.split(","))
  .pipe(
    z
      .array(Sku)
      .min(1)
      .max(LIMITS.maxAvailabilitySkus)
      .superRefine(eachOnce("SKU", "skus")),
  )
  .openapi({ type: "string", description: `Comma-separated SKUs, at most ${LIMITS.maxAvailabilitySkus}, each once`, example: "milk-1l,bread" });

export const AvailabilityQuery = z
  .object({
    storeId: StoreId.optional().openapi({ description: "One store; without it, every store that serves the region, by priority" }),
    // No example: the document's examples are sent together by tools (Swagger UI's "Try it out"), and a store with a region is refused.
    region: Region.optional().openapi({ description: "Ask for another region than the caller's (not with storeId)", example: undefined }),
    skus: SkuList,
    channel: Channel,
  })
  .strict()
  // With a store named, a region would change nothing: refused rather than ignored.
  .refine((query) => query.storeId === undefined || query.region === undefined, { path: ["region"], message: "name a store or a region, not both" });

const AvailableItem = z.object({
  storeId: StoreId,
  sku: Sku,
  available: z.number().int(),
  reason: z.enum(["not_allocated", "sold_out", "oversold"]).optional().openapi({ description: "Why the cell offers nothing at all, whatever its counts (absent when it can offer)" }),
});

export const Availability = z
  .object({
    region: z.string(),
    items: z.array(AvailableItem),
    stores: z
      .array(z.object({ storeId: StoreId, name: z.string(), priority: z.number().int(), items: z.array(AvailableItem) }))
      .optional()
      .openapi({ description: "Without storeId: the stores serving the region, in priority order" }),
  })
  .openapi("Availability");
export type Availability = z.infer<typeof Availability>;

/**
 * The units an adjustment adds (positive) or takes away (negative), here and in a POS `adjust`
 * event. 0 is a 400 ("delta must not be 0", path `delta`): it would record a movement that
 * changes nothing. `not: {const: 0}` says so in the JSON Schema.
 */
export const AdjustmentDelta = z
  .number()
  .int()
  .min(-LIMITS.maxOnHand)
  .max(LIMITS.maxOnHand)
  .refine((delta) => delta !== 0, "delta must not be 0")
  .openapi({ description: "Units to add (positive) or take away (negative); not 0 (a 400: it would change nothing)", not: { const: 0 } });

export const AdjustInput = z
  .object({
    delta: AdjustmentDelta,
    reason: z.enum(["receive", "damage", "return", "correction", "restock"]),
    channel: Channel.optional().openapi({ description: "Added units go to this channel's bucket instead of the shared pool" }),
  })
  .strict()
  .openapi("Adjustment");
export type AdjustInput = z.infer<typeof AdjustInput>;

export const SoldOutInput = z.object({ soldOut: z.boolean() }).strict().openapi("SoldOut");
