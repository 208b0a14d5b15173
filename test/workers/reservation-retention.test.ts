import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { FORGET_STEP_MS, SETTLED_RETENTION_MS, forgetAt, type ReservationRecord } from "../../durable-objects/core";
import { DUE_AT_ONCE } from "../../durable-objects/reservation";
import { reservationShardOf, reservationStub } from "../../durable-objects/stubs";
import { ADMIN, ageSettledReservation, api, eventually, freshCell, patchReservationRow, readCell, reserve, runShardAlarmAfter, unique } from "./helpers";

const DAY_MS = 86_400_000;

/** The shard's row for a reservation, or undefined once it is forgotten. */
function rowOf(reservationId: string) {
  return runInDurableObject(reservationStub(env, reservationId), (_instance, state) => {
    const row = state.storage.sql.exec<{ record: string; due: number | null }>("SELECT record, due FROM reservations WHERE id = ?", reservationId).toArray()[0];
    return row ? { record: JSON.parse(row.record) as ReservationRecord, due: row.due } : undefined;
  });
}

describe("settled reservations are forgotten after 30 days", () => {
  it("keeps a confirmed reservation for retries and reads, then forgets it and frees its id", async () => {
    const { storeId, sku } = await freshCell();
    const reservationId = unique("order");
    const request = { reservationId, channel: "online", items: [{ storeId, sku, qty: 2 }] };
    expect((await reserve(request)).status).toBe(201);
    expect((await api("POST", `/v1/reservations/${reservationId}/confirm`, { token: ADMIN })).status).toBe(200);

    // Settled: due once more, when it is to be forgotten, a month from now.
    const settled = (await rowOf(reservationId))!;
    expect(settled.record.phase).toBe("confirmed");
    expect(settled.due).toBe(forgetAt(settled.record));
    expect(settled.due!).toBeGreaterThan(Date.now() + SETTLED_RETENTION_MS - DAY_MS);

    // An alarm now leaves it (its time is a month away): a retry still answers the original.
    const stub = reservationStub(env, reservationId);
    await runDurableObjectAlarm(stub);
    expect((await reserve(request)).status).toBe(200);
    expect((await api("GET", `/v1/reservations/${reservationId}`, { token: ADMIN })).body.status).toBe("confirmed");

    // 31 days after it settled.
    await ageSettledReservation(reservationId, 31);

    expect(await rowOf(reservationId)).toBeUndefined();
    expect((await api("GET", `/v1/reservations/${reservationId}`, { token: ADMIN })).status).toBe(404);
    // The sale stays sold; the id may be used afresh, even with other content.
    expect(await readCell(storeId, sku)).toMatchObject({ onHand: 98, reserved: 0 });
    const again = await reserve({ ...request, items: [{ storeId, sku, qty: 3 }] });
    expect(again.status).toBe(201);
    expect((await readCell(storeId, sku)).reserved).toBe(3);
  });

  it("does not forget a settled reservation whose due time came early", async () => {
    const { storeId, sku } = await freshCell();
    const reservationId = unique("order");
    expect((await reserve({ reservationId, channel: "online", items: [{ storeId, sku, qty: 1 }] })).status).toBe(201);
    expect((await api("POST", `/v1/reservations/${reservationId}/release`, { token: ADMIN })).status).toBe(200);
    await runShardAlarmAfter(reservationId, (sql) => patchReservationRow(sql, reservationId, {}, Date.now() - 1));
    const kept = (await rowOf(reservationId))!;
    expect(kept.record.phase).toBe("released");
    expect(kept.due).toBe(forgetAt(kept.record));
    expect((await api("GET", `/v1/reservations/${reservationId}`, { token: ADMIN })).body.status).toBe("released");
  });

  // As the version before this rule left an object (settled rows without a due time, schema
  // version 1), and as its first migration did (due 0, which setAlarm refuses; version 2).
  it.each([
    { left: "without a due time", due: null, version: 1 },
    { left: "due at 0 by the first migration", due: 0, version: 2 },
  ])("gives records settled before this rule a time to be forgotten (migration, rows $left)", async ({ due, version }) => {
    const { storeId, sku } = await freshCell();
    const reservationId = unique("order");
    expect((await reserve({ reservationId, channel: "online", items: [{ storeId, sku, qty: 1 }] })).status).toBe(201);
    expect((await api("POST", `/v1/reservations/${reservationId}/release`, { token: ADMIN })).status).toBe(200);
    // A new reservation on the same shard: it starts the migrated object and sets its alarm.
    let pendingId = unique("order");
    while (reservationShardOf(pendingId) !== reservationShardOf(reservationId)) pendingId = unique("order");
    const stub = reservationStub(env, reservationId);
    // Settled half a second past the point whose forgetting time is a whole hour: the
    // milliseconds decide which hour (truncated to seconds, it would be an hour early).
    const hour = Math.ceil((Date.now() + SETTLED_RETENTION_MS) / FORGET_STEP_MS) * FORGET_STEP_MS - FORGET_STEP_MS;
    const updatedAt = new Date(hour - SETTLED_RETENTION_MS + 500).toISOString();
    await runInDurableObject(stub, (_instance, state) => {
      patchReservationRow(state.storage.sql, reservationId, { updatedAt }, due);
      state.storage.sql.exec("UPDATE _schema SET version = ?", version);
    });
    await evictDurableObject(stub);

    expect((await reserve({ reservationId: pendingId, channel: "online", items: [{ storeId, sku, qty: 1 }] })).status).toBe(201);
    // The migrated row is due at once, so the object's alarm, set by that reservation, is in
    // the past and may already be running by itself: run it if not, then wait until the row
    // has been given a time.
    await runDurableObjectAlarm(stub);
    const migrated = (await eventually(() => rowOf(reservationId), (row) => (row?.due ?? DUE_AT_ONCE) > DUE_AT_ONCE))!;
    expect(migrated.record.updatedAt).toBe(updatedAt);
    expect(migrated.due).toBe(hour + FORGET_STEP_MS);
    expect(migrated.due).toBe(forgetAt(migrated.record));
  });
});
