import { z } from "@hono/zod-openapi";
import { queryInteger } from "./query";
import { Region } from "./regions";
import { CHANNELS, STORE_ID_SOURCE, Sku, StoreId, Timestamp } from "./ids";
import type { Alert } from "../durable-objects/core/alerts";
import { DELIVERY_HEADERS, DELIVERY_USER_AGENT, SIGNATURE_PATTERN } from "../durable-objects/core/webhook-policy";
import { eachOnce } from "./each-once";
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
      .superRefine(eachOnce("event", "events"))
      .openapi({ description: "The events to receive, each at most once (a repeat is a 400)", uniqueItems: true }),
    secret: z
      .string()
      .min(16)
      .max(256)
      .refine(hasNoControlCharacters, "no control characters, unpaired surrogates or U+FFFD (it is signed as UTF-8: send it as UTF-8)")
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

/**
 * The body of a delivery: the threshold event as the cell made it (`core/alerts.ts`'s Alert),
 * sent as JSON. The type checks below fail if the two part ways.
 */
export const WebhookEvent = z
  .object({
    id: z.string().openapi({
      description: "`<storeId>/<sku>/<version>:<scope>:<type>`: unique per crossing and the same on every delivery of it (deduplicate on it; as x-inventory-event-id)",
      example: "berlin-01/milk-1l/42:overall:low_stock",
    }),
    type: AlertType.openapi({ description: "What happened (as x-inventory-event)" }),
    storeId: StoreId,
    sku: Sku,
    scope: z.enum(["overall", ...CHANNELS]).openapi({ description: "The level that crossed: `overall` (free units any channel could take; 0 while sold out by hand or oversold) or a channel's available units" }),
    band: z.enum(["ok", "low", "out", "oversold"]).openapi({ description: "The band the level is in after the crossing (back_in_stock: `low` or `ok`; oversold: `oversold`)" }),
    level: z.number().int().openapi({ description: "The level after the change (oversold: onHand − reserved, below 0)" }),
    threshold: z.number().int().nullable().openapi({ description: "The level's low-stock threshold; null when it has none, and for oversold" }),
    at: Timestamp.openapi({ description: "When the change happened (UTC ISO 8601)" }),
  })
  .openapi("WebhookEvent", {
    example: { id: "berlin-01/milk-1l/42:overall:low_stock", type: "low_stock", storeId: "berlin-01", sku: "milk-1l", scope: "overall", band: "low", level: 9, threshold: 10, at: "2026-11-24T12:00:00.000Z" },
  });
type WebhookEventBody = z.infer<typeof WebhookEvent>;
// Every field the cell sends is declared, and every declared one is sent, as the cell types it.
const _sentIsDeclared: [keyof Alert] extends [keyof WebhookEventBody] ? true : never = true;
const _declaredIsSent: [keyof WebhookEventBody] extends [keyof Alert] ? true : never = true;
const _declaredFits: WebhookEventBody extends Alert ? true : never = true;
void [_sentIsDeclared, _declaredIsSent, _declaredFits];

/** The headers of a delivery, named as the Webhooks object sends them. */
export const WebhookDeliveryHeaders = z.object({
  [DELIVERY_HEADERS.event]: AlertType.openapi({ description: "The event's type (the body's `type`)" }),
  [DELIVERY_HEADERS.eventId]: z.string().openapi({ description: "The event's id (the body's `id`): the same on every delivery of the event, whichever webhook gets it" }),
  [DELIVERY_HEADERS.webhook]: WebhookId.openapi({ description: "The subscription's id (as POST /v1/webhooks answered it)" }),
  [DELIVERY_HEADERS.delivery]: z
    .string()
    .regex(/^d[0-9]{1,15}$/)
    .openapi({ description: "The delivery's id (`d<n>`, unique within the webhook; the same on each retry and replay): GET /v1/webhooks/{id}/deliveries lists it" }),
  [DELIVERY_HEADERS.signature]: z
    .string()
    .regex(SIGNATURE_PATTERN)
    .openapi({
      description:
        '`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, the secret the one given at registration and the body the exact bytes received. Recompute it, compare in constant time, and refuse an old `t` (each attempt is signed anew)',
      example: "t=1796630400,v1=5f0c8a0b7d0e2c4b9a6f1e3d2c1b0a99887766554433221100ffeeddccbbaa99",
    }),
  "user-agent": z.literal(DELIVERY_USER_AGENT),
});
