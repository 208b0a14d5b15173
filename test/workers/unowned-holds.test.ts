import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { reservationStub } from "../../durable-objects/stubs";
import { ADMIN, api, freshCell, holdWithoutRecord, readCell, reserve, setClock, unique } from "./helpers";

/**
 * A creation is written down once, when every cell held. A restart before that leaves
 * holds no record owns (the client never had an answer). These tests leave exactly such a
 * hold in a cell (the hold command a creation's first attempt sends) and check that the
 * client's retry takes it as its own, or the sweep releases it, and nothing else moves.
 */
const sweep = (olderThanSeconds = 0) => api("POST", "/v1/admin/holds/sweep", { token: ADMIN, body: { olderThanSeconds } });

function recordRows(reservationId: string): Promise<number> {
  return runInDurableObject(reservationStub(env, reservationId), (_instance, state) =>
    state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM reservations WHERE id = ?", reservationId).one().n,
  );
}

describe("holds no reservation owns", () => {
  it("are released by the sweep; holds a reservation owns stay", async () => {
    const cell = await freshCell();
    const owned = unique("owned");
    expect((await reserve({ reservationId: owned, channel: "online", items: [{ ...cell, qty: 2 }] })).status).toBe(201);
    const lost = unique("lost");
    await holdWithoutRecord(cell, lost, 3);
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(5);

    // A young hold is left to a later sweep (its creation may be under way).
    expect((await sweep(60)).body.released).toBe(0);
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(5);

    const swept = await sweep();
    expect(swept.status).toBe(200);
    expect(swept.body.released).toBeGreaterThanOrEqual(1);
    expect(swept.body.failed).toBe(0);
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(2);
    expect((await api("GET", `/v1/reservations/${lost}`, { token: ADMIN })).status).toBe(404);
    expect((await api("GET", `/v1/reservations/${owned}`, { token: ADMIN })).body.status).toBe("pending");
    // Nothing left to release.
    expect((await sweep()).body.released).toBe(0);
  });

  it("a retry takes the lost attempt's hold as its own: held once, 201", async () => {
    const cell = await freshCell();
    const reservationId = unique("retried");
    await holdWithoutRecord(cell, reservationId, 3);
    const retried = await reserve({ reservationId, channel: "online", items: [{ ...cell, qty: 3 }] });
    expect(retried.status).toBe(201);
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(3);
    await sweep();
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(3);
    expect((await api("POST", `/v1/reservations/${reservationId}/release`, { token: ADMIN })).status).toBe(200);
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(0);
  });

  it("a retry with other content gives the lost attempt's hold back and holds under the next attempt", async () => {
    const cell = await freshCell();
    const reservationId = unique("changed");
    await holdWithoutRecord(cell, reservationId, 2);
    const retried = await reserve({ reservationId, channel: "online", items: [{ ...cell, qty: 3 }] });
    expect(retried.status).toBe(201);
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(3);
    await sweep();
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(3);
    expect((await api("GET", `/v1/reservations/${reservationId}`, { token: ADMIN })).body.status).toBe("pending");
    expect((await api("POST", `/v1/reservations/${reservationId}/confirm`, { token: ADMIN })).status).toBe(200);
    expect(await readCell(cell.storeId, cell.sku)).toMatchObject({ onHand: 97, reserved: 0 });
  });

  it("a retry after a lost attempt's holds were released holds afresh", async () => {
    const a = await freshCell();
    const b = await freshCell();
    const reservationId = unique("ended");
    await holdWithoutRecord(a, reservationId, 1);
    await sweep();
    await holdWithoutRecord(b, reservationId, 4);
    const items = [
      { ...a, qty: 1 },
      { ...b, qty: 4 },
    ];
    const retried = await reserve({ reservationId, channel: "online", items });
    expect(retried.status).toBe(201);
    expect((await readCell(a.storeId, a.sku)).reserved).toBe(1);
    expect((await readCell(b.storeId, b.sku)).reserved).toBe(4);
    // The retry gave the lost attempt's hold in b back and held both under its next attempt: a sweep moves nothing.
    await sweep();
    expect((await readCell(a.storeId, a.sku)).reserved).toBe(1);
    expect((await readCell(b.storeId, b.sku)).reserved).toBe(4);
  });

  it("a refused creation writes no record and holds nothing; the same id may be tried again", async () => {
    const a = await freshCell();
    const b = await freshCell();
    const reservationId = unique("refused");
    const refused = await reserve({ reservationId, channel: "online", items: [{ ...a, qty: 2 }, { ...b, qty: 61 }] });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("insufficient_stock");
    expect(await recordRows(reservationId)).toBe(0);
    expect((await readCell(a.storeId, a.sku)).reserved).toBe(0);
    expect((await api("GET", `/v1/reservations/${reservationId}`, { token: ADMIN })).status).toBe(404);

    const again = await reserve({ reservationId, channel: "online", items: [{ ...a, qty: 2 }, { ...b, qty: 30 }] });
    expect(again.status).toBe(201);
    expect(await recordRows(reservationId)).toBe(1);
    expect((await readCell(a.storeId, a.sku)).reserved).toBe(2);
    expect((await readCell(b.storeId, b.sku)).reserved).toBe(30);
  });

  it("a sweep running alongside creations never releases what they hold", async () => {
    const cell = await freshCell();
    const ids = Array.from({ length: 24 }, () => unique("busy"));
    const [answers] = await Promise.all([
      Promise.all(ids.map((reservationId) => reserve({ reservationId, channel: "online", items: [{ ...cell, qty: 1 }] }))),
      Promise.all(Array.from({ length: 6 }, () => sweep())),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual(ids.map(() => 201));
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(24);
    await sweep();
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(24);
  });

  it("local mode's tick releases them too, once they are older than the cron's sweep age by the service's clock", async () => {
    const cell = await freshCell();
    const owned = unique("tick-owned");
    expect((await reserve({ reservationId: owned, channel: "online", items: [{ ...cell, qty: 1 }] })).status).toBe(201);
    await holdWithoutRecord(cell, unique("tick-lost"), 4);
    const tick = () => api("POST", "/v1/admin/local/tick", { token: ADMIN });

    const young = await tick();
    expect(young.status).toBe(200);
    expect(young.body.unownedHoldsReleased).toBe(0);
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(5);
    try {
      await setClock({ advanceSeconds: 61 });
      const old = await tick();
      expect(old.body.unownedHoldsReleased).toBeGreaterThanOrEqual(1);
      expect(old.body.expired).toEqual([]);
      expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(1);
      expect((await api("GET", `/v1/reservations/${owned}`, { token: ADMIN })).body.status).toBe("pending");
    } finally {
      await setClock({ offsetSeconds: 0 });
    }
  });
});
