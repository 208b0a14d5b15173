import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { cellStub, reservationShardOf, reservationShardStub, reservationStub } from "../../durable-objects/stubs";
import { holdIdOf, type ReservationRecord } from "../../durable-objects/core";
import { ADMIN, api, freshCell, readCell, reserve, unique } from "./helpers";

/**
 * A restart halfway: the record says a step was under way and only some cells saw it.
 * These tests write exactly that state, evict the object (a restart), and check the
 * alarm, or the next call, brings the reservation to a clean end.
 */
async function crashHalfway(reservationId: string, record: ReservationRecord, cellsDone: Array<{ storeId: string; sku: string; qty: number }>) {
  for (const item of cellsDone) {
    const key = { storeId: item.storeId, sku: item.sku };
    const holdId = holdIdOf(record);
    const command =
      record.phase === "holding"
        ? ({ type: "hold", holdId, reservationId, channel: record.channel, qty: item.qty, expiresAt: record.expiresAt } as const)
        : ({ type: "confirm", holdId } as const);
    const reply = await cellStub(env, key).execute(key, command);
    expect(reply.ok).toBe(true);
  }
  const stub = reservationStub(env, reservationId);
  await runInDurableObject(stub, async (_instance, state) => {
    const due = Date.now() + 10_000;
    state.storage.sql.exec("INSERT OR REPLACE INTO reservations (id, record, due) VALUES (?, ?, ?)", reservationId, JSON.stringify(record), due);
    await state.storage.setAlarm(due);
  });
  await evictDurableObject(stub);
  return stub;
}

/** Time passes to the reservation's recovery moment, and the object's alarm runs. */
async function runAlarmNow(stub: DurableObjectStub, reservationId: string) {
  await runInDurableObject(stub, (_instance, state) => {
    state.storage.sql.exec("UPDATE reservations SET due = ? WHERE id = ?", Date.now() - 1, reservationId);
  });
  return runDurableObjectAlarm(stub);
}

function recordOf(reservationId: string, phase: ReservationRecord["phase"], items: ReservationRecord["items"], held: ReservationRecord["held"] = []): ReservationRecord {
  const now = Date.now();
  return {
    reservationId,
    channel: "online",
    ttlSeconds: 900,
    requested: items,
    items,
    phase,
    attempt: 1,
    expiresAt: new Date(now + 900_000).toISOString(),
    createdAt: new Date(now).toISOString(),
    updatedAt: new Date(now).toISOString(),
    held,
  };
}

/** An order of `qtyA` units from one fresh cell and `qtyB` from another, under a fresh id. */
async function twoCellOrder(qtyA: number, qtyB: number) {
  const a = await freshCell();
  const b = await freshCell();
  const items = [
    { storeId: a.storeId, sku: a.sku, qty: qtyA },
    { storeId: b.storeId, sku: b.sku, qty: qtyB },
  ];
  return { a, b, reservationId: unique("order"), items };
}

describe("a Reservation object restarted halfway", () => {
  it("abandons an interrupted creation when its alarm runs: every cell it reached is released", async () => {
    const { a, b, reservationId, items } = await twoCellOrder(3, 4);
    const stub = await crashHalfway(reservationId, recordOf(reservationId, "holding", items), [items[0]!]);
    expect((await readCell(a.storeId, a.sku)).reserved).toBe(3);

    expect(await runAlarmNow(stub, reservationId)).toBe(true);
    expect((await readCell(a.storeId, a.sku)).reserved).toBe(0);
    expect((await readCell(b.storeId, b.sku)).reserved).toBe(0);
    expect((await api("GET", `/v1/reservations/${reservationId}`, { token: ADMIN })).status).toBe(404);
  });

  it("an interrupted creation met by the sweep is abandoned, and counted as a released hold", async () => {
    const a = await freshCell();
    const reservationId = unique("order");
    const items = [{ storeId: a.storeId, sku: a.sku, qty: 3 }];
    await crashHalfway(reservationId, recordOf(reservationId, "holding", items), items);
    expect((await readCell(a.storeId, a.sku)).reserved).toBe(3);

    const verdict = await reservationShardStub(env, reservationShardOf(reservationId)).sweep([{ storeId: a.storeId, sku: a.sku, reservationId, holdId: holdIdOf({ reservationId, attempt: 1 }) }]);
    expect(verdict).toEqual({ kept: 0, released: 1, failed: 0 });
    expect((await readCell(a.storeId, a.sku)).reserved).toBe(0);
    expect((await api("GET", `/v1/reservations/${reservationId}`, { token: ADMIN })).status).toBe(404);
  });

  it("finishes an interrupted creation when the client retries it: fully held, 201", async () => {
    const { a, b, reservationId, items } = await twoCellOrder(3, 4);
    await crashHalfway(reservationId, recordOf(reservationId, "holding", items), [items[0]!]);

    const retried = await reserve({ reservationId, channel: "online", ttlSeconds: 900, items });
    expect(retried.status).toBe(201);
    expect(retried.body.items.map((item: { qty: number }) => item.qty)).toEqual([3, 4]);
    expect((await readCell(a.storeId, a.sku)).reserved).toBe(3);
    expect((await readCell(b.storeId, b.sku)).reserved).toBe(4);
  });

  // Found by the crash test: a retry must never count an attempt's released holds as held,
  // whether the record was cut off while "abandoning" or still says "holding" (a hold that
  // ended in the cell meanwhile).
  it.each(["abandoning", "holding"] as const)("a retry after the cells released the attempt (record %s) holds afresh", async (phase) => {
    const { a, b, reservationId, items } = await twoCellOrder(3, 4);
    // The attempt held both cells, then both holds ended, and the record never said "failed".
    await crashHalfway(reservationId, recordOf(reservationId, phase, items), []);
    for (const item of items) {
      const key = { storeId: item.storeId, sku: item.sku };
      const holdId = holdIdOf({ reservationId, attempt: 1 });
      expect((await cellStub(env, key).execute(key, { type: "hold", holdId, reservationId, channel: "online", qty: item.qty, expiresAt: new Date(Date.now() + 900_000).toISOString() })).ok).toBe(true);
      expect((await cellStub(env, key).execute(key, { type: "release", holdId, reason: "released" })).ok).toBe(true);
    }

    // The client's retry is a fresh attempt that really holds the units.
    const retried = await reserve({ reservationId, channel: "online", ttlSeconds: 900, items });
    expect(retried.status).toBe(201);
    expect((await readCell(a.storeId, a.sku)).reserved).toBe(3);
    expect((await readCell(b.storeId, b.sku)).reserved).toBe(4);
    expect((await api("POST", `/v1/reservations/${reservationId}/release`, { token: ADMIN })).status).toBe(200);
    expect((await readCell(a.storeId, a.sku)).reserved).toBe(0);
    expect((await readCell(b.storeId, b.sku)).reserved).toBe(0);
  });

  it("finishes an interrupted confirmation when its alarm runs: every cell confirmed once", async () => {
    const { a, b, reservationId, items } = await twoCellOrder(2, 5);
    expect((await reserve({ reservationId, channel: "online", items })).status).toBe(201);
    const held = (await api("GET", `/v1/reservations/${reservationId}`, { token: ADMIN })).body.items;

    const stub = await crashHalfway(reservationId, recordOf(reservationId, "confirming", items, held), [items[0]!]);
    expect((await readCell(a.storeId, a.sku)).onHand).toBe(98);
    expect((await readCell(b.storeId, b.sku)).onHand).toBe(100);

    expect(await runAlarmNow(stub, reservationId)).toBe(true);
    expect(await readCell(a.storeId, a.sku)).toMatchObject({ onHand: 98, reserved: 0 });
    expect(await readCell(b.storeId, b.sku)).toMatchObject({ onHand: 95, reserved: 0 });
    const confirmed = await api("POST", `/v1/reservations/${reservationId}/confirm`, { token: ADMIN });
    expect(confirmed.body).toEqual({ reservationId, status: "confirmed" });
    expect((await readCell(b.storeId, b.sku)).onHand).toBe(95);
  });
});
