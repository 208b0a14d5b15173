import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { reservationShardOf, reservationStub } from "../../durable-objects/stubs";
import { describe, expect, it } from "vitest";
import { ADMIN, api, eventually, freshCell, mint, patchReservationRow, readCell, reserve, runShardAlarmAfter, unique } from "./helpers";

describe("reservations", () => {
  it("holds units from the channel first, then the shared pool, and answers a repeat with the same body", async () => {
    const { storeId, sku } = await freshCell();
    const request = { reservationId: unique("order"), channel: "online", items: [{ storeId, sku, qty: 35 }] };

    const created = await reserve(request);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      reservationId: request.reservationId,
      status: "pending",
      items: [{ storeId, sku, qty: 35, fromChannel: 30, fromShared: 5 }],
    });
    expect(Date.parse(created.body.expiresAt) - Date.parse(created.body.createdAt)).toBe(900_000);

    const repeated = await reserve(request);
    expect(repeated.status).toBe(200);
    expect(repeated.body).toEqual(created.body);

    const cell = await readCell(storeId, sku);
    expect(cell).toMatchObject({ onHand: 100, reserved: 35, free: { shared: 25, channels: { online: 0, pos: 40 } } });
  });

  it("refuses the same id with other content, and changes nothing", async () => {
    const { storeId, sku } = await freshCell();
    const reservationId = unique("order");
    expect((await reserve({ reservationId, channel: "online", items: [{ storeId, sku, qty: 1 }] })).status).toBe(201);
    const conflict = await reserve({ reservationId, channel: "online", items: [{ storeId, sku, qty: 2 }] });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toMatchObject({ code: "conflict", details: { status: "pending" } });
    expect((await readCell(storeId, sku)).reserved).toBe(1);
  });

  it("is all or nothing: one short item holds nothing anywhere and names every shortage", async () => {
    const a = await freshCell();
    const b = await freshCell({ onHand: 3 });
    const c = await freshCell({ onHand: 1 });
    const response = await reserve({
      reservationId: unique("order"),
      channel: "online",
      items: [
        { storeId: a.storeId, sku: a.sku, qty: 10 },
        { storeId: b.storeId, sku: b.sku, qty: 5 },
        { storeId: c.storeId, sku: c.sku, qty: 2 },
      ],
    });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe("insufficient_stock");
    expect(response.body.error.details.shortages).toEqual([
      { storeId: b.storeId, sku: b.sku, requested: 5, available: 3, short: 2 },
      { storeId: c.storeId, sku: c.sku, requested: 2, available: 1, short: 1 },
    ]);
    for (const cell of [a, b, c]) expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(0);
    expect((await readCell(a.storeId, a.sku)).free).toEqual({ shared: 30, channels: { online: 30, pos: 40 } });
  });

  it("asks a cell that refused lately first: an order it refuses again holds nothing elsewhere, and still names every shortage", async () => {
    const last = await freshCell({ onHand: 1 });
    const gone = await freshCell({ onHand: 1 });
    const scarce = await freshCell({ onHand: 1 });
    expect((await reserve({ reservationId: unique("sold"), channel: "online", items: [{ ...gone, qty: 1 }] })).status).toBe(201);
    // Ids of one shard: the memory of refusals is the shard's.
    const shard = reservationShardOf(unique("probe"));
    const idOnShard = () => {
      for (;;) {
        const id = unique("order");
        if (reservationShardOf(id) === shard) return id;
      }
    };
    const doomed = () => reserve({ reservationId: idOnShard(), channel: "online", items: [{ ...last, qty: 1 }, { ...gone, qty: 1 }, { ...scarce, qty: 2 }] });
    // The first refusal teaches the shard: that order held the last unit, then gave it back.
    expect((await doomed()).status).toBe(409);
    const version = (await readCell(last.storeId, last.sku)).version;
    // The next asks the sold-out cell first and never touches the others' units.
    const again = await doomed();
    expect(again.status).toBe(409);
    expect(again.body.error.details.shortages).toEqual([
      { ...gone, requested: 1, available: 0, short: 1 },
      { ...scarce, requested: 2, available: 1, short: 1 },
    ]);
    expect(await readCell(last.storeId, last.sku)).toMatchObject({ version, reserved: 0 });
    // Once stock is back, an order through that cell holds all of it, in the order asked.
    await api("POST", `/v1/stores/${gone.storeId}/skus/${gone.sku}/adjustments`, { token: ADMIN, body: { delta: 1, reason: "receive" } });
    const whole = await reserve({ reservationId: idOnShard(), channel: "online", items: [{ ...last, qty: 1 }, { ...gone, qty: 1 }] });
    expect(whole.status, JSON.stringify(whole.body)).toBe(201);
    expect(whole.body.items.map((item: { sku: string }) => item.sku)).toEqual([last.sku, gone.sku]);
    expect((await readCell(last.storeId, last.sku)).reserved).toBe(1);
  });

  it("retries a failed reservation id once stock is back", async () => {
    const { storeId, sku } = await freshCell({ onHand: 1 });
    const request = { reservationId: unique("order"), channel: "online", items: [{ storeId, sku, qty: 2 }] };
    expect((await reserve(request)).status).toBe(409);
    expect((await api("GET", `/v1/reservations/${request.reservationId}`, { token: ADMIN })).status).toBe(404);
    await api("POST", `/v1/stores/${storeId}/skus/${sku}/adjustments`, { token: ADMIN, body: { delta: 1, reason: "receive" } });
    expect((await reserve(request)).status).toBe(201);
    expect((await readCell(storeId, sku)).reserved).toBe(2);
  });

  it("confirms once: units leave on hand; repeats answer the same; release after confirm is a 409", async () => {
    const { storeId, sku } = await freshCell();
    const reservationId = unique("order");
    await reserve({ reservationId, channel: "pos", items: [{ storeId, sku, qty: 4 }] });

    for (let i = 0; i < 2; i++) {
      const confirmed = await api("POST", `/v1/reservations/${reservationId}/confirm`, { token: ADMIN });
      expect(confirmed.status).toBe(200);
      expect(confirmed.body).toEqual({ reservationId, status: "confirmed" });
    }
    const cell = await readCell(storeId, sku);
    expect(cell).toMatchObject({ onHand: 96, reserved: 0, free: { shared: 30, channels: { pos: 36, online: 30 } } });

    const release = await api("POST", `/v1/reservations/${reservationId}/release`, { token: ADMIN });
    expect(release.status).toBe(409);
    expect(release.body.error).toEqual({ code: "conflict", message: `reservation ${reservationId} is confirmed; it cannot be released`, details: { status: "confirmed" } });
    expect((await readCell(storeId, sku)).onHand).toBe(96);
  });

  it("releases once: units return to exactly their buckets; confirm after release is a 409", async () => {
    const { storeId, sku } = await freshCell();
    const reservationId = unique("order");
    await reserve({ reservationId, channel: "online", items: [{ storeId, sku, qty: 33 }] });
    expect((await readCell(storeId, sku)).free).toEqual({ shared: 27, channels: { online: 0, pos: 40 } });

    for (let i = 0; i < 2; i++) {
      const released = await api("POST", `/v1/reservations/${reservationId}/release`, { token: ADMIN });
      expect(released.body).toEqual({ reservationId, status: "released" });
    }
    expect(await readCell(storeId, sku)).toMatchObject({ onHand: 100, reserved: 0, free: { shared: 30, channels: { online: 30, pos: 40 } } });
    const confirm = await api("POST", `/v1/reservations/${reservationId}/confirm`, { token: ADMIN });
    expect(confirm.status).toBe(409);
    expect(confirm.body.error).toEqual({ code: "conflict", message: `reservation ${reservationId} is released; it cannot be confirmed`, details: { status: "released" } });
  });

  it("answers 404 naming a store that does not exist, and holds nothing anywhere", async () => {
    const a = await freshCell();
    const ghost = unique("nostore");
    for (const token of [ADMIN, await mint("service")]) {
      const response = await reserve(
        { reservationId: unique("order"), channel: "online", items: [{ storeId: a.storeId, sku: a.sku, qty: 1 }, { storeId: ghost, sku: a.sku, qty: 1 }] },
        token,
      );
      expect(response.status, JSON.stringify(response.body)).toBe(404);
      expect(response.body.error).toMatchObject({ code: "not_found", message: `no store ${ghost}` });
    }
    expect((await readCell(a.storeId, a.sku)).reserved).toBe(0);
  });

  it("availability says why a cell offers nothing: not allocated, sold out, oversold", async () => {
    const { storeId, sku } = await freshCell({ onHand: 2 });
    const ask = async (skus: string) => (await api("GET", `/v1/availability?storeId=${storeId}&skus=${skus}&channel=online`, { token: ADMIN })).body.items;
    const never = unique("nosku");
    expect(await ask(`${sku},${never}`)).toEqual([
      { storeId, sku, available: 2 },
      { storeId, sku: never, available: 0, reason: "not_allocated" },
    ]);
    await api("PUT", `/v1/stores/${storeId}/skus/${sku}/sold-out`, { token: ADMIN, body: { soldOut: true } });
    expect(await ask(sku)).toEqual([{ storeId, sku, available: 0, reason: "sold_out" }]);
    await api("PUT", `/v1/stores/${storeId}/skus/${sku}/sold-out`, { token: ADMIN, body: { soldOut: false } });
    expect((await reserve({ reservationId: unique("order"), channel: "online", items: [{ storeId, sku, qty: 2 }] })).status).toBe(201);
    await api("POST", `/v1/stores/${storeId}/skus/${sku}/adjustments`, { token: ADMIN, body: { delta: -1, reason: "damage" } });
    expect(await ask(sku)).toEqual([{ storeId, sku, available: 0, reason: "oversold" }]);
  });

  it("answers 404 for an unknown reservation on every route", async () => {
    const reservationId = unique("missing");
    for (const [method, suffix] of [["GET", ""], ["POST", "/confirm"], ["POST", "/release"]] as const) {
      const response = await api(method, `/v1/reservations/${reservationId}${suffix}`, { token: ADMIN });
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe("not_found");
    }
  });

  it("expires by its alarm: units go back, confirm is then a 409 and release is idempotent", async () => {
    const { storeId, sku } = await freshCell();
    const reservationId = unique("order");
    await reserve({ reservationId, channel: "online", ttlSeconds: 60, items: [{ storeId, sku, qty: 31 }] });
    expect((await readCell(storeId, sku)).reserved).toBe(31);

    const stub = reservationStub(env, reservationId);
    // The alarm is due in 60 s; running it early must not expire the reservation…
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await api("GET", `/v1/reservations/${reservationId}`, { token: ADMIN })).body.status).toBe("pending");

    // …but once its time has passed, it does: the units come back without anyone reading the reservation.
    await expireAndRunAlarm(reservationId);
    await eventually(() => readCell(storeId, sku), (cell) => cell.reserved === 0);
    expect(await readCell(storeId, sku)).toMatchObject({ reserved: 0, free: { shared: 30, channels: { online: 30, pos: 40 } } });
    const read = await api("GET", `/v1/reservations/${reservationId}`, { token: ADMIN });
    expect(read.body.status).toBe("expired");

    const confirm = await api("POST", `/v1/reservations/${reservationId}/confirm`, { token: ADMIN });
    expect(confirm.status).toBe(409);
    expect(confirm.body.error.details).toEqual({ status: "expired" });
    const release = await api("POST", `/v1/reservations/${reservationId}/release`, { token: ADMIN });
    expect(release.body).toEqual({ reservationId, status: "expired" });
  });

  it("keeps many reservations in one object, each expiring at its own time", async () => {
    const { storeId, sku } = await freshCell();
    // Two ids that hash to the same object.
    const first = unique("order");
    let second = unique("order");
    while (reservationStub(env, second).id.toString() !== reservationStub(env, first).id.toString()) second = unique("order");
    for (const reservationId of [first, second]) {
      expect((await reserve({ reservationId, channel: "online", ttlSeconds: 600, items: [{ storeId, sku, qty: 5 }] })).status).toBe(201);
    }
    await expireAndRunAlarm(first);
    await eventually(() => readCell(storeId, sku), (cell) => cell.reserved === 5);
    expect((await api("GET", `/v1/reservations/${first}`, { token: ADMIN })).body.status).toBe("expired");
    expect((await api("GET", `/v1/reservations/${second}`, { token: ADMIN })).body.status).toBe("pending");
    expect((await api("POST", `/v1/reservations/${second}/confirm`, { token: ADMIN })).body.status).toBe("confirmed");
    expect(await readCell(storeId, sku)).toMatchObject({ onHand: 95, reserved: 0 });
  });

  it("keeps every record of creations answered together, and its alarm at the earliest of their expiries", async () => {
    const { storeId, sku } = await freshCell();
    // An object of the shards' class of its own, so its alarm is this test's alone.
    const shard = env.RESERVATION.get(env.RESERVATION.idFromName(unique("shard")));
    const request = (reservationId: string, ttlSeconds: number) => ({ reservationId, channel: "online", ttlSeconds, items: [{ storeId, sku, qty: 1 }] });
    const first = unique("order");
    expect(await shard.create(request(first, 3_600))).toMatchObject({ ok: true, created: true });
    // Three creations at once: the cell answers their holds together, so their records are written together.
    const ttls = [1_800, 60, 600];
    const ids = ttls.map(() => unique("order"));
    const replies = await Promise.all(ids.map((reservationId, index) => shard.create(request(reservationId, ttls[index]!))));
    expect(replies.every((reply) => reply.ok && reply.created)).toBe(true);

    await evictDurableObject(shard);
    const { dues, alarm } = await runInDurableObject(shard, async (_instance, state) => ({
      dues: new Map(state.storage.sql.exec<{ id: string; due: number }>("SELECT id, due FROM reservations").toArray().map((row) => [row.id, row.due])),
      alarm: await state.storage.getAlarm(),
    }));
    expect([...dues.keys()].sort()).toEqual([first, ...ids].sort());
    const soonest = dues.get(ids[1]!)!;
    expect(Math.min(...dues.values())).toBe(soonest);
    expect(alarm).toBe(soonest);
    expect((await readCell(storeId, sku)).reserved).toBe(4);
  });
});

/** Moves the reservation's expiry into the past, then its shard restarts and runs its alarm. */
function expireAndRunAlarm(reservationId: string): Promise<void> {
  return runShardAlarmAfter(reservationId, (sql) => {
    const expiresAt = Date.now() - 1;
    patchReservationRow(sql, reservationId, { expiresAt: new Date(expiresAt).toISOString() }, expiresAt);
  });
}
