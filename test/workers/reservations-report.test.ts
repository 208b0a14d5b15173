import { describe, expect, it } from "vitest";
import { reservationShardOf } from "../../durable-objects/stubs";
import { ADMIN, allocate, api, putStore, reserve, settledMovements, unique } from "./helpers";

interface ReportRow {
  reservationId: string;
  sku: string;
  qty: number;
  channel: string;
  status: string;
}

async function reservationsReport(storeId: string, status?: string): Promise<Array<[string, string, number, string, string]>> {
  const response = await api("GET", `/v1/reports/reservations?storeId=${storeId}${status ? `&status=${status}` : ""}`, { token: ADMIN });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return (response.body.items as ReportRow[]).map((row) => [row.reservationId, row.sku, row.qty, row.channel, row.status]);
}

describe("the reservations report", () => {
  it("shows what each reservation is now: a refused attempt is left out, and a retry of the id (same or other content) is the row", async () => {
    const storeId = unique("store");
    await putStore(storeId);
    const [plenty, scarce] = [unique("sku"), unique("sku")];
    await allocate(storeId, plenty, { onHand: 5, sharedPolicy: "first-come" });
    await allocate(storeId, scarce, { onHand: 1, sharedPolicy: "first-come" });
    const order = (reservationId: string, qty: { plenty?: number; scarce?: number }, channel = "online") => ({
      reservationId,
      channel,
      items: [
        ...(qty.plenty ? [{ storeId, sku: plenty, qty: qty.plenty }] : []),
        ...(qty.scarce ? [{ storeId, sku: scarce, qty: qty.scarce }] : []),
      ],
    });
    // Ids of three different shards: a shard that saw `scarce` refuse asks it first next
    // time, and a refused order then never holds `plenty` (reservations.test.ts).
    const shards = new Set<number>();
    const onNewShard = () => {
      for (;;) {
        const id = unique("order");
        if (!shards.has(reservationShardOf(id))) {
          shards.add(reservationShardOf(id));
          return id;
        }
      }
    };
    const [retried, refused, changed] = [onNewShard(), onNewShard(), onNewShard()];

    // Each refused order held `plenty` and gave it back (the cells that fit hold first).
    expect((await reserve(order(retried, { plenty: 2, scarce: 2 }))).status).toBe(409);
    expect((await reserve(order(refused, { plenty: 1, scarce: 5 }))).status).toBe(409);
    expect((await reserve(order(changed, { plenty: 1, scarce: 9 }))).status).toBe(409);
    const receipt = await api("POST", `/v1/stores/${storeId}/skus/${scarce}/adjustments`, { token: ADMIN, body: { delta: 1, reason: "receive" } });
    expect(receipt.status).toBe(200);
    expect((await reserve(order(retried, { plenty: 2, scarce: 2 }))).status).toBe(201);
    expect((await api("POST", `/v1/reservations/${retried}/confirm`, { token: ADMIN })).status).toBe(200);
    expect((await reserve(order(changed, { plenty: 2 }, "pos"))).status).toBe(201);

    const ledger = await settledMovements(storeId, plenty);
    await settledMovements(storeId, scarce);
    expect((await reservationsReport(storeId)).sort()).toEqual(
      [
        [retried, plenty, 2, "online", "confirmed"],
        [retried, scarce, 2, "online", "confirmed"],
        [changed, plenty, 2, "pos", "pending"],
      ].sort(),
    );
    expect(await reservationsReport(storeId, "pending")).toEqual([[changed, plenty, 2, "pos", "pending"]]);
    expect(await reservationsReport(storeId, "released")).toEqual([]);
    // The ledger keeps every give-back, marked as the undo of an attempt rather than a release.
    const giveBacks = ledger.filter((row) => row.kind === "release");
    expect(giveBacks.map((row) => [row.reservationId, row.reason])).toEqual([
      [retried, "abandoned"],
      [refused, "abandoned"],
      [changed, "abandoned"],
    ]);
  });

  it("lists a reservation released by the shopper as released, unlike an abandoned attempt", async () => {
    const storeId = unique("store");
    await putStore(storeId);
    const sku = unique("sku");
    await allocate(storeId, sku, { onHand: 5, sharedPolicy: "first-come" });
    const reservationId = unique("order");
    expect((await reserve({ reservationId, channel: "online", items: [{ storeId, sku, qty: 1 }] })).status).toBe(201);
    expect((await api("POST", `/v1/reservations/${reservationId}/release`, { token: ADMIN })).status).toBe(200);
    const ledger = await settledMovements(storeId, sku);
    expect(ledger.find((row) => row.kind === "release")).toMatchObject({ reservationId, reason: null });
    expect(await reservationsReport(storeId)).toEqual([[reservationId, sku, 1, "online", "released"]]);
  });
});
