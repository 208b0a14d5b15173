import { describe, expect, it } from "vitest";
import { ADMIN, allocate, api, mint, onCell, putStore, readCell, reserve, unique } from "./helpers";

async function twoStores(sourceOnHand = 50, destinationOnHand = 10, regions: [string, string] = ["eu-central", "eu-central"]) {
  const from = unique("src");
  const to = unique("dst");
  const sku = unique("sku");
  await putStore(from, regions[0]);
  await putStore(to, regions[1]);
  await allocate(from, sku, { onHand: sourceOnHand, channels: { online: { quota: 10, weight: 1 } } });
  await allocate(to, sku, { onHand: destinationOnHand });
  return { from, to, sku };
}

const ship = (body: unknown, token = ADMIN) => api("POST", "/v1/transfers", { token, body });

/** Units physically accounted for: on hand at both ends plus what is on the road. */
async function units(from: string, to: string, sku: string) {
  const [source, destination] = [await readCell(from, sku), await readCell(to, sku)];
  return { source, destination, total: source.onHand + source.inTransit + destination.onHand };
}

describe("transfers", () => {
  it("ships into in-transit, receives partially with a loss, and the units add up at every step", async () => {
    const { from, to, sku } = await twoStores();
    const transferId = unique("tr");
    const body = { transferId, from: { storeId: from }, to: { storeId: to }, items: [{ sku, qty: 20 }] };
    const shipped = await ship(body);
    expect(shipped.status, JSON.stringify(shipped.body)).toBe(201);
    expect(shipped.body).toMatchObject({ transferId, status: "in_transit", items: [{ sku, qty: 20 }] });

    let state = await units(from, to, sku);
    expect(state.source).toMatchObject({ onHand: 30, inTransit: 20, incoming: 0, free: { shared: 20, channels: { online: 10 } } });
    expect(state.destination).toMatchObject({ onHand: 10, incoming: 20, inTransit: 0 });
    expect(state.total).toBe(60);

    const repeat = await ship(body);
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(shipped.body);
    expect((await ship({ ...body, items: [{ sku, qty: 21 }] })).status).toBe(409);
    expect((await units(from, to, sku)).source.onHand).toBe(30);

    const received = await api("POST", `/v1/transfers/${transferId}/receive`, { token: ADMIN, body: { items: [{ sku, qty: 17, reason: "damaged_in_transit" }] } });
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    expect(received.body).toMatchObject({ status: "received", receipt: [{ sku, shipped: 20, received: 17, lost: 3, reason: "damaged_in_transit" }] });
    state = await units(from, to, sku);
    expect(state.source).toMatchObject({ onHand: 30, inTransit: 0 });
    expect(state.destination).toMatchObject({ onHand: 27, incoming: 0, free: { shared: 27 } });
    expect(state.total + 3).toBe(60);

    // The same receipt again is a repeat; another receipt or a cancel is a conflict.
    expect((await api("POST", `/v1/transfers/${transferId}/receive`, { token: ADMIN, body: { items: [{ sku, qty: 17, reason: "damaged_in_transit" }] } })).status).toBe(200);
    expect((await api("POST", `/v1/transfers/${transferId}/receive`, { token: ADMIN, body: { items: [{ sku, qty: 20 }] } })).status).toBe(409);
    const cancel = await api("POST", `/v1/transfers/${transferId}/cancel`, { token: ADMIN });
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.details.status).toBe("received");
    expect((await units(from, to, sku)).destination.onHand).toBe(27);
    expect((await api("GET", `/v1/transfers/${transferId}`, { token: ADMIN })).body.status).toBe("received");
  });

  it("cancel returns the units to the source's buckets they left", async () => {
    const { from, to, sku } = await twoStores();
    const transferId = unique("tr");
    expect((await ship({ transferId, from: { storeId: from }, to: { storeId: to }, items: [{ sku, qty: 45 }] })).status).toBe(201);
    let state = await units(from, to, sku);
    expect(state.source).toMatchObject({ onHand: 5, inTransit: 45 });
    expect(state.total).toBe(60);
    const cancelled = await api("POST", `/v1/transfers/${transferId}/cancel`, { token: ADMIN });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe("cancelled");
    state = await units(from, to, sku);
    // 45 left as 40 from the pool and 5 of online's 10: they go back there, not all to the pool.
    expect(state.source).toMatchObject({ onHand: 50, inTransit: 0, free: { shared: 40, channels: { online: 10 } } });
    expect(state.destination).toMatchObject({ onHand: 10, incoming: 0 });
    expect((await api("POST", `/v1/transfers/${transferId}/cancel`, { token: ADMIN })).status).toBe(200);
    expect((await api("POST", `/v1/transfers/${transferId}/receive`, { token: ADMIN, body: { items: [{ sku, qty: 0 }] } })).status).toBe(409);
  });

  it("is all or nothing: a short item or a SKU missing at either end moves nothing, and leaves no trace but a failed ship's own undo", async () => {
    const { from, to, sku } = await twoStores();
    const second = unique("sku");
    await allocate(from, second, { onHand: 2 });
    await allocate(to, second, { onHand: 0 });
    const before = await readCell(from, sku);
    const versions = async () => Promise.all([[from, sku], [from, second], [to, sku], [to, second]].map(async ([store, item]) => (await readCell(store!, item!)).version as number));
    const versionsBefore = await versions();
    // 45 of the first SKU would leave its pool and a channel's units: undone, both are as they were.
    const short = await ship({ transferId: unique("tr"), from: { storeId: from }, to: { storeId: to }, items: [{ sku, qty: 45 }, { sku: second, qty: 3 }] });
    expect(short.status).toBe(409);
    expect(short.body.error.code).toBe("insufficient_stock");
    expect(short.body.error.details.shortages).toEqual([{ storeId: from, sku: second, requested: 3, available: 2, short: 1 }]);
    expect(await readCell(from, sku)).toMatchObject({ onHand: 50, inTransit: 0, free: before.free, channels: before.channels });
    expect(await readCell(to, second)).toMatchObject({ incoming: 0 });
    // The source that shipped took it back as a failed ship's undo, not as a person's cancel;
    // the short source and the destination were never written.
    expect(await versions()).toEqual([versionsBefore[0]! + 2, ...versionsBefore.slice(1)]);
    const ledger = await onCell(from, sku, (sql) => sql.exec<{ kind: string; reason: string }>("SELECT kind, reason FROM ledger ORDER BY seq DESC LIMIT 2").toArray());
    expect(ledger.map((row) => [row.kind, row.reason])).toEqual([["transfer_cancel", "transfer_failed"], ["transfer_out", "transfer"]]);

    const unknown = unique("sku");
    await allocate(from, unknown, { onHand: 9 });
    const missing = await ship({ transferId: unique("tr"), from: { storeId: from }, to: { storeId: to }, items: [{ sku, qty: 5 }, { sku: unknown, qty: 1 }] });
    expect(missing.status).toBe(404);
    expect(missing.body.error.details).toEqual({ storeId: to, skus: [unknown] });
    expect(await readCell(from, sku)).toMatchObject({ onHand: 50, inTransit: 0 });

    // A SKU missing at the source answers the same way, naming the source: nothing moves either.
    const notAtSource = unique("sku");
    await allocate(to, notAtSource, { onHand: 0 });
    const unshipped = await ship({ transferId: unique("tr"), from: { storeId: from }, to: { storeId: to }, items: [{ sku, qty: 5 }, { sku: notAtSource, qty: 1 }] });
    expect([unshipped.status, unshipped.body.error.code]).toEqual([404, "not_found"]);
    expect(unshipped.body.error.details).toEqual({ storeId: from, skus: [notAtSource] });
    expect(await readCell(from, sku)).toMatchObject({ onHand: 50, inTransit: 0 });
    expect(await readCell(to, notAtSource)).toMatchObject({ incoming: 0 });
    // Neither 404 wrote anything anywhere.
    expect(await versions()).toEqual([versionsBefore[0]! + 2, ...versionsBefore.slice(1)]);
    expect((await readCell(to, notAtSource)).version).toBe(1);
  });

  it("never ships reserved units: concurrent transfers and reservations on the same cells never oversell", async () => {
    const { from, to, sku } = await twoStores(30, 0);
    const attempts = await Promise.all([
      ...Array.from({ length: 6 }, () => ship({ transferId: unique("tr"), from: { storeId: from }, to: { storeId: to }, items: [{ sku, qty: 4 }] })),
      ...Array.from({ length: 6 }, () => reserve({ reservationId: unique("order"), channel: "online", items: [{ storeId: from, sku, qty: 3 }] })),
    ]);
    const shippedUnits = attempts.slice(0, 6).filter((r) => r.status === 201).length * 4;
    const reservedUnits = attempts.slice(6).filter((r) => r.status === 201).length * 3;
    for (const response of attempts) expect([201, 409]).toContain(response.status);
    expect(shippedUnits + reservedUnits).toBeLessThanOrEqual(30);
    const source = await readCell(from, sku);
    expect(source).toMatchObject({ oversold: false, reserved: reservedUnits, inTransit: shippedUnits, onHand: 30 - shippedUnits });
    expect(source.onHand).toBeGreaterThanOrEqual(source.reserved);
    expect((await readCell(to, sku)).incoming).toBe(shippedUnits);
  });

  it("rejects bad input and callers outside both regions with a 4xx, moving nothing", async () => {
    const { from, to, sku } = await twoStores(50, 10, ["eu-central", "na-east"]);
    const good = { transferId: unique("tr"), from: { storeId: from }, to: { storeId: to }, items: [{ sku, qty: 1 }] };
    const bad: unknown[] = [
      {},
      { ...good, items: [] },
      { ...good, items: [{ sku, qty: 0 }] },
      { ...good, items: [{ sku, qty: 1 }, { sku, qty: 2 }] },
      { ...good, to: { storeId: from } },
      { ...good, transferId: "no spaces" },
      { ...good, extra: 1 },
    ];
    for (const body of bad) expect((await ship(body)).status, JSON.stringify(body)).toBe(400);
    const euManager = await mint("manager", { regions: ["eu-central"] });
    expect((await ship(good, euManager)).status).toBe(403);
    const storeToken = await mint("store", { stores: [from] });
    expect((await ship(good, storeToken)).status).toBe(403);
    expect((await ship({ ...good, to: { storeId: unique("nostore") } })).status).toBe(404);
    expect(await readCell(from, sku)).toMatchObject({ onHand: 50, inTransit: 0 });

    const bothManager = await mint("manager", { regions: ["eu-central", "na-east"] });
    expect((await ship(good, bothManager)).status).toBe(201);
    // Outside the caller's scope a transfer reads as missing: its id tells nothing.
    const hidden = await api("GET", `/v1/transfers/${good.transferId}`, { token: euManager });
    expect([hidden.status, hidden.body.error.message]).toEqual([404, `no transfer ${good.transferId}`]);
    for (const action of ["receive", "cancel"]) {
      const response = await api("POST", `/v1/transfers/${good.transferId}/${action}`, { token: euManager, ...(action === "receive" ? { body: { items: [{ sku, qty: 1 }] } } : {}) });
      expect(response.status, action).toBe(404);
    }
    expect((await api("GET", `/v1/transfers/${unique("nope")}`, { token: ADMIN })).status).toBe(404);
    const receipt = (items: unknown) => api("POST", `/v1/transfers/${good.transferId}/receive`, { token: ADMIN, body: { items } });
    // An empty receipt is refused, not taken as "nothing arrived" (which would write it all off for good).
    const empty = await receipt([]);
    expect([empty.status, empty.body.error.details.issues[0].path]).toEqual([400, "json.items"]);
    expect((await api("GET", `/v1/transfers/${good.transferId}`, { token: ADMIN })).body.status).toBe("in_transit");
    // Refused lines are named as any validation issue is (a path, a message, a code).
    const tooMany = await receipt([{ sku, qty: 2 }]);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details.issues).toEqual([{ path: "json.items.0.qty", message: "2 received but only 1 shipped", code: "custom" }]);
    const unknown = await receipt([{ sku, qty: 1 }, { sku: "other", qty: 1 }]);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ message: "json.items.1.sku: other was not shipped in this transfer", details: { issues: [{ path: "json.items.1.sku", code: "custom" }] } });
    expect((await receipt([{ sku, qty: -1 }])).status).toBe(400);
    expect((await readCell(to, sku))).toMatchObject({ onHand: 10, incoming: 1 });
  });
});
