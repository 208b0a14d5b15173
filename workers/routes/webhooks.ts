import { z, type RouteConfig } from "@hono/zod-openapi";
import type { WebhookView } from "../../durable-objects/webhooks";
import { DELIVERY_LIMITS, GIVE_UP_AFTER_MS, RETRY_BASE_MS, RETRY_MAX_MS, SEND_TIMEOUT_MS, webhookHomeOf, type WebhookHome } from "../../durable-objects/core";
import { storeWebhooksStub, webhooksHomeStub, webhooksStub } from "../../durable-objects/stubs";
import { REGION_NAMES } from "../../schema/regions";
import { DeliveriesQuery, Delivery, DeliveryPage, DeliveryParams, Webhook, WebhookDeliveryHeaders, WebhookEvent, WebhookInput, WebhookList, WebhookListQuery, WebhookParams } from "../../schema/webhooks";
import { canAllocate, type Principal } from "../auth/principal";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { receiverUrlProblem } from "../webhooks/receiver-url";
import { requireRole } from "../middleware/authenticate";
import { bearer, errorResponses, newRouter, noBody, apiRoute } from "../router";
import { mapConcurrently } from "../concurrency";
import { storeInScope } from "../scope";
import { directory, findStoreNow } from "../stores";

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });

const seconds = (ms: number) => `${ms / 1000} s`;
const hours = (ms: number) => `${ms / 3_600_000} h`;
/** When a delivery is tried again, from the policy's own constants (`core/webhook-policy.ts`). */
const RETRIES = `retried from the Webhooks object's alarm with exponential backoff (${seconds(RETRY_BASE_MS)}, doubling, at most ${hours(RETRY_MAX_MS)} apart, ±20 % jitter) for ${hours(GIVE_UP_AFTER_MS)}, then marked failed (a replay sends it again)`;

/**
 * The POST the service sends to a subscribed URL: the OpenAPI document's `webhooks`
 * (registered in app.ts), described from the schemas and constants the Webhooks object sends with.
 */
export const deliveryWebhook = {
  method: "post",
  path: "inventoryEvent",
  tags: ["webhooks"],
  summary: "A threshold event (low_stock, back_in_stock, sold_out, oversold), POSTed to each webhook subscribed to it",
  description:
    "One delivery per webhook and event id, at least once: a receiver deduplicates on the event id. " +
    `Sends go side by side (at most ${DELIVERY_LIMITS.perWebhook} in flight to a receiver, ${DELIVERY_LIMITS.perFailingWebhook} while its last attempt failed), so order events by the version in their id, not by arrival. ` +
    "The body is the event as JSON; x-inventory-signature signs its exact bytes.",
  request: {
    headers: WebhookDeliveryHeaders,
    body: { required: true, content: { "application/json": { schema: WebhookEvent } } },
  },
  responses: {
    "2XX": { description: "Delivered (the answer's body is not read); a delivered event is not sent again unless replayed" },
    default: {
      description: `Any other status (a redirect is not followed), no answer within ${seconds(SEND_TIMEOUT_MS)}, or no connection: the delivery is ${RETRIES}`,
    },
  },
} satisfies RouteConfig;

const register = apiRoute({
  method: "post",
  path: "/v1/webhooks",
  tags: ["webhooks"],
  summary: "Subscribe a URL to a region's or a store's threshold events",
  description:
    "Events: low_stock, back_in_stock, sold_out, oversold. Each delivery is a JSON POST signed with `x-inventory-signature: t=<unix>,v1=<hex HMAC-SHA256(secret, t + '.' + body)>`, retried with exponential backoff (30 s doubling, at most 1 h apart) for 24 hours, and delivered once per event id. The URL must be https (plain http only in local mode).",
  security: bearer,
  middleware: [requireRole("admin", "manager")] as const,
  request: { body: { required: true, content: { "application/json": { schema: WebhookInput } } } },
  responses: { 201: json(Webhook, "Registered"), ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found") },
});

const list = apiRoute({
  method: "get",
  path: "/v1/webhooks",
  tags: ["webhooks"],
  summary: "The webhooks of the caller's regions (admins: every region, or ?region=)",
  security: bearer,
  middleware: [requireRole("admin", "manager")] as const,
  request: { query: WebhookListQuery },
  responses: { 200: json(WebhookList, "Webhooks"), ...errorResponses("invalid_request", "unauthorized", "forbidden") },
});

const remove = apiRoute({
  method: "delete",
  path: "/v1/webhooks/{id}",
  tags: ["webhooks"],
  summary: "Remove a webhook (its pending deliveries are dropped)",
  security: bearer,
  middleware: [requireRole("admin", "manager")] as const,
  request: { params: WebhookParams, body: noBody },
  responses: { 204: { description: "Removed" }, ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found") },
});

const deliveries = apiRoute({
  method: "get",
  path: "/v1/webhooks/{id}/deliveries",
  tags: ["webhooks"],
  summary: "The delivery log, newest first",
  security: bearer,
  middleware: [requireRole("admin", "manager")] as const,
  request: { params: WebhookParams, query: DeliveriesQuery },
  responses: { 200: json(DeliveryPage, "Deliveries"), ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found") },
});

const replay = apiRoute({
  method: "post",
  path: "/v1/webhooks/{id}/deliveries/{deliveryId}/replay",
  tags: ["webhooks"],
  summary: "Send one delivery again now (whatever its status); answers the delivery after the attempt",
  security: bearer,
  middleware: [requireRole("admin", "manager")] as const,
  request: { params: DeliveryParams, body: noBody },
  responses: { 200: json(Delivery, "The delivery after the attempt"), ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found") },
});

function mayManage(principal: Principal, region: string): boolean {
  return principal.role === "admin" || (principal.role === "manager" && principal.regions.includes(region));
}

/**
 * Where an existing webhook the caller may manage lives. A store's webhook is managed in its
 * store's current region (read from the directory, not the Worker's cache: it may have just
 * moved); a webhook outside the caller's regions answers like a missing one.
 */
async function scopedHook(env: Env, principal: Principal, id: string): Promise<WebhookHome> {
  const home = webhookHomeOf(id);
  let region: string | undefined;
  if (home?.kind === "region") region = home.region;
  else if (home?.kind === "store") region = (await findStoreNow(env, home.storeId))?.region;
  const known = home && region && (REGION_NAMES as readonly string[]).includes(region) && mayManage(principal, region);
  if (!known || !(await webhooksHomeStub(env, home).get(id))) throw new ApiError("not_found", `no webhook ${id}`);
  return home;
}

/**
 * A region's webhooks: its own object's, and those of its stores that have store subscriptions,
 * in the order they were made (as one object lists its own; ids break a tie of one millisecond).
 */
async function hooksOf(env: Env, regions: string[]): Promise<WebhookView[]> {
  const stores = await directory(env).storesWithWebhooks(regions);
  const [own, perStore] = await Promise.all([
    Promise.all(regions.map((name) => webhooksStub(env, name).list())),
    mapConcurrently(stores, 8, async (store) => (await storeWebhooksStub(env, store.storeId).list()).map((hook) => ({ ...hook, region: store.region }))),
  ]);
  // `createdAt` is ISO 8601 of one length: by time, then by id.
  const made = (hook: WebhookView) => hook.createdAt + hook.id;
  return [...own.flat(), ...perStore.flat()].sort((a, b) => (made(a) < made(b) ? -1 : 1));
}

/** Receivers must be reachable public https endpoints (receiverUrlProblem); local runs may use http and private addresses. */
function checkUrl(env: Env, url: string): void {
  const problem = receiverUrlProblem(url, env.LOCAL_MODE === "true");
  if (problem) throw new ApiError("invalid_request", problem.message, { issues: [{ path: "json.url", message: problem.issue, code: "invalid_format" }] });
}

export const webhooks = newRouter()
  .openapi(register, async (c) => {
    const input = c.req.valid("json");
    const principal = c.get("principal")!;
    checkUrl(c.env, input.url);
    const storeId = input.storeId;
    const region = storeId ? (await storeInScope(c.env, principal, storeId, canAllocate, findStoreNow)).region : input.region;
    if (!region || !mayManage(principal, region)) throw new ApiError("forbidden", `this token is not scoped to region ${region}`);
    const subscription = { url: input.url, events: input.events, secret: input.secret, region };
    if (!storeId) return c.json(await webhooksStub(c.env, region).register(subscription), 201);
    // Marked first: a registration cut off after the mark costs a listing one empty answer, never a hidden webhook.
    await directory(c.env).markStoreWebhooks(storeId);
    return c.json(await storeWebhooksStub(c.env, storeId).register({ ...subscription, storeId }), 201);
  })
  .openapi(list, async (c) => {
    const principal = c.get("principal")!;
    const { region } = c.req.valid("query");
    if (region && !mayManage(principal, region)) throw new ApiError("forbidden", `this token is not scoped to region ${region}`);
    const regions = region ? [region] : principal.role === "manager" ? principal.regions : [...REGION_NAMES];
    return c.json({ items: await hooksOf(c.env, regions) }, 200);
  })
  .openapi(remove, async (c) => {
    const { id } = c.req.valid("param");
    const home = await scopedHook(c.env, c.get("principal")!, id);
    await webhooksHomeStub(c.env, home).remove(id);
    return c.body(null, 204);
  })
  .openapi(deliveries, async (c) => {
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    const home = await scopedHook(c.env, c.get("principal")!, id);
    const items = await webhooksHomeStub(c.env, home).deliveries(id, query.limit, query.before ? Number(query.before.slice(1)) : undefined);
    return c.json({ items, next: items.length === query.limit ? items.at(-1)!.deliveryId : null }, 200);
  })
  .openapi(replay, async (c) => {
    const { id, deliveryId } = c.req.valid("param");
    const home = await scopedHook(c.env, c.get("principal")!, id);
    const delivery = await webhooksHomeStub(c.env, home).replay(id, deliveryId);
    if (!delivery) throw new ApiError("not_found", `no delivery ${deliveryId} for webhook ${id}`);
    return c.json(delivery, 200);
  });
