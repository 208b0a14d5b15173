import { DEFAULT_STORE_PRIORITY } from "../../durable-objects/directory";
import { Store, StoreInput, StoreList, StoreParams, StoreQuery } from "../../schema/stores";
import { requireRole } from "../middleware/authenticate";
import { bearer, errorResponses, newRouter, apiRoute } from "../router";
import { directory, remember, requireStore } from "../stores";

const put = apiRoute({
  method: "put",
  path: "/v1/stores/{storeId}",
  tags: ["stores"],
  summary: "Create or update a store",
  security: bearer,
  middleware: [requireRole("admin")] as const,
  request: { params: StoreParams, body: { required: true, content: { "application/json": { schema: StoreInput } } } },
  responses: {
    200: { description: "Updated", content: { "application/json": { schema: Store } } },
    201: { description: "Created", content: { "application/json": { schema: Store } } },
    ...errorResponses("invalid_request", "unauthorized", "forbidden"),
  },
});

const list = apiRoute({
  method: "get",
  path: "/v1/stores",
  tags: ["stores"],
  summary: "List stores (public), optionally of one region",
  request: { query: StoreQuery },
  responses: {
    200: { description: "Stores by region and priority", content: { "application/json": { schema: StoreList } } },
    ...errorResponses("invalid_request"),
  },
});

const get = apiRoute({
  method: "get",
  path: "/v1/stores/{storeId}",
  tags: ["stores"],
  summary: "One store (public)",
  request: { params: StoreParams },
  responses: {
    200: { description: "The store", content: { "application/json": { schema: Store } } },
    ...errorResponses("invalid_request", "not_found"),
  },
});

export const stores = newRouter()
  .openapi(put, async (c) => {
    const { storeId } = c.req.valid("param");
    const input = c.req.valid("json");
    const { store, created } = await directory(c.env).putStore({
      storeId,
      name: input.name,
      region: input.region,
      covers: [...new Set(input.covers ?? [])].filter((region) => region !== input.region),
      timezone: input.timezone,
      priority: input.priority ?? DEFAULT_STORE_PRIORITY,
    });
    remember(storeId, store);
    return created ? c.json(store, 201) : c.json(store, 200);
  })
  .openapi(list, async (c) => {
    const { region } = c.req.valid("query");
    return c.json({ items: await directory(c.env).listStores(region) }, 200);
  })
  .openapi(get, async (c) => c.json(await requireStore(c.env, c.req.valid("param").storeId), 200));
