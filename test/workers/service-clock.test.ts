import { env, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { hubStub } from "../../durable-objects/stubs";
import type { StoreHub } from "../../durable-objects/store-hub";
import { ADMIN, allocate, api, eventually, freshCell, interceptHubQueue, putStore, readCell, reserve, sendEvents, setClock, unique } from "./helpers";

const DAY_SECONDS = 86_400;

/** The service clock after moving it a day ahead, less a second of slack for the calls in between. */
async function dayAhead(): Promise<number> {
  await setClock({ advanceSeconds: DAY_SECONDS });
  return Date.now() + (DAY_SECONDS - 1) * 1000;
}

/** Every time stamp in `times` is on the service clock, not behind it on real time. */
function expectOnServiceClock(times: Record<string, unknown>, serviceStart: number): void {
  for (const [name, time] of Object.entries(times)) {
    expect(typeof time, name).toBe("string");
    expect(Date.parse(time as string), `${name} = ${String(time)}`).toBeGreaterThanOrEqual(serviceStart);
  }
}

afterEach(() => setClock({ offsetSeconds: 0 }));

// Local mode's clock (the kit's advanceTime) moves every record the service writes, so a
// test that moves it never sees a record settle before it was created.
describe("records are stamped on the service clock", () => {
  it("oversells and their resolution", async () => {
    const { storeId, sku } = await freshCell();
    const start = await dayAhead();

    expect((await sendEvents(storeId, [{ eventId: unique("e"), type: "sale", sku, qty: 200, at: new Date(start).toISOString() }])).status).toBe(200);
    const [open] = (await eventually(() => api("GET", `/v1/oversells?storeId=${storeId}`, { token: ADMIN }), (page) => page.body.items?.length === 1)).body.items;
    const resolved = await api("POST", `/v1/oversells/${open.id}/resolve`, { token: ADMIN, body: { note: "counted" } });
    expectOnServiceClock({ openedAt: resolved.body.openedAt, resolvedAt: resolved.body.resolvedAt }, start);
  });

  it("transfers and returns", async () => {
    const [from, to, sku] = [unique("src"), unique("dst"), unique("sku")];
    await putStore(from);
    await putStore(to);
    await allocate(from, sku, { onHand: 10 });
    await allocate(to, sku, { onHand: 0 });
    const start = await dayAhead();

    const transferId = unique("tr");
    const shipped = await api("POST", "/v1/transfers", { token: ADMIN, body: { transferId, from: { storeId: from }, to: { storeId: to }, items: [{ sku, qty: 2 }] } });
    expect(shipped.status).toBe(201);
    const received = await api("POST", `/v1/transfers/${transferId}/receive`, { token: ADMIN, body: { items: [{ sku, qty: 2 }] } });
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    const { createdAt, shippedAt, receivedAt } = received.body;
    expectOnServiceClock({ createdAt, shippedAt, receivedAt }, start);

    const returned = await api("POST", `/v1/stores/${to}/returns`, { token: ADMIN, body: { returnId: unique("rma"), items: [{ sku, qty: 1 }], reason: "customer_return" } });
    expect(returned.status).toBe(201);
    expectOnServiceClock({ completedAt: returned.body.completedAt }, start);
  });

  it("queue lag counts on the service clock", async () => {
    const { storeId, sku } = await freshCell();
    await runInDurableObject(hubStub(env, storeId), (instance: StoreHub) =>
      interceptHubQueue(instance, () => Promise.reject(new Error("queue unavailable (injected)"))),
    );
    expect((await reserve({ reservationId: unique("lag"), channel: "online", items: [{ storeId, sku, qty: 1 }] })).status).toBe(201);
    expect((await readCell(storeId, sku)).reserved).toBe(1);
    await setClock({ advanceSeconds: 3_600 });

    const lag = await eventually(
      () => api("GET", `/v1/reports/queue-lag?storeId=${storeId}`, { token: ADMIN }),
      (response) => response.body.items?.[0]?.laggingSkus === 1,
    );
    expect(lag.body.items[0].lagSeconds).toBeGreaterThanOrEqual(3_600);
  });
});
