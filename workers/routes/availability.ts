import { type z } from "@hono/zod-openapi";
import type { StoreRecord } from "../../durable-objects/directory";
import { cellStub, directoryStub, hubStub } from "../../durable-objects/stubs";
import { Availability, AvailabilityQuery } from "../../schema/cells";
import type { Env } from "../env";
import { mapConcurrently } from "../concurrency";
import { errorResponses, newRouter, apiRoute } from "../router";
import { requireStore } from "../stores";

/** Availability answers may be served from the edge cache for this long (never a reservation's decision). */
export const AVAILABILITY_CACHE_SECONDS = 2;
/**
 * What the caller may keep: the answer is for the caller's region, which the URL does not
 * say, so no shared cache on the way may hand it to a caller elsewhere (the edge's own copy
 * is keyed by region).
 */
const CALLER_CACHE_CONTROL = `private, max-age=${AVAILABILITY_CACHE_SECONDS}`;
/** Stores answered for one region at most. */
const MAX_REGION_STORES = 50;

const route = apiRoute({
  method: "get",
  path: "/v1/availability",
  tags: ["shoppers"],
  summary: "Units a channel can reserve now, per SKU (public)",
  description: `With storeId: that store. Without: every store serving the caller's region (or \`region\`), in priority order. 0 for a cell that is sold out, oversold or not allocated, with \`reason\` saying which. Anonymous answers may be cached at the edge for ${AVAILABILITY_CACHE_SECONDS} s; reservations always ask the cells.`,
  request: { query: AvailabilityQuery },
  responses: {
    200: { description: "Availability per SKU", content: { "application/json": { schema: Availability } } },
    ...errorResponses("invalid_request", "not_found"),
  },
});

/** Each SKU's availability at a store, read from its cell; `known` (when given) skips the SKUs that have none. */
async function availableAt(env: Env, store: Pick<StoreRecord, "storeId">, skus: string[], channel: string, known?: ReadonlySet<string>) {
  return Promise.all(
    skus.map(async (sku) => {
      if (known && !known.has(sku)) return { storeId: store.storeId, sku, available: 0, reason: "not_allocated" as const };
      const key = { storeId: store.storeId, sku };
      const { available, reason } = await cellStub(env, key).availability(key, channel);
      return { storeId: store.storeId, sku, available, ...(reason ? { reason } : {}) };
    }),
  );
}

/**
 * A region's read asks each store's hub first which SKUs it has, and reads only those cells:
 * in a chain most SKUs are stocked at few of a region's stores, and every other pair would
 * cost a call to an object that holds nothing (on Cloudflare a billed request, here a cell
 * start and a hub call each). One store's read goes to its cells directly.
 */
async function availableAcross(env: Env, store: Pick<StoreRecord, "storeId">, skus: string[], channel: string) {
  const known = new Set(await hubStub(env, store.storeId).knownSkus(skus));
  return availableAt(env, store, skus, channel, known);
}

export const availability = newRouter().openapi(route, async (c) => {
  const { storeId, skus, channel, region: asked } = c.req.valid("query");
  const region = asked ?? c.get("region");
  const anonymous = !c.get("principal");
  const cacheKey = new Request(`${new URL(c.req.url).origin}/__availability?${new URLSearchParams({ storeId: storeId ?? "", skus: skus.join(","), channel, region })}`);
  if (anonymous) {
    const hit = await caches.default.match(cacheKey);
    if (hit) {
      const response = new Response(hit.body, hit);
      response.headers.set("cache-control", CALLER_CACHE_CONTROL);
      response.headers.set("x-inventory-cache", "hit");
      return response as never;
    }
  }

  let body: z.infer<typeof Availability>;
  if (storeId) {
    const store = await requireStore(c.env, storeId);
    body = { region, items: await availableAt(c.env, store, skus, channel) };
  } else {
    const stores = (await directoryStub(c.env).storesCovering(region)).slice(0, MAX_REGION_STORES);
    const perStore = await mapConcurrently(stores, 8, async (store) => ({
      storeId: store.storeId,
      name: store.name,
      priority: store.priority,
      items: await availableAcross(c.env, store, skus, channel),
    }));
    body = { region, items: perStore.flatMap((store) => store.items), stores: perStore };
  }
  const response = c.json(body, 200);
  if (anonymous) {
    const stored = response.clone();
    stored.headers.set("cache-control", `public, max-age=${AVAILABILITY_CACHE_SECONDS}`);
    c.executionCtx.waitUntil(caches.default.put(cacheKey, stored));
    response.headers.set("cache-control", CALLER_CACHE_CONTROL);
  }
  return response;
});
