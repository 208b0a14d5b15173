import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { historyCutoffs, holdIdOf } from "../../durable-objects/core";
import { forgetHistory } from "../../durable-objects/storage/cell-history";
import { cellStub } from "../../durable-objects/stubs";
import { ADMIN, ageSettledReservation, api, damage, eventually, freshCell, onCell, readCell, reserve, sendEvents, unique } from "./helpers";

const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

const column = <T extends SqlStorageValue>(sql: SqlStorage, query: string, name: string) =>
  sql.exec<Record<string, T>>(query).toArray().map((row) => row[name]);

async function confirmed(storeId: string, sku: string) {
  const reservationId = unique("order");
  expect((await reserve({ reservationId, channel: "online", items: [{ storeId, sku, qty: 1 }] })).status).toBe(201);
  expect((await api("POST", `/v1/reservations/${reservationId}/confirm`, { token: ADMIN })).status).toBe(200);
  return reservationId;
}

describe("a cell forgets the history no rule reads any more (forgetHistory)", () => {
  it("forgets old judged store events, old ledger rows out of the outbox and long-ended holds, and keeps the rest", async () => {
    const { storeId, sku } = await freshCell();
    const oldOrder = await confirmed(storeId, sku);
    const youngOrder = await confirmed(storeId, sku);
    const heldOrder = unique("order");
    expect((await reserve({ reservationId: heldOrder, channel: "online", items: [{ storeId, sku, qty: 1 }] })).status).toBe(201);
    const [oldEvent, youngEvent] = [unique("pos"), unique("pos")];
    const at = new Date().toISOString();
    const replay = await sendEvents(storeId, [
      { eventId: oldEvent, at, type: "sale", sku, qty: 1 },
      { eventId: youngEvent, at, type: "sale", sku, qty: 1 },
    ]);
    expect(replay.status).toBe(200);

    const result = await onCell(storeId, sku, (sql) => {
      // As if time had passed (it cannot be faked inside workerd): the old rows are aged.
      sql.exec("UPDATE holds SET updated_at = ? WHERE reservation_id IN (?, ?)", daysAgo(40), oldOrder, heldOrder);
      sql.exec("UPDATE store_events SET at = ? WHERE event_id = ?", daysAgo(10), oldEvent);
      sql.exec("UPDATE ledger SET at = ?, effective_at = ? WHERE seq <= 4", daysAgo(10), daysAgo(10));
      // Versions 1–3 are delivered and pruned from the outbox; version 4 is old but still there.
      sql.exec("DELETE FROM outbox WHERE seq <= 3");
      const more = forgetHistory(sql, historyCutoffs(Date.now()));
      return {
        more,
        holds: column<string>(sql, "SELECT reservation_id FROM holds ORDER BY rowid", "reservation_id"),
        events: column<string>(sql, "SELECT event_id FROM store_events ORDER BY rowid", "event_id"),
        ledger: column<number>(sql, "SELECT seq FROM ledger ORDER BY seq", "seq"),
      };
    });
    expect(result.more).toBe(false);
    // The confirmed hold ended long ago goes; a young ended one and a held one (however old) stay.
    expect(result.holds).toEqual([youngOrder, heldOrder]);
    expect(result.events).toEqual([youngEvent]);
    expect(result.ledger).toEqual([4, 5, 6, 7, 8]);

    // The cell itself is unchanged, and a repeated young event is still a duplicate.
    expect(await readCell(storeId, sku)).toMatchObject({ onHand: 96, reserved: 1, version: 8 });
    const again = await sendEvents(storeId, [{ eventId: youngEvent, at, type: "sale", sku, qty: 1 }]);
    expect(again.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(["duplicate"]);
  });

  it("forgets a batch per table at a time and says when more may wait", async () => {
    const { storeId, sku } = await freshCell();
    const at = new Date().toISOString();
    const events = Array.from({ length: 5 }, (_, index) => ({ eventId: unique(`pos${index}`), at, type: "adjust", sku, delta: 1, reason: "receive" }));
    expect((await sendEvents(storeId, events)).status).toBe(200);
    const rounds = await onCell(storeId, sku, (sql) => {
      sql.exec("UPDATE store_events SET at = ?", daysAgo(10));
      const left = () => sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM store_events").one().n;
      const cutoffs = historyCutoffs(Date.now());
      return [1, 2, 3].map(() => ({ more: forgetHistory(sql, cutoffs, 2), left: left() }));
    });
    expect(rounds).toEqual([
      { more: true, left: 3 },
      { more: true, left: 1 },
      { more: false, left: 0 },
    ]);
  });

  it("runs after a delivery once the cell has started, so an old cell sheds what it kept", async () => {
    const { storeId, sku } = await freshCell();
    await confirmed(storeId, sku);
    await onCell(storeId, sku, (sql) => {
      sql.exec("UPDATE holds SET updated_at = ?", daysAgo(40));
    });
    // A restart: the next delivery's cursor save forgets at once.
    await evictDurableObject(cellStub(env, { storeId, sku }));
    await damage(storeId, sku);
    await eventually(
      () => onCell(storeId, sku, (sql) => column<string>(sql, "SELECT reservation_id FROM holds", "reservation_id")),
      (holds) => holds.length === 0,
    );
    expect(await readCell(storeId, sku)).toMatchObject({ onHand: 98, reserved: 0 });
  });

  it("lets a forgotten reservation's id hold afresh under its first attempt once the cell forgot its hold", async () => {
    const { storeId, sku } = await freshCell();
    const reservationId = await confirmed(storeId, sku);
    const firstHold = holdIdOf({ reservationId, attempt: 1 });

    // 31 days on: the reservation is forgotten by its shard ...
    await ageSettledReservation(reservationId, 31);
    expect((await api("GET", `/v1/reservations/${reservationId}`, { token: ADMIN })).status).toBe(404);
    // ... and, a day later, the cell its confirmed hold.
    await onCell(storeId, sku, (sql) => {
      sql.exec("UPDATE holds SET updated_at = ? WHERE hold_id = ?", daysAgo(32), firstHold);
      forgetHistory(sql, historyCutoffs(Date.now()));
    });

    expect((await reserve({ reservationId, channel: "online", items: [{ storeId, sku, qty: 2 }] })).status).toBe(201);
    const holds = await onCell(storeId, sku, (sql) =>
      sql.exec<{ hold_id: string; status: string; qty: number }>("SELECT hold_id, status, qty FROM holds").toArray(),
    );
    expect(holds).toEqual([{ hold_id: firstHold, status: "held", qty: 2 }]);
    // The first use's sale stays sold.
    expect(await readCell(storeId, sku)).toMatchObject({ onHand: 99, reserved: 2 });
  });
});
