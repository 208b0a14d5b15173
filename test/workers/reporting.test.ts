import { and, asc, eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { cells, deadLetters, movements, reservations, stores } from "../../schema/db/tables";
import type { CellEvent } from "../../durable-objects/storage/cell-tables";
import type { InventoryMessage } from "../../workers/reporting/messages";
import { ADMIN, api, databaseFaults, deliver, eventually, freshCell, minutesFromNow, readCell, receiptEvent, reportingQuery, reserve, sendEvents, settledMovements, unique } from "./helpers";

/** A timestamp as Postgres gave it, as the ISO string it was sent as. */
const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());

function movementsOf(storeId: string, sku: string) {
  return reportingQuery((db) => db.select().from(movements).where(and(eq(movements.storeId, storeId), eq(movements.sku, sku))).orderBy(asc(movements.seq)));
}

afterEach(async () => {
  await databaseFaults({});
});

describe("outbox → queue → Postgres", () => {
  it("writes every change of a cell as a movement, the latest level, the reservations and the store", async () => {
    const { storeId, sku } = await freshCell();
    const kept = unique("order");
    const dropped = unique("order");
    await reserve({ reservationId: kept, channel: "online", items: [{ storeId, sku, qty: 3 }] });
    await api("POST", `/v1/reservations/${kept}/confirm`, { token: ADMIN });
    await reserve({ reservationId: dropped, channel: "pos", items: [{ storeId, sku, qty: 2 }] });
    await api("POST", `/v1/reservations/${dropped}/release`, { token: ADMIN });
    await api("POST", `/v1/stores/${storeId}/skus/${sku}/adjustments`, { token: ADMIN, body: { delta: 5, reason: "receive" } });
    await sendEvents(storeId, [{ eventId: unique("pos"), at: minutesFromNow(-1), type: "sale", sku, qty: 1 }]);

    const rows = await settledMovements(storeId, sku);
    expect(rows.map((row) => [row.seq, row.kind, row.onHandAfter, row.reservedAfter])).toEqual([
      [1, "allocate", 100, 0],
      [2, "hold", 100, 3],
      [3, "confirm", 97, 0],
      [4, "hold", 97, 2],
      [5, "release", 97, 0],
      [6, "adjust", 102, 0],
      [7, "adjust", 101, 0],
    ]);
    expect(rows[6]).toMatchObject({ reason: "sale", channel: "pos" });
    expect(rows.every((row) => row.eventId === `${storeId}/${sku}/${row.seq}`)).toBe(true);

    const cell = await readCell(storeId, sku);
    const [snapshot] = await reportingQuery((db) => db.select().from(cells).where(and(eq(cells.storeId, storeId), eq(cells.sku, sku))));
    expect(snapshot).toMatchObject({ version: cell.version, onHand: 101, reserved: 0, soldOut: false, oversold: false, shared: cell.free.shared });
    expect(snapshot!.quotas).toEqual({ online: 30, pos: 40 });

    const reservationRows = await reportingQuery((db) => db.select().from(reservations).where(eq(reservations.storeId, storeId)).orderBy(asc(reservations.createdAt)));
    expect(reservationRows.map((row) => [row.reservationId, row.status, row.qty, row.channel])).toEqual([
      [kept, "confirmed", 3, "online"],
      [dropped, "released", 2, "pos"],
    ]);
    const storeRows = await eventually(() => reportingQuery((db) => db.select().from(stores).where(eq(stores.storeId, storeId))), (found) => found.length === 1);
    expect(storeRows[0]).toMatchObject({ region: "eu-central", timezone: "Europe/Berlin" });
  });

  it("applies a redelivered batch once, and never lets a late old event overwrite a newer level (messages of either shape)", async () => {
    const storeId = unique("synthetic");
    const sku = unique("sku");
    const events = [1, 2, 3].map((seq) => receiptEvent(storeId, sku, seq, 10 + seq));
    const newestFirst = { kind: "cell-events", eventsJson: JSON.stringify([events[2]!]) } satisfies InventoryMessage;
    // The shape sent before the changes travelled as text: still in a queue after a deploy, or retried.
    const older = { kind: "cell-events", events: [events[0]!, events[1]!] } satisfies InventoryMessage;

    expect((await deliver("inventory-events", [newestFirst])).ackAll).toBe(true);
    expect((await deliver("inventory-events", [older, older])).ackAll).toBe(true);
    expect((await deliver("inventory-events", [newestFirst, older])).ackAll).toBe(true);

    const rows = await movementsOf(storeId, sku);
    expect(rows.map((row) => row.seq)).toEqual([1, 2, 3]);
    const [snapshot] = await reportingQuery((db) => db.select().from(cells).where(eq(cells.storeId, storeId)));
    expect(snapshot).toMatchObject({ version: 3, onHand: 13 });
  });

  it("follows a reservation's latest attempt in a cell whatever order its events arrive in, and merges redeliveries", async () => {
    const storeId = unique("synthetic");
    const sku = unique("sku");
    const reservationId = unique("order");
    const at = (second: number) => new Date(Date.UTC(2026, 10, 24, 10, 0, second)).toISOString();
    const holdEvent = (seq: number, fields: Partial<CellEvent>): CellEvent => ({ ...receiptEvent(storeId, sku, seq, 10), reservationId, delta: undefined, reason: undefined, at: at(seq), ...fields });
    const firstHold = holdEvent(1, { kind: "hold", attempt: 1, qty: 1, channel: "online", expiresAt: at(100) });
    const firstUndo = holdEvent(2, { kind: "release", attempt: 1, qty: 1, channel: "online", reason: "abandoned" });
    const secondHold = holdEvent(3, { kind: "hold", attempt: 2, qty: 3, channel: "pos", expiresAt: at(200) });
    const secondConfirm = holdEvent(4, { kind: "confirm", attempt: 2, qty: 3, channel: "pos" });
    const message = (...events: CellEvent[]) => ({ kind: "cell-events", events }) satisfies InventoryMessage;
    const row = async () => (await reportingQuery((db) => db.select().from(reservations).where(eq(reservations.reservationId, reservationId))));

    // The first attempt alone: abandoned (never a reservation).
    expect((await deliver("inventory-events", [message(firstHold, firstUndo)])).ackAll).toBe(true);
    expect(await row()).toEqual([expect.objectContaining({ attempt: 1, status: "abandoned", qty: 1 })]);
    // The second attempt's confirm before its hold, then the first attempt again: the second attempt's row.
    expect((await deliver("inventory-events", [message(secondConfirm)])).ackAll).toBe(true);
    expect((await deliver("inventory-events", [message(firstHold, firstUndo), message(secondHold)])).ackAll).toBe(true);
    const expected = { attempt: 2, status: "confirmed", qty: 3, channel: "pos", createdAt: at(3), expiresAt: at(200), endedAt: at(4) };
    const normalised = (rows: Awaited<ReturnType<typeof row>>) =>
      rows.map((found) => ({ ...found, createdAt: iso(found.createdAt), expiresAt: iso(found.expiresAt), endedAt: iso(found.endedAt) }));
    expect(normalised(await row())).toEqual([expect.objectContaining(expected)]);
    // Everything at once, in one batch and in any order: the same row.
    expect((await deliver("inventory-events", [message(secondConfirm, firstHold), message(secondHold, firstUndo)])).ackAll).toBe(true);
    expect(normalised(await row())).toEqual([expect.objectContaining(expected)]);
  });

  it("retries a batch when Postgres fails, and applies it once it is back", async () => {
    const storeId = unique("synthetic");
    const sku = unique("sku");
    const message = { kind: "cell-events", events: [receiptEvent(storeId, sku, 1, 5)] } satisfies InventoryMessage;
    await databaseFaults({ down: true });
    const failed = await deliver("inventory-events", [message]);
    expect(failed.ackAll).toBe(false);
    expect(failed.retryBatch.retry).toBe(true);

    await databaseFaults({});
    expect((await deliver("inventory-events", [message])).ackAll).toBe(true);
    expect(await movementsOf(storeId, sku)).toHaveLength(1);
  });

  it("retries a whole batch when the database cannot be reached, without trying its messages one by one", async () => {
    const storeId = unique("synthetic");
    const messages = [1, 2, 3].map((seq) => ({ kind: "cell-events", events: [receiptEvent(storeId, `sku${seq}`, 1, 5)] }) satisfies InventoryMessage);
    await databaseFaults({ down: true });
    const failed = await deliver("inventory-events", messages);
    expect(failed.ackAll).toBe(false);
    expect(failed.retryBatch.retry).toBe(true);
    expect(failed.explicitAcks).toEqual([]);
    expect(failed.retryMessages).toEqual([]);
  });

  it("writes a cell's level after the rest of its batch: a batch refused halfway leaves its snapshot behind (lagging), never ahead of its ledger", async () => {
    const storeId = unique("halfway");
    const sku = "milk";
    const name = storeId.replace(/[^a-z0-9]/g, "_");
    // Postgres refuses this store's movements (a trigger of this test alone: the database is shared).
    await reportingQuery((db) =>
      db.execute(
        sql.raw(`CREATE FUNCTION refuse_${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.store_id = '${storeId}' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$;
          CREATE TRIGGER refuse_${name} BEFORE INSERT ON movements FOR EACH ROW EXECUTE FUNCTION refuse_${name}();`),
      ),
    );
    const message = { kind: "cell-events", events: [receiptEvent(storeId, sku, 1, 5), receiptEvent(storeId, sku, 2, 6)] } satisfies InventoryMessage;
    try {
      const refused = await deliver("inventory-events", [message]);
      expect(refused.ackAll).toBe(false);
      expect(await movementsOf(storeId, sku)).toEqual([]);
      expect(await reportingQuery((db) => db.select().from(cells).where(and(eq(cells.storeId, storeId), eq(cells.sku, sku))))).toEqual([]);
    } finally {
      await reportingQuery((db) => db.execute(sql.raw(`DROP TRIGGER refuse_${name} ON movements; DROP FUNCTION refuse_${name}();`)));
    }
    expect((await deliver("inventory-events", [message])).ackAll).toBe(true);
    expect((await movementsOf(storeId, sku)).map((row) => row.seq)).toEqual([1, 2]);
    expect(await reportingQuery((db) => db.select({ version: cells.version }).from(cells).where(and(eq(cells.storeId, storeId), eq(cells.sku, sku))))).toEqual([{ version: 2 }]);
  });

  it("writes the other messages of a batch when Postgres refuses one, which alone waits for its retry", async () => {
    const storeId = unique("split");
    const good = { kind: "cell-events", events: [receiptEvent(storeId, "good", 1, 5)] } satisfies InventoryMessage;
    // A level past bigint: Postgres refuses the row, and so the whole batch's statement.
    const refused = { kind: "cell-events", events: [receiptEvent(storeId, "refused", 1, 1e20)] } satisfies InventoryMessage;
    const also = { kind: "cell-events", eventsJson: JSON.stringify([receiptEvent(storeId, "also", 1, 7)]) } satisfies InventoryMessage;
    const result = await deliver("inventory-events", [good, refused, also]);
    expect(result.ackAll).toBe(false);
    expect(result.retryBatch.retry).toBe(false);
    expect(result.explicitAcks.length).toBe(2);
    expect(result.retryMessages.length).toBe(1);
    expect(await movementsOf(storeId, "good")).toHaveLength(1);
    expect(await movementsOf(storeId, "also")).toHaveLength(1);
    expect(await movementsOf(storeId, "refused")).toHaveLength(0);
  });

  it("keeps dead-lettered messages where an admin can see them, the changes readable as objects", async () => {
    const storeId = unique("dead");
    const event = receiptEvent(storeId, "x", 1, 1);
    const body = { kind: "cell-events", eventsJson: JSON.stringify([event]) } satisfies InventoryMessage;
    expect((await deliver("inventory-events-dlq", [body])).ackAll).toBe(true);
    const rows = await reportingQuery((db) => db.select().from(deadLetters));
    expect(rows.find((row) => JSON.stringify(row.body).includes(storeId))?.body).toEqual({ kind: "cell-events", events: [event] });
    const report = await api("GET", "/v1/reports/dead-letters?limit=1000", { token: ADMIN });
    expect(report.status).toBe(200);
    expect(JSON.stringify(report.body.items)).toContain(storeId);
  });

  it("keeps a dead letter and a store row whatever text they hold: what Postgres cannot store becomes U+FFFD", async () => {
    // Names like these are refused by the API now; one stored before that must not stop the reports.
    const storeId = unique("odd-name");
    const store = { storeId, name: "a\u0000b\ud800c\ud83d\ude00", region: "oceania", covers: [], timezone: "UTC", priority: 100, updatedAt: new Date().toISOString() };
    const body = { kind: "stores", stores: [store] } satisfies InventoryMessage;
    expect((await deliver("inventory-events-dlq", [body])).ackAll).toBe(true);
    const dead = await reportingQuery((db) => db.select().from(deadLetters));
    expect(dead.find((row) => JSON.stringify(row.body).includes(storeId))?.body).toEqual({ kind: "stores", stores: [{ ...store, name: "a\ufffdb\ufffdc\ud83d\ude00" }] });

    expect((await deliver("inventory-events", [body])).ackAll).toBe(true);
    const [row] = await reportingQuery((db) => db.select().from(stores).where(eq(stores.storeId, storeId)));
    expect(row?.name).toBe("a\ufffdb\ufffdc\ud83d\ude00");
  });
});

describe("with the reporting database down", () => {
  it("keeps taking reservations and store events; when it returns every event arrives once and reconciliation is clean", async () => {
    const { storeId, sku } = await freshCell();
    await settledMovements(storeId, sku);
    await databaseFaults({ down: true });

    const orders = Array.from({ length: 5 }, () => unique("order"));
    for (const reservationId of orders) {
      expect((await reserve({ reservationId, channel: "online", items: [{ storeId, sku, qty: 1 }] })).status).toBe(201);
    }
    expect((await api("POST", `/v1/reservations/${orders[0]}/confirm`, { token: ADMIN })).status).toBe(200);
    const batch = await sendEvents(storeId, [{ eventId: unique("pos"), at: minutesFromNow(-2), type: "sale", sku, qty: 2 }]);
    expect(batch.body.results[0].outcome).toBe("applied");
    // Reports say the database is unavailable, in the API's error shape; the log says so as a
    // warning, not as an unhandled error (an outage is not a bug).
    const errors = vi.spyOn(console, "error");
    const warnings = vi.spyOn(console, "warn");
    try {
      const unavailable = await api("GET", `/v1/reports/stock?storeId=${storeId}`, { token: ADMIN });
      expect(unavailable.status).toBe(503);
      expect(unavailable.body.error.code).toBe("unavailable");
      expect(unavailable.headers.get("retry-after")).toBe("10");
      const logged = (spy: typeof errors) => spy.mock.calls.map((call) => String(call[0]));
      const unhandled = () => logged(errors).filter((line) => line.includes("unhandled error"));
      const warnedFor = (answer: { headers: Headers }) =>
        logged(warnings).filter((line) => line.includes("reporting database failed") && line.includes(answer.headers.get("x-request-id")!));
      expect(unhandled()).toEqual([]);
      expect(warnedFor(unavailable)).toHaveLength(1);
      // So does an admin's reconciliation, which reads the reporting side first.
      const reconcileDown = await api("POST", "/v1/admin/reconcile", { token: ADMIN, body: { storeIds: [storeId] } });
      expect(reconcileDown.status).toBe(503);
      expect(reconcileDown.body.error.code).toBe("unavailable");
      expect(reconcileDown.headers.get("retry-after")).toBe("10");
      expect(warnedFor(reconcileDown)).toHaveLength(1);
      expect(unhandled()).toEqual([]);
    } finally {
      errors.mockRestore();
      warnings.mockRestore();
    }

    await databaseFaults({});
    const rows = await settledMovements(storeId, sku);
    expect(new Set(rows.map((row) => row.eventId)).size).toBe(rows.length);
    const run = await api("POST", "/v1/admin/reconcile", { token: ADMIN, body: { storeIds: [storeId] } });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ clean: true, cellsChecked: 1, differences: [] });
  });
});

describe("reconciliation", () => {
  it("records every difference between a cell and the reporting database", async () => {
    const { storeId, sku } = await freshCell();
    await settledMovements(storeId, sku);
    await api("POST", `/v1/stores/${storeId}/skus/${sku}/adjustments`, { token: ADMIN, body: { delta: 1, reason: "receive" } });
    await settledMovements(storeId, sku);
    const clean = await api("POST", "/v1/admin/reconcile", { token: ADMIN, body: { storeIds: [storeId] } });
    expect(clean.body).toMatchObject({ clean: true, differences: [] });

    // Damage the reporting side by hand: a wrong snapshot and a lost movement.
    await reportingQuery((db) => db.update(cells).set({ onHand: 7 }).where(and(eq(cells.storeId, storeId), eq(cells.sku, sku))));
    await reportingQuery((db) => db.delete(movements).where(eq(movements.eventId, `${storeId}/${sku}/2`)));

    const run = await api("POST", "/v1/admin/reconcile", { token: ADMIN, body: { storeIds: [storeId] } });
    expect(run.body.clean).toBe(false);
    expect(run.body.differences).toEqual([
      expect.objectContaining({ storeId, sku, kind: "snapshot_mismatch" }),
      expect.objectContaining({ storeId, sku, kind: "ledger_gap", expected: "2 movements", actual: "1 movements" }),
    ]);
    const history = await api("GET", "/v1/reports/reconciliation?limit=5", { token: ADMIN });
    expect(history.body.items.find((item: { id: string }) => item.id === run.body.runId)).toMatchObject({ clean: false, differences: 2 });
  });
});
