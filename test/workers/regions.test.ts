import { createExecutionContext, env, listDurableObjectIds, SELF, waitOnExecutionContext } from "cloudflare:test";
import { cellName } from "../../durable-objects/stock-cell";
import { createApp } from "../../workers/app";
import { describe, expect, it } from "vitest";
import { ADMIN, allocate, api, mint, putStore, readCell, unique } from "./helpers";

/** A request as the edge would deliver it from somewhere (Miniflare's `cf`). */
async function fromPlace(path: string, cf: Record<string, unknown>, init: RequestInit = {}) {
  const response = await SELF.fetch(`http://inventory.test${path}`, { ...init, cf } as RequestInit);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const SWEDEN = { continent: "EU", country: "SE" };
const CALIFORNIA = { continent: "NA", country: "US", longitude: "-122.4" };
const INDIA = { continent: "AS", country: "IN" };

describe("the caller's region", () => {
  it("comes from where the edge says the request is from, and every response names it", async () => {
    for (const [cf, region] of [[SWEDEN, "eu-north"], [CALIFORNIA, "na-west"], [INDIA, "ap-south"], [{ continent: "NA", longitude: "-74" }, "na-east"]] as const) {
      const response = await fromPlace("/v1/health", cf);
      expect(response.headers.get("x-inventory-region")).toBe(region);
    }
    const error = await fromPlace("/v1/nowhere", SWEDEN);
    expect(error.status).toBe(404);
    expect(error.headers.get("x-inventory-region")).toBe("eu-north");
  });

  it("offers each region the stores that cover it, in priority order; a store covering two regions appears in both", async () => {
    const sku = unique("sku");
    const swedish = unique("se");
    const second = unique("se2");
    const californian = unique("ca");
    await putStore(swedish, "eu-north", { priority: 20 });
    await putStore(second, "eu-north", { priority: 10 });
    await putStore(californian, "na-west", { priority: 5, covers: ["eu-north"] });
    for (const [store, onHand] of [[swedish, 4], [second, 0], [californian, 9]] as const) await allocate(store, sku, { onHand });

    const europe = await fromPlace(`/v1/availability?skus=${sku}&channel=online`, SWEDEN);
    expect(europe.body.region).toBe("eu-north");
    const ours = (stores: Array<{ storeId: string; items: Array<{ available: number }> }>) => stores.filter((store) => [swedish, second, californian].includes(store.storeId));
    expect(ours(europe.body.stores).map((store: { storeId: string; items: Array<{ available: number }> }) => [store.storeId, store.items[0]!.available])).toEqual([
      [californian, 9],
      [second, 0],
      [swedish, 4],
    ]);
    const america = await fromPlace(`/v1/availability?skus=${sku}&channel=online`, CALIFORNIA);
    expect(ours(america.body.stores).map((store: { storeId: string }) => store.storeId)).toEqual([californian]);
    // Another region on request.
    const asked = await fromPlace(`/v1/availability?skus=${sku}&channel=online&region=na-west`, SWEDEN);
    expect(asked.body.region).toBe("na-west");
  });

  it("reads region-wide only the cells a store has: a SKU a store never allocated starts no object there", async () => {
    const region = "ap-southeast";
    const [stocked, empty, imported] = [unique("st"), unique("em"), unique("im")];
    for (const store of [stocked, empty, imported]) await putStore(store, region);
    const [x, y, never] = [unique("x"), unique("y"), unique("n")];
    await allocate(stocked, x, { onHand: 4 });
    expect((await api("POST", `/v1/stores/${imported}/skus:import?importId=${unique("imp")}`, { token: ADMIN, rawBody: `${y},3`, headers: { "content-type": "text/csv" } })).status).toBe(201);

    const read = await api("GET", `/v1/availability?skus=${x},${y},${never}&channel=online&region=${region}`, { token: ADMIN });
    expect(read.status).toBe(200);
    const answers = Object.fromEntries(read.body.stores.map((store: { storeId: string; items: Array<{ sku: string; available: number; reason?: string }> }) => [store.storeId, store.items.map((item) => [item.sku, item.available, item.reason ?? null])]));
    expect(answers).toEqual({
      [stocked]: [[x, 4, null], [y, 0, "not_allocated"], [never, 0, "not_allocated"]],
      [empty]: [[x, 0, "not_allocated"], [y, 0, "not_allocated"], [never, 0, "not_allocated"]],
      [imported]: [[x, 0, "not_allocated"], [y, 3, null], [never, 0, "not_allocated"]],
    });
    const stored = new Set((await listDurableObjectIds(env.STOCK_CELL)).map((id) => id.toString()));
    const cellId = (storeId: string, sku: string) => env.STOCK_CELL.idFromName(cellName({ storeId, sku })).toString();
    expect(stored.has(cellId(stocked, x))).toBe(true);
    for (const [store, sku] of [[stocked, y], [stocked, never], [empty, x], [empty, y], [empty, never], [imported, x], [imported, never]] as const) {
      expect(stored.has(cellId(store, sku)), `${store}/${sku}`).toBe(false);
    }
  });

  it("honours the x-inventory-region override in local mode, and refuses an unknown region", async () => {
    const overridden = await fromPlace("/v1/health", SWEDEN, { headers: { "x-inventory-region": "ap-northeast" } });
    expect(overridden.headers.get("x-inventory-region")).toBe("ap-northeast");
    for (const bad of ["mars", "EU-NORTH", "eu-north;drop", "x".repeat(200)]) {
      const response = await fromPlace("/v1/health", SWEDEN, { headers: { "x-inventory-region": bad } });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe("invalid_request");
      expect(response.body.error.details.issues).toEqual([expect.objectContaining({ path: "header.x-inventory-region", code: "invalid_value" })]);
    }
    for (const bad of ["mars", "eu%20north", "..%2F"]) {
      const response = await api("GET", `/v1/availability?skus=a&channel=online&region=${bad}`);
      expect(response.status).toBe(400);
    }
  });

  it("outside local mode, ignores the override for everyone but an admin", async () => {
    // The same Worker app, with the production setting (LOCAL_MODE unset).
    const production = { ...env, LOCAL_MODE: undefined };
    const app = createApp();
    const call = async (token?: string) => {
      const ctx = createExecutionContext();
      const request = new Request("http://inventory.test/v1/health", {
        headers: { "x-inventory-region": "ap-northeast", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        cf: SWEDEN,
      } as RequestInit);
      const response = await app.fetch(request, production, ctx);
      await response.text();
      await waitOnExecutionContext(ctx);
      return response.headers.get("x-inventory-region");
    };
    expect(await call()).toBe("eu-north");
    expect(await call(await mint("service"))).toBe("eu-north");
    expect(await call(ADMIN)).toBe("ap-northeast");
  });

  it("caches anonymous availability at the edge briefly, and says so", async () => {
    const storeId = unique("cache");
    await putStore(storeId, "africa");
    await allocate(storeId, "milk", { onHand: 3 });
    const first = await fromPlace(`/v1/availability?storeId=${storeId}&skus=milk&channel=online`, SWEDEN);
    // The answer is for the caller's region, which the URL does not say: no shared cache may keep it.
    expect(first.headers.get("cache-control")).toBe("private, max-age=2");
    expect(first.headers.get("x-inventory-cache")).toBeNull();
    const second = await fromPlace(`/v1/availability?storeId=${storeId}&skus=milk&channel=online`, SWEDEN);
    expect(second.headers.get("x-inventory-cache")).toBe("hit");
    expect(second.headers.get("cache-control")).toBe("private, max-age=2");
    expect(second.body).toEqual(first.body);
    // The edge's own copy is per region: a caller elsewhere gets its region's answer.
    const elsewhere = await fromPlace(`/v1/availability?storeId=${storeId}&skus=milk&channel=online`, { country: "JP" });
    expect(elsewhere.headers.get("x-inventory-cache")).toBeNull();
    expect(elsewhere.body.region).toBe("ap-northeast");
    // A caller with a token always reads the cells.
    const authed = await api("GET", `/v1/availability?storeId=${storeId}&skus=milk&channel=online`, { token: ADMIN });
    expect(authed.headers.get("x-inventory-cache")).toBeNull();
  });
});

describe("picking the store for an order", () => {
  it("takes the first store by priority that can fulfil the whole order, holding nothing where it could not", async () => {
    const [first, second] = [unique("p1"), unique("p2")];
    await putStore(first, "sa-east", { priority: 1 });
    await putStore(second, "sa-east", { priority: 2 });
    await allocate(first, "rice", { onHand: 1 });
    await allocate(first, "beans", { onHand: 10 });
    await allocate(second, "rice", { onHand: 10 });
    await allocate(second, "beans", { onHand: 10 });
    const region = { "x-inventory-region": "sa-east" };

    const order = await api("POST", "/v1/reservations", {
      token: ADMIN,
      headers: region,
      body: { reservationId: unique("o"), channel: "online", items: [{ sku: "beans", qty: 3 }, { sku: "rice", qty: 2 }] },
    });
    expect(order.status).toBe(201);
    expect(order.body.storeId).toBe(second);
    expect(order.body.items.map((item: { storeId: string }) => item.storeId)).toEqual([second, second]);
    // All or nothing at the first store: beans were available there but nothing stays held.
    expect((await readCell(first, "beans")).reserved).toBe(0);
    expect((await readCell(second, "beans")).reserved).toBe(3);

    const small = await api("POST", "/v1/reservations", { token: ADMIN, headers: region, body: { reservationId: unique("o"), channel: "online", items: [{ sku: "rice", qty: 1 }] } });
    expect(small.body.storeId).toBe(first);

    const none = await api("POST", "/v1/reservations", { token: ADMIN, headers: region, body: { reservationId: unique("o"), channel: "online", items: [{ sku: "rice", qty: 50 }] } });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe("insufficient_stock");
    const ours = none.body.error.details.candidates.filter((entry: { storeId: string }) => [first, second].includes(entry.storeId));
    expect(ours).toEqual([
      { storeId: first, shortages: [expect.objectContaining({ sku: "rice", requested: 50, available: 0 })] },
      { storeId: second, shortages: [expect.objectContaining({ sku: "rice", requested: 50, available: 8 })] },
    ]);

    // The same request again answers the same reservation.
    const body = { reservationId: unique("o"), channel: "online", items: [{ sku: "beans", qty: 1 }] };
    const once = await api("POST", "/v1/reservations", { token: ADMIN, headers: region, body });
    const twice = await api("POST", "/v1/reservations", { token: ADMIN, headers: region, body });
    expect([once.status, twice.status]).toEqual([201, 200]);
    expect(twice.body).toEqual(once.body);
  });

  it("never oversells any cell when many orders pick stores at once", async () => {
    const stores = [unique("m1"), unique("m2"), unique("m3")];
    for (const [index, storeId] of stores.entries()) {
      await putStore(storeId, "middle-east", { priority: index });
      await allocate(storeId, "dates", { onHand: 5 });
    }
    const responses = await Promise.all(
      Array.from({ length: 30 }, () =>
        api("POST", "/v1/reservations", {
          token: ADMIN,
          headers: { "x-inventory-region": "middle-east" },
          body: { reservationId: unique("o"), channel: "online", items: [{ sku: "dates", qty: 1 }] },
        }),
      ),
    );
    expect(responses.filter((response) => response.status === 201)).toHaveLength(15);
    expect(responses.filter((response) => response.status === 409)).toHaveLength(15);
    for (const storeId of stores) expect(await readCell(storeId, "dates")).toMatchObject({ onHand: 5, reserved: 5, oversold: false });
  });

  it("refuses mixing named and unnamed stores, and store tokens without a store", async () => {
    const mixed = await api("POST", "/v1/reservations", {
      token: ADMIN,
      body: { reservationId: unique("o"), channel: "online", items: [{ storeId: "a", sku: "x", qty: 1 }, { sku: "y", qty: 1 }] },
    });
    expect(mixed.status).toBe(400);
  });
});
