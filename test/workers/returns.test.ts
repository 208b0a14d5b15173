import { describe, expect, it } from "vitest";
import { ADMIN, api, freshCell, mint, putStore, allocate, readCell, unique } from "./helpers";

const returnOf = (storeId: string, body: unknown, token = ADMIN) => api("POST", `/v1/stores/${storeId}/returns`, { token, body });

describe("returns", () => {
  it("puts units back in the shared pool, once per return id", async () => {
    const { storeId, sku } = await freshCell();
    const body = { returnId: unique("rma"), items: [{ sku, qty: 3 }], reason: "customer_return" };
    const first = await returnOf(storeId, body);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ returnId: body.returnId, storeId, items: [{ sku, qty: 3 }], reason: "customer_return" });
    expect(await readCell(storeId, sku)).toMatchObject({ onHand: 103, free: { shared: 33, channels: { pos: 40, online: 30 } } });

    const again = await returnOf(storeId, body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await readCell(storeId, sku)).onHand).toBe(103);

    const other = await returnOf(storeId, { ...body, items: [{ sku, qty: 4 }] });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("conflict");
    // Other content that also names a SKU the store never allocated: still the id's conflict, not a 404.
    const withUnknown = await returnOf(storeId, { ...body, items: [{ sku, qty: 3 }, { sku: "never-allocated", qty: 1 }] });
    expect([withUnknown.status, withUnknown.body.error.code]).toEqual([409, "conflict"]);
    expect(withUnknown.body.error.details).toEqual(other.body.error.details);
    expect((await readCell(storeId, sku)).onHand).toBe(103);
  });

  it("returns to a named channel, across several SKUs", async () => {
    const { storeId, sku } = await freshCell();
    const second = unique("sku");
    await allocate(storeId, second, { onHand: 5 });
    const response = await returnOf(storeId, { returnId: unique("rma"), channel: "online", items: [{ sku, qty: 2 }, { sku: second, qty: 1 }], reason: "online_return" });
    expect(response.status).toBe(201);
    expect((await readCell(storeId, sku)).free.channels.online).toBe(32);
    expect((await readCell(storeId, second)).free.channels.online).toBe(1);
  });

  it("applies nothing when one SKU is not allocated, and a corrected resend works", async () => {
    const { storeId, sku } = await freshCell();
    const returnId = unique("rma");
    const response = await returnOf(storeId, { returnId, items: [{ sku, qty: 2 }, { sku: "never-allocated", qty: 1 }], reason: "customer_return" });
    expect(response.status).toBe(404);
    expect(response.body.error.details.skus).toEqual(["never-allocated"]);
    expect(response.body.error.message).toBe(`SKU never-allocated is not allocated at ${storeId}`);
    expect((await readCell(storeId, sku)).onHand).toBe(100);
    expect((await returnOf(storeId, { returnId, items: [{ sku, qty: 2 }], reason: "customer_return" })).status).toBe(201);
    expect((await readCell(storeId, sku)).onHand).toBe(102);
  });

  it("rejects bad input with a 4xx and changes nothing", async () => {
    const { storeId, sku } = await freshCell();
    const bad: unknown[] = [
      {},
      { returnId: "r1", items: [], reason: "x" },
      { returnId: "r1", items: [{ sku, qty: 0 }], reason: "x" },
      { returnId: "r1", items: [{ sku, qty: -2 }], reason: "x" },
      { returnId: "r1", items: [{ sku, qty: 1 }] },
      { returnId: "r1", items: [{ sku, qty: 1 }, { sku, qty: 1 }], reason: "x" },
      { returnId: "r1", items: [{ sku, qty: 1 }], reason: "x", channel: "fax" },
      { returnId: "bad id!", items: [{ sku, qty: 1 }], reason: "x" },
      { returnId: "r1", items: [{ sku, qty: 1 }], reason: "x", extra: true },
    ];
    for (const body of bad) {
      const response = await returnOf(storeId, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe("invalid_request");
    }
    expect((await api("POST", `/v1/stores/${storeId}/returns`, { token: ADMIN, rawBody: "{", headers: { "content-type": "application/json" } })).status).toBe(400);
    expect((await api("POST", `/v1/stores/${storeId}/returns`, { token: ADMIN, rawBody: "a,b", headers: { "content-type": "text/csv" } })).status).toBe(415);
    expect((await api("POST", `/v1/stores/${storeId}/returns`, { body: { returnId: "r1", items: [{ sku, qty: 1 }], reason: "x" } })).status).toBe(401);
    const otherStore = unique("store");
    await putStore(otherStore);
    const storeToken = await mint("store", { stores: [otherStore] });
    expect((await returnOf(storeId, { returnId: "r1", items: [{ sku, qty: 1 }], reason: "x" }, storeToken)).status).toBe(403);
    expect((await returnOf(unique("nostore"), { returnId: "r1", items: [{ sku, qty: 1 }], reason: "x" })).status).toBe(404);
    expect((await readCell(storeId, sku)).onHand).toBe(100);
  });
});
