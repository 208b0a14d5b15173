import type { StoreEvent } from "../../durable-objects/core";
import { hubStub } from "../../durable-objects/stubs";
import { LIMITS } from "../../schema/limits";
import { LIVE_TOKEN_EXPIRED_CLOSE } from "../../schema/live";
import { StoreParams } from "../../schema/stores";
import { ChangesPage, ChangesQuery, LiveQuery, StoreEventBatch, StoreEventResults, StoreStock } from "../../schema/store-sync";
import { canReadStore, type Principal } from "../auth/principal";
import { ApiError } from "../errors";
import { requireRole } from "../middleware/authenticate";
import { bearer, bearerOrAccessToken, errorResponses, newRouter, apiRoute } from "../router";
import { storeInScope } from "../scope";
import { applyStoreEvents } from "../store-events";

const isTheStore = (principal: Principal, store: { storeId: string }) =>
  principal.role === "admin" || (principal.role === "store" && principal.stores.includes(store.storeId));

const events = apiRoute({
  method: "post",
  path: "/v1/stores/{storeId}/events",
  tags: ["stores"],
  summary: "Sync a POS's events (offline replay), in the order it recorded them",
  description: `Up to ${LIMITS.maxStoreEvents} events across any SKUs. The batch is validated whole before anything is applied. Each event's outcome is applied, duplicate, superseded or rejected (with a reason); the answer also carries every touched cell after the batch.`,
  security: bearer,
  middleware: [requireRole("admin", "store")] as const,
  request: { params: StoreParams, body: { required: true, content: { "application/json": { schema: StoreEventBatch } } } },
  responses: {
    200: { description: "Each event's outcome, in order, and the touched cells", content: { "application/json": { schema: StoreEventResults } } },
    ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found", "payload_too_large"),
  },
});

const stock = apiRoute({
  method: "get",
  path: "/v1/stores/{storeId}/stock",
  tags: ["stores"],
  summary: "Every SKU's current level at a store, in one call, with the feed cursor to continue from",
  security: bearer,
  middleware: [requireRole("admin", "manager", "store", "service")] as const,
  request: { params: StoreParams },
  responses: {
    200: { description: "The store's levels", content: { "application/json": { schema: StoreStock } } },
    ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found"),
  },
});

const changes = apiRoute({
  method: "get",
  path: "/v1/stores/{storeId}/changes",
  tags: ["stores"],
  summary: "What changed at a store after a cursor, in order",
  description: "Each change carries the SKU's version and its levels after the change; ignore changes at or below the version you hold. A cursor older than the feed keeps, or past its newest change, answers 410 cursor_expired: fetch /stock and continue from its cursor.",
  security: bearer,
  middleware: [requireRole("admin", "manager", "store", "service")] as const,
  request: { params: StoreParams, query: ChangesQuery },
  responses: {
    200: { description: "A page of changes", content: { "application/json": { schema: ChangesPage } } },
    ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found", "cursor_expired"),
  },
});

const live = apiRoute({
  method: "get",
  path: "/v1/stores/{storeId}/live",
  tags: ["stores"],
  summary: "WebSocket: the changes after `after`, then every change as it happens",
  description:
    "Send the token as a bearer header, or as `access_token` (browsers cannot set headers on WebSockets; read only when no Authorization header is sent). Without either, 401; the roles and scope are those of /stock. " +
    `A request without \`Upgrade: websocket\` is a 400. Messages: {type:'hello', cursor}, {type:'change', change}, {type:'reset', cursor} when \`after\` is too old. Send 'ping' to get 'pong'. A socket whose token expires is closed with code ${LIVE_TOKEN_EXPIRED_CLOSE} ("token expired").`,
  security: bearerOrAccessToken,
  request: { params: StoreParams, query: LiveQuery },
  responses: {
    101: { description: "Switching to the WebSocket protocol" },
    ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found"),
  },
});

export const storeSync = newRouter()
  .openapi(events, async (c) => {
    const { storeId } = c.req.valid("param");
    await storeInScope(c.env, c.get("principal"), storeId, isTheStore);
    return c.json(await applyStoreEvents(c.env, storeId, c.req.valid("json").events as StoreEvent[]), 200);
  })
  .openapi(stock, async (c) => {
    const { storeId } = c.req.valid("param");
    await storeInScope(c.env, c.get("principal"), storeId, canReadStore);
    return c.json(await hubStub(c.env, storeId).stock(storeId), 200);
  })
  .openapi(changes, async (c) => {
    const { storeId } = c.req.valid("param");
    await storeInScope(c.env, c.get("principal"), storeId, canReadStore);
    const { after, limit } = c.req.valid("query");
    const page = await hubStub(c.env, storeId).changesAfter(after, limit);
    if (!page.ok) {
      throw new ApiError("cursor_expired", "that cursor is older than the feed keeps, or past its newest change: fetch /stock and continue from its cursor", {
        oldestCursor: page.oldestCursor,
        latestCursor: page.latestCursor,
      });
    }
    return c.json({ changes: page.changes, nextCursor: page.nextCursor, hasMore: page.hasMore }, 200);
  })
  .openapi(live, async (c) => {
    const { storeId } = c.req.valid("param");
    // The token, from the header or `access_token`, was read by the authenticate middleware.
    const { after } = c.req.valid("query");
    await storeInScope(c.env, c.get("principal"), storeId, canReadStore);
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError("invalid_request", "this route is a WebSocket: send Upgrade: websocket");
    }
    const url = new URL("https://hub/live");
    if (after !== undefined) url.searchParams.set("after", String(after));
    const expiresAt = c.get("tokenExpiresAt");
    if (expiresAt !== undefined) url.searchParams.set("until", String(expiresAt));
    return hubStub(c.env, storeId).fetch(new Request(url, c.req.raw)) as unknown as never;
  });
