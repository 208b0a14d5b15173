import { z } from "@hono/zod-openapi";
import { Channel, Region, ReservationId, Sku, StoreId, Timestamp } from "./ids";
import { eachOnce } from "./each-once";
import { LIMITS } from "./limits";

export const ReservationItemInput = z
  .object({
    storeId: StoreId.optional().openapi({ description: "Omit on every item to let the service pick the store" }),
    sku: Sku,
    qty: z.number().int().min(1).max(LIMITS.maxItemQty),
  })
  .strict();

export const ReservationInput = z
  .object({
    reservationId: ReservationId,
    channel: Channel,
    ttlSeconds: z.number().int().min(LIMITS.minTtlSeconds).max(LIMITS.maxTtlSeconds).optional(),
    region: Region.optional().openapi({ description: "Where to pick a store when items name none (default: the caller's region)" }),
    items: z
      .array(ReservationItemInput)
      .min(1)
      .max(LIMITS.maxReservationItems)
      .superRefine(eachOnce("item", "items", (item) => (item.storeId ? `${item.storeId}/${item.sku}` : item.sku), "name each (storeId, sku) once; add the quantities together"))
      .refine((items) => items.every((i) => i.storeId) || items.every((i) => !i.storeId), {
        message: "name a store on every item, or on none (the service then picks one)",
      }),
  })
  .strict()
  .openapi("ReservationInput", {
    example: { reservationId: "order-10045", channel: "online", ttlSeconds: 900, items: [{ storeId: "berlin-01", sku: "milk-1l", qty: 2 }] },
  });
export type ReservationInput = z.infer<typeof ReservationInput>;

export const ReservationStatus = z.enum(["pending", "confirmed", "released", "expired"]);
export type ReservationStatus = z.infer<typeof ReservationStatus>;

export const ReservedItem = z.object({
  storeId: StoreId,
  sku: Sku,
  qty: z.number().int(),
  fromChannel: z.number().int(),
  fromShared: z.number().int(),
});

export const Reservation = z
  .object({
    reservationId: ReservationId,
    status: ReservationStatus,
    storeId: StoreId.optional().openapi({ description: "The store the service picked, when the request named none" }),
    channel: z.string(),
    expiresAt: Timestamp,
    createdAt: Timestamp,
    items: z.array(ReservedItem),
  })
  .openapi("Reservation");
export type Reservation = z.infer<typeof Reservation>;

export const ReservationTransition = z
  .object({ reservationId: ReservationId, status: ReservationStatus })
  .openapi("ReservationTransition");

export const Shortage = z.object({
  storeId: StoreId,
  sku: Sku,
  requested: z.number().int(),
  available: z.number().int(),
  short: z.number().int().openapi({ description: "requested − available: how many units the item fell short by" }),
  reason: z.enum(["not_allocated", "sold_out", "oversold"]).optional(),
});
export type Shortage = z.infer<typeof Shortage>;

export const ReservationParams = z.object({ reservationId: ReservationId });
