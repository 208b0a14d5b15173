import { z } from "@hono/zod-openapi";
import { queryInteger } from "./query";
import { Region } from "./regions";
import { STORE_ID_SOURCE, StoreId, Timestamp } from "./ids";
import { hasNoControlCharacters } from "./text";

export const ALERT_TYPES = ["low_stock", "back_in_stock", "sold_out", "oversold"] as const;
export const AlertType = z.enum(ALERT_TYPES);

export const WebhookInput = z
  .object({
    url: z.string().url().max(2048).openapi({ example: "https://erp.example.com/hooks/inventory" }),
    events: z
      .array(AlertType)
      .min(1)
      .max(ALERT_TYPES.length)
      .refine((events) => new Set(events).size === events.length, "each event once")
      .openapi({ description: "The events to receive, each at most once (a repeat is a 400)", uniqueItems: true }),
    secret: z
      .string()
      .min(16)
      .max(256)
      .refine(hasNoControlCharacters, "no control characters or unpaired surrogates (it is signed as UTF-8)")
      .refine((secret) => secret.trim().length > 0, "not only spaces")
      .openapi({ description: "Signs every delivery (HMAC-SHA256); never shown again" }),
    region: Region.optional().openapi({ description: "A whole region's subscription: the events of every store whose current region it is (not with storeId)" }),
    storeId: StoreId.optional().openapi({ description: "One store's subscription: that store's events, wherever it moves (not with region)" }),
  })
  .strict()
  .refine((input) => (input.region === undefined) !== (input.storeId === undefined), { message: "name exactly one of region or storeId", path: ["region"] })
  .openapi("WebhookInput", {
    description: "Name exactly one of region or storeId (neither, or both, is a 400), and each event at most once.",
    oneOf: [{ required: ["region"] }, { required: ["storeId"] }],
    example: { url: "https://erp.example.com/hooks/inventory", events: ["low_stock", "sold_out"], secret: "a-long-random-secret", region: "eu-central" },
  });
export type WebhookInput = z.infer<typeof WebhookInput>;

export const Webhook = z
  .object({ id: z.string(), url: z.string(), events: z.array(z.string()), region: z.string(), storeId: z.string().nullable(), createdAt: Timestamp })
  .openapi("Webhook");

export const WebhookId = z
  .string()
  .regex(new RegExp(`^(wh_[a-z-]+_[0-9a-f]{32}|whs_[0-9a-f]{32}_${STORE_ID_SOURCE})$`), "a webhook id (wh_<region>_<hex>, or whs_<hex>_<storeId> for a store's)");
export const WebhookParams = z.object({ id: WebhookId });
export const DeliveryParams = z.object({ id: WebhookId, deliveryId: z.string().regex(/^d[0-9]{1,15}$/, "a delivery id (d<number>)") });

export const Delivery = z
  .object({
    deliveryId: z.string(),
    webhookId: z.string(),
    eventId: z.string(),
    type: z.string(),
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: Timestamp.nullable(),
    deliveredAt: Timestamp.nullable(),
    createdAt: Timestamp,
  })
  .openapi("WebhookDelivery");

export const DeliveriesQuery = z.object({
  limit: queryInteger(1, 1000).default(100),
  before: z.string().regex(/^d[0-9]{1,15}$/).optional().openapi({ description: "Continue with deliveries older than this one" }),
}).strict();

export const WebhookListQuery = z.object({ region: Region.optional() }).strict();
export const WebhookList = z.object({ items: z.array(Webhook) }).openapi("WebhookList");
export const DeliveryPage = z.object({ items: z.array(Delivery), next: z.string().nullable() }).openapi("WebhookDeliveryPage");
