import { z } from "@hono/zod-openapi";
import { Channel, RESERVATION_ID_SOURCE, ReservationId, Sku, StoreId, Timestamp } from "./ids";
import { OPERATION_REFERENCE_KINDS } from "../durable-objects/core/operations";
import { eachOnce } from "./each-once";
import { LIMITS } from "./limits";
import { REASON_CHARACTERS, REASON_MAX_LENGTH } from "./reason";

/** Return, transfer and import ids share the reservation id's alphabet (order ids, document numbers). */
export const OperationId = ReservationId;

/**
 * How a movement names the operation that made it: `return:<id>`, `import:<id>` or
 * `transfer:<id>#<attempt>` (cells write them; a filter may leave the attempt out).
 */
export const OperationReference = z
  .string()
  .regex(
    new RegExp(`^(${OPERATION_REFERENCE_KINDS.join("|")}):${RESERVATION_ID_SOURCE}(#[0-9]{1,6})?$`),
    `${OPERATION_REFERENCE_KINDS.map((kind) => `${kind}:<id>`).join(", ")}, as movements show it`,
  );

/** Why a return came back or a receipt fell short: printable ASCII, trimmed, 1–200 characters (schema/reason.ts, which the dashboard's filter reads too). The movements report filters by it. */
export const Reason = z.string().trim().min(1).max(REASON_MAX_LENGTH).regex(REASON_CHARACTERS, "printable ASCII");

const eachSkuOnce = eachOnce<{ sku: string }>("sku", "items", (item) => item.sku, "name each sku once; add the quantities together");

export const OperationItem = z.object({ sku: Sku, qty: z.number().int().min(1).max(LIMITS.maxItemQty) }).strict();

export const ReturnInput = z
  .object({
    returnId: OperationId,
    items: z.array(OperationItem).min(1).max(LIMITS.maxReservationItems).superRefine(eachSkuOnce),
    channel: Channel.optional().openapi({ description: "Returned units go to this channel's bucket instead of the shared pool" }),
    reason: Reason.openapi({ example: "customer_return" }),
  })
  .strict()
  .openapi("ReturnInput", { example: { returnId: "rma-2041", items: [{ sku: "milk-1l", qty: 2 }], reason: "customer_return" } });
export type ReturnInput = z.infer<typeof ReturnInput>;

export const ReturnResult = z
  .object({
    returnId: OperationId,
    storeId: StoreId,
    items: z.array(z.object({ sku: Sku, qty: z.number().int(), version: z.number().int().optional() })),
    channel: Channel.optional(),
    reason: z.string(),
    completedAt: Timestamp,
  })
  .openapi("Return");

export const ReturnParams = z.object({ storeId: StoreId });

export const TransferInput = z
  .object({
    transferId: OperationId,
    from: z.object({ storeId: StoreId }).strict(),
    to: z.object({ storeId: StoreId }).strict(),
    items: z.array(OperationItem).min(1).max(LIMITS.maxReservationItems).superRefine(eachSkuOnce),
  })
  .strict()
  .refine((input) => input.from.storeId !== input.to.storeId, { message: "a transfer goes between two different stores", path: ["to", "storeId"] })
  .openapi("TransferInput", {
    example: { transferId: "tr-881", from: { storeId: "berlin-01" }, to: { storeId: "berlin-02" }, items: [{ sku: "milk-1l", qty: 12 }] },
  });
export type TransferInput = z.infer<typeof TransferInput>;

export const ReceiveInput = z
  .object({
    items: z
      .array(z.object({ sku: Sku, qty: z.number().int().min(0).max(LIMITS.maxItemQty), reason: Reason.optional().openapi({ description: "Why fewer arrived (default not_received)" }) }).strict())
      // An empty receipt would write the whole shipment off, for good: far more often a client's
      // bug than a truck that arrived empty, which names its SKUs with qty 0.
      .min(1)
      .max(LIMITS.maxReservationItems)
      .superRefine(eachSkuOnce),
  })
  .strict()
  .openapi("TransferReceipt", { example: { items: [{ sku: "milk-1l", qty: 10, reason: "damaged_in_transit" }] } });

export const Transfer = z
  .object({
    transferId: OperationId,
    status: z.enum(["in_transit", "received", "cancelled"]),
    from: z.object({ storeId: StoreId }),
    to: z.object({ storeId: StoreId }),
    items: z.array(z.object({ sku: Sku, qty: z.number().int() })),
    receipt: z
      .array(z.object({ sku: Sku, shipped: z.number().int(), received: z.number().int(), lost: z.number().int(), reason: z.string().optional() }))
      .optional(),
    createdAt: Timestamp,
    shippedAt: Timestamp.optional(),
    receivedAt: Timestamp.optional(),
    cancelledAt: Timestamp.optional(),
  })
  .openapi("Transfer");

export const TransferParams = z.object({ transferId: OperationId });
