import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { StoreEvent } from "../../durable-objects/core";
import type { StockCell } from "../../durable-objects/stock-cell";
import { cellStub, hubStub } from "../../durable-objects/stubs";
import { ADMIN, allocate, api, eventually, freshCell, minutesFromNow, mint, putStore, readCell, reserve, sendEvents, unique } from "./helpers";

const sale = (sku: string, qty: number, at: string, eventId = unique("ev")) => ({ eventId, at, type: "sale", sku, qty });
const adjust = (sku: string, delta: number, at: string, reason = "receive", eventId = unique("ev")) => ({ eventId, at, type: "adjust", sku, delta, reason });
const count = (sku: string, onHand: number, at: string, eventId = unique("ev")) => ({ eventId, at, type: "set", sku, onHand });
const soldOut = (sku: string, value: boolean, at: string, eventId = unique("ev")) => ({ eventId, at, type: "soldOut", sku, value });

describe("offline replay (DOMAIN.md scenarios)", () => {
  it("applies relative events in any order, and the answer says so in order with the cell after", async () => {
    const { storeId, sku } = await freshCell();
    const response = await sendEvents(storeId, [sale(sku, 3, minutesFromNow(-10)), adjust(sku, 7, minutesFromNow(-50)), sale(sku, 2, minutesFromNow(-30))]);
    expect(response.status).toBe(200);
    expect(response.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(["applied", "applied", "applied"]);
    expect(response.body.cells).toHaveLength(1);
    expect(response.body.cells[0]).toMatchObject({ storeId, sku, onHand: 102 });
    expect((await readCell(storeId, sku)).onHand).toBe(102);
  });

  it("treats the same batch sent twice as duplicates and changes nothing", async () => {
    const { storeId, sku } = await freshCell();
    const batch = [sale(sku, 4, minutesFromNow(-5)), adjust(sku, -1, minutesFromNow(-4), "damage"), count(sku, 90, minutesFromNow(-3))];
    expect((await sendEvents(storeId, batch)).status).toBe(200);
    const before = await readCell(storeId, sku);
    const again = await sendEvents(storeId, batch);
    expect(again.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(["duplicate", "duplicate", "duplicate"]);
    expect(await readCell(storeId, sku)).toEqual(before);
  });

  it("answers an event sent twice in one batch as a duplicate, and refuses one id on two SKUs (event ids are store-unique)", async () => {
    const { storeId, sku } = await freshCell();
    const once = sale(sku, 3, minutesFromNow(-2));
    const twice = await sendEvents(storeId, [once, once]);
    expect(twice.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(["applied", "duplicate"]);
    expect((await readCell(storeId, sku)).onHand).toBe(97);

    const otherSku = unique("sku");
    await allocate(storeId, otherSku, { onHand: 100 });
    const reused = await sendEvents(storeId, [sale(sku, 1, minutesFromNow(-1), "shared-id"), sale(otherSku, 1, minutesFromNow(-1), "shared-id")]);
    expect(reused.status).toBe(400);
    expect(reused.body.error.details.issues).toEqual([expect.objectContaining({ path: "json.events.1.eventId" })]);
    expect((await readCell(storeId, sku)).onHand).toBe(97);
    expect((await readCell(storeId, otherSku)).onHand).toBe(100);
  });

  // Replays that reach a cell in the same turn are applied in one transaction: a later one
  // must see the events of an earlier one as seen. Called on the object itself, so both
  // calls are certain to join one commit.
  it("applies each event once when the same events reach the cell together in several calls", async () => {
    const { storeId, sku } = await freshCell();
    const key = { storeId, sku };
    const events = [sale(sku, 4, minutesFromNow(-5)), adjust(sku, 2, minutesFromNow(-4)), sale(sku, 1, minutesFromNow(-3))] as StoreEvent[];
    const replies = await runInDurableObject(cellStub(env, key), (cell: StockCell) =>
      Promise.all([cell.execute(key, { type: "replay", events }), cell.execute(key, { type: "replay", events: [...events].reverse() })]),
    );
    expect(replies.map((reply) => (reply.ok ? reply.outcomes?.map((outcome) => outcome.outcome) : reply.error))).toEqual([
      ["applied", "applied", "applied"],
      ["duplicate", "duplicate", "duplicate"],
    ]);
    expect((await readCell(storeId, sku)).onHand).toBe(100 - 4 + 2 - 1);
    // And once more later, from a new transaction.
    expect((await sendEvents(storeId, events)).body.results.map((r: { outcome: string }) => r.outcome)).toEqual(["duplicate", "duplicate", "duplicate"]);
  });

  it("compensates a stocktake with online sales confirmed after its time", async () => {
    const { storeId, sku } = await freshCell();
    const countedAt = minutesFromNow(-10);
    const reservationId = unique("order");
    expect((await reserve({ reservationId, channel: "online", items: [{ storeId, sku, qty: 5 }] })).status).toBe(201);
    await api("POST", `/v1/reservations/${reservationId}/confirm`, { token: ADMIN });
    expect((await readCell(storeId, sku)).onHand).toBe(95);

    // The store counted 80 ten minutes ago, before the online sale was confirmed: 80 − 5.
    const response = await sendEvents(storeId, [count(sku, 80, countedAt)]);
    expect(response.body.results[0].outcome).toBe("applied");
    expect((await readCell(storeId, sku)).onHand).toBe(75);
  });

  it("supersedes an older stocktake that arrives after a newer one, and sales the newer count already includes", async () => {
    const { storeId, sku } = await freshCell();
    await sendEvents(storeId, [count(sku, 60, minutesFromNow(-5))]);
    const response = await sendEvents(storeId, [count(sku, 70, minutesFromNow(-20)), sale(sku, 2, minutesFromNow(-15)), sale(sku, 1, minutesFromNow(-1))]);
    expect(response.body.results).toMatchObject([
      { outcome: "superseded", reason: "older_than_last_count" },
      { outcome: "superseded", reason: "counted_by_later_stocktake" },
      { outcome: "applied" },
    ]);
    expect((await readCell(storeId, sku)).onHand).toBe(59);
  });

  it("orders a sale one millisecond after a stocktake after it; finer times are refused whole (nothing applied), zeros past the millisecond are fine", async () => {
    const { storeId, sku } = await freshCell();
    const countedAt = minutesFromNow(-5);
    const justAfter = new Date(Date.parse(countedAt) + 1).toISOString();
    const finer = await sendEvents(storeId, [count(sku, 50, countedAt), sale(sku, 5, countedAt.replace(/Z$/, "5Z"))]);
    expect(finer.status).toBe(400);
    expect(finer.body.error.details.issues).toEqual([expect.objectContaining({ path: "json.events.1.at" })]);
    expect((await readCell(storeId, sku)).onHand).toBe(100);

    const response = await sendEvents(storeId, [sale(sku, 5, justAfter.replace(/Z$/, "000Z")), count(sku, 50, countedAt.replace(/Z$/, "000+00:00"))]);
    expect(response.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(["applied", "applied"]);
    expect((await readCell(storeId, sku)).onHand).toBe(45);
  });

  it("lets the latest sold-out decision win, whatever order the toggles arrive in", async () => {
    const { storeId, sku } = await freshCell();
    const response = await sendEvents(storeId, [soldOut(sku, true, minutesFromNow(-2)), soldOut(sku, false, minutesFromNow(-6))]);
    expect(response.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(["applied", "superseded"]);
    expect((await readCell(storeId, sku)).soldOut).toBe(true);
    // Refused online from the moment the event is applied.
    const refused = await reserve({ reservationId: unique("order"), channel: "online", items: [{ storeId, sku, qty: 1 }] });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.shortages[0]).toMatchObject({ available: 0, reason: "sold_out" });
    await sendEvents(storeId, [soldOut(sku, false, minutesFromNow(-1))]);
    expect((await readCell(storeId, sku)).soldOut).toBe(false);
  });

  it("counts a manager's sold-out PUT as a decision at server time, even when the flag already had that value", async () => {
    const { storeId, sku } = await freshCell();
    const put = (value: boolean) => api("PUT", `/v1/stores/${storeId}/skus/${sku}/sold-out`, { token: ADMIN, body: { soldOut: value } });
    // Not sold out, and the manager says so now: a till's older "sold out" arriving later is superseded.
    expect((await put(false)).status).toBe(200);
    const older = await sendEvents(storeId, [soldOut(sku, true, minutesFromNow(-10))]);
    expect(older.body.results[0]).toMatchObject({ outcome: "superseded", reason: "older_than_last_sold_out" });
    expect((await readCell(storeId, sku)).soldOut).toBe(false);

    // A till decision dated later than now (its clock ahead, within the skew allowed) stands against the manager's now.
    const later = soldOut(sku, true, minutesFromNow(4));
    expect((await sendEvents(storeId, [later])).body.results[0].outcome).toBe("applied");
    const overruled = await put(false);
    expect(overruled.status).toBe(409);
    expect(overruled.body.error).toMatchObject({ code: "conflict", details: { soldOut: true, eventId: later.eventId } });
    expect((await readCell(storeId, sku)).soldOut).toBe(true);
    // Saying what stands changes nothing and is not refused.
    expect((await put(true)).status).toBe(200);
  });

  it("rejects events from a clock too far ahead or older than the replay window, applying the rest", async () => {
    const { storeId, sku } = await freshCell();
    const response = await sendEvents(storeId, [sale(sku, 1, minutesFromNow(10)), sale(sku, 1, minutesFromNow(-8 * 24 * 60)), sale(sku, 1, minutesFromNow(-1))]);
    expect(response.body.results).toMatchObject([
      { outcome: "rejected", reason: "clock_skew" },
      { outcome: "rejected", reason: "too_old" },
      { outcome: "applied" },
    ]);
    expect((await readCell(storeId, sku)).onHand).toBe(99);
  });

  it("rejects events for a SKU the store never allocated", async () => {
    const { storeId } = await freshCell();
    const response = await sendEvents(storeId, [sale(unique("nosku"), 1, minutesFromNow(-1))]);
    expect(response.body.results[0]).toMatchObject({ outcome: "rejected", reason: "not_allocated" });
  });

  it("records an oversell when a replay oversells, refuses reservations, heals on a stocktake, and is resolved by a person", async () => {
    const { storeId, sku } = await freshCell({ onHand: 10 });
    const held = await reserve({ reservationId: unique("order"), channel: "online", items: [{ storeId, sku, qty: 8 }] });
    expect(held.status).toBe(201);

    const offlineSale = sale(sku, 5, minutesFromNow(-30));
    await sendEvents(storeId, [offlineSale]);
    expect(await readCell(storeId, sku)).toMatchObject({ onHand: 5, reserved: 8, oversold: true });

    const refused = await reserve({ reservationId: unique("order"), channel: "pos", items: [{ storeId, sku, qty: 1 }] });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.shortages[0].reason).toBe("oversold");

    const listed = await eventually(
      () => api("GET", `/v1/oversells?storeId=${storeId}`, { token: ADMIN }),
      (response) => response.body.items?.length === 1,
    );
    const record = listed.body.items[0];
    expect(record).toMatchObject({ storeId, sku, shortfall: 3, status: "open", healedAt: null, region: "eu-central" });
    expect(record.causes).toEqual([expect.objectContaining({ kind: "adjust", reason: "sale", delta: -offlineSale.qty, sourceEventId: offlineSale.eventId })]);

    // A stocktake heals the cell; the record stays open for a person.
    await sendEvents(storeId, [count(sku, 20, minutesFromNow(0))]);
    expect(await readCell(storeId, sku)).toMatchObject({ onHand: 20, reserved: 8, oversold: false });
    expect((await reserve({ reservationId: unique("order"), channel: "pos", items: [{ storeId, sku, qty: 1 }] })).status).toBe(201);
    await eventually(
      () => api("GET", `/v1/oversells?storeId=${storeId}&status=open`, { token: ADMIN }),
      (response) => response.body.items?.[0]?.healedAt !== null,
    );

    // The person resolving is named by the token they were given (minted with their name).
    const manager = await mint("manager", { regions: ["eu-central"], name: "Anna Weber" });
    const outsider = await mint("manager", { regions: ["na-east"] });
    expect((await api("POST", `/v1/oversells/${record.id}/resolve`, { token: outsider, body: { note: "not mine" } })).status).toBe(404);
    const resolved = await api("POST", `/v1/oversells/${record.id}/resolve`, { token: manager, body: { note: "counted again, shelf was mislabelled" } });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: "resolved", note: "counted again, shelf was mislabelled", resolvedBy: "Anna Weber (manager)" });
    expect((await api("GET", `/v1/oversells?storeId=${storeId}&status=open`, { token: manager })).body.items).toEqual([]);
    expect((await api("GET", `/v1/oversells?storeId=${storeId}&status=resolved`, { token: outsider })).status).toBe(403);
    expect((await api("GET", "/v1/oversells?status=resolved", { token: outsider })).body.items).not.toContainEqual(expect.objectContaining({ id: record.id }));
  });

  it("opens a resolved oversell again when the cell gets worse, and not when it heals", async () => {
    const { storeId, sku } = await freshCell({ onHand: 1 });
    await sendEvents(storeId, [sale(sku, 2, minutesFromNow(-3))]);
    const opened = await eventually(
      () => api("GET", `/v1/oversells?storeId=${storeId}&status=open`, { token: ADMIN }),
      (response) => response.body.items?.length === 1,
    );
    const id = opened.body.items[0].id;
    // A token minted without a name (here the admin credential) is named by its role.
    expect((await api("POST", `/v1/oversells/${id}/resolve`, { token: ADMIN, body: { note: "will count tomorrow" } })).body).toMatchObject({ status: "resolved", resolvedBy: "admin" });

    // Still short, and another sale makes it worse: a cause nobody has seen.
    const later = sale(sku, 5, minutesFromNow(-2));
    await sendEvents(storeId, [later]);
    const reopened = await eventually(
      () => api("GET", `/v1/oversells?storeId=${storeId}&status=open`, { token: ADMIN }),
      (response) => response.body.items?.length === 1,
    );
    expect(reopened.body.items[0]).toMatchObject({ id, status: "open", shortfall: 6, resolvedAt: null, resolvedBy: null, note: null });
    expect(reopened.body.items[0].causes.at(-1)).toMatchObject({ sourceEventId: later.eventId });

    // Resolved again, then healed by a count: it stays resolved.
    await api("POST", `/v1/oversells/${id}/resolve`, { token: ADMIN, body: { note: "counted" } });
    await sendEvents(storeId, [count(sku, 4, minutesFromNow(-1))]);
    const healed = await eventually(
      () => api("GET", `/v1/oversells?storeId=${storeId}`, { token: ADMIN }),
      (response) => response.body.items?.[0]?.healedAt != null,
    );
    expect(healed.body.items).toEqual([expect.objectContaining({ id, status: "resolved", note: "counted" })]);
  });
});

describe("event ids are store-unique", () => {
  it("an id a later batch sends again under another SKU is a duplicate and changes nothing", async () => {
    const { storeId, sku } = await freshCell({ onHand: 10 });
    const other = unique("sku");
    await allocate(storeId, other, { onHand: 10 });
    const eventId = unique("pos7");
    const first = await sendEvents(storeId, [sale(sku, 3, minutesFromNow(-1), eventId)]);
    expect(first.body.results).toEqual([{ eventId, sku, outcome: "applied" }]);
    const again = await sendEvents(storeId, [sale(other, 3, minutesFromNow(-1), eventId), sale(other, 1, minutesFromNow(-1))]);
    expect(again.status).toBe(200);
    expect(again.body.results[0]).toEqual({ eventId, sku: other, outcome: "duplicate", reason: "id_used_for_another_sku" });
    expect(again.body.results[1]).toMatchObject({ outcome: "applied" });
    expect((await readCell(storeId, sku)).onHand).toBe(7);
    expect((await readCell(storeId, other)).onHand).toBe(9);
    // And the first SKU's own resend stays its cell's duplicate.
    expect((await sendEvents(storeId, [sale(sku, 3, minutesFromNow(-1), eventId)])).body.results[0]).toEqual({ eventId, sku, outcome: "duplicate" });
    expect((await readCell(storeId, sku)).onHand).toBe(7);
  });

  it("an id rejected for one SKU (not allocated, too far ahead) applies when resent corrected under another", async () => {
    const { storeId, sku } = await freshCell({ onHand: 10 });
    const typo = unique("nosku");
    const eventId = unique("pos7");
    expect((await sendEvents(storeId, [sale(typo, 2, minutesFromNow(-1), eventId)])).body.results[0]).toMatchObject({ outcome: "rejected", reason: "not_allocated" });
    const corrected = await sendEvents(storeId, [sale(sku, 2, minutesFromNow(-1), eventId)]);
    expect(corrected.body.results[0]).toEqual({ eventId, sku, outcome: "applied" });
    expect((await readCell(storeId, sku)).onHand).toBe(8);
    // The claim moved with it: the typo's SKU sent again is now the duplicate.
    expect((await sendEvents(storeId, [sale(typo, 2, minutesFromNow(-1), eventId)])).body.results[0]).toMatchObject({ outcome: "duplicate", reason: "id_used_for_another_sku" });

    const other = unique("sku");
    await allocate(storeId, other, { onHand: 5 });
    const ahead = unique("pos7");
    expect((await sendEvents(storeId, [sale(other, 1, minutesFromNow(30), ahead)])).body.results[0]).toMatchObject({ outcome: "rejected", reason: "clock_skew" });
    expect((await sendEvents(storeId, [sale(sku, 1, minutesFromNow(-1), ahead)])).body.results[0]).toEqual({ eventId: ahead, sku, outcome: "applied" });
    expect((await readCell(storeId, sku)).onHand).toBe(7);
    expect((await readCell(storeId, other)).onHand).toBe(5);
  });

  it("an id two batches send at once under two SKUs applies once: the first SKU's copy still on its way is a duplicate", async () => {
    const { storeId, sku } = await freshCell({ onHand: 10 });
    const other = unique("sku");
    await allocate(storeId, other, { onHand: 10 });
    const eventId = unique("pos7");
    const at = minutesFromNow(-1);
    // The first batch has claimed the id at the hub, and its replay has not reached its cell yet.
    await hubStub(env, storeId).claimEvents(JSON.stringify([{ eventId, sku, at: new Date(at).toISOString() }]));
    // The second batch finds the id unjudged there, so it takes it and applies it.
    const second = await sendEvents(storeId, [sale(other, 4, at, eventId)]);
    expect(second.body.results).toEqual([{ eventId, sku: other, outcome: "applied" }]);
    // Then the first batch's replay arrives.
    const key = { storeId, sku };
    const late = await cellStub(env, key).execute(key, { type: "replay", events: [sale(sku, 3, at, eventId) as StoreEvent] });
    expect(late).toMatchObject({ ok: true, outcomes: [{ eventId, sku, outcome: "duplicate", reason: "id_used_for_another_sku" }] });
    expect((await readCell(storeId, sku)).onHand).toBe(10);
    expect((await readCell(storeId, other)).onHand).toBe(6);
    // Resent in full, each SKU's copy answers the same.
    expect((await sendEvents(storeId, [sale(sku, 3, at, eventId)])).body.results[0]).toMatchObject({ outcome: "duplicate", reason: "id_used_for_another_sku" });
    expect((await sendEvents(storeId, [sale(other, 4, at, eventId)])).body.results[0]).toEqual({ eventId, sku: other, outcome: "duplicate" });
  });
});

describe("paging oversells", () => {
  it("lists newest first; continues after the last record of the page before; a cursor no page gave is a 400, a resolved one still a cursor", async () => {
    // The older record's id sorts first as text (`store:aa…` < `store:zz…`): the listing is
    // by when each opened, not by id.
    const storeId = unique("store");
    await putStore(storeId);
    const [sku, second] = [unique("aa"), unique("zz")];
    for (const each of [sku, second]) await allocate(storeId, each, { onHand: 1 });
    await sendEvents(storeId, [sale(sku, 2, minutesFromNow(-2))]);
    const older = await eventually(
      () => api("GET", `/v1/oversells?storeId=${storeId}`, { token: ADMIN }),
      (response) => response.body.items?.length === 1,
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    await sendEvents(storeId, [sale(second, 3, minutesFromNow(-1))]);
    const all = await eventually(
      () => api("GET", `/v1/oversells?storeId=${storeId}`, { token: ADMIN }),
      (response) => response.body.items?.length === 2,
    );
    const ids = all.body.items.map((record: { id: string }) => record.id);
    expect(ids).toEqual([expect.stringContaining(second), older.body.items[0].id]);
    expect(all.body.items[0].openedAt > all.body.items[1].openedAt).toBe(true);
    // The reports' copy (Postgres) lists and pages in the same order.
    const report = await eventually(
      () => api("GET", `/v1/reports/oversells?storeId=${storeId}`, { token: ADMIN }),
      (response) => response.body.items?.length === 2,
    );
    expect(report.body.items.map((record: { id: string }) => record.id)).toEqual(ids);
    const reportFirst = await api("GET", `/v1/reports/oversells?storeId=${storeId}&limit=1`, { token: ADMIN });
    expect(reportFirst.body.items.map((record: { id: string }) => record.id)).toEqual([ids[0]]);
    const reportRest = await api("GET", `/v1/reports/oversells?storeId=${storeId}&limit=1&cursor=${encodeURIComponent(reportFirst.body.next)}`, { token: ADMIN });
    expect(reportRest.body).toMatchObject({ items: [expect.objectContaining({ id: ids[1] })], next: null });

    const first = await api("GET", `/v1/oversells?storeId=${storeId}&limit=1`, { token: ADMIN });
    expect(first.body.items.map((record: { id: string }) => record.id)).toEqual([ids[0]]);
    expect(first.body.next).toBe(ids[0]);
    // The record at the cursor is resolved between the pages: the open listing goes on from it.
    await api("POST", `/v1/oversells/${ids[0]}/resolve`, { token: ADMIN, body: { note: "counted" } });
    const next = await api("GET", `/v1/oversells?storeId=${storeId}&status=open&limit=1&after=${encodeURIComponent(first.body.next)}`, { token: ADMIN });
    expect(next.status).toBe(200);
    expect(next.body.items.map((record: { id: string }) => record.id)).toEqual([ids[1]]);

    const other = await freshCell();
    for (const after of ["garbage", "0", `${storeId}:${sku}:999999`, ids[0].replace(storeId, other.storeId)]) {
      const refused = await api("GET", `/v1/oversells?storeId=${storeId}&after=${encodeURIComponent(after)}`, { token: ADMIN });
      expect(refused.status, after).toBe(400);
      expect(refused.body.error.details.issues[0].path).toBe("query.after");
    }
    // Another store's record is no cursor of this store's listing.
    const elsewhere = await api("GET", `/v1/oversells?storeId=${other.storeId}&after=${encodeURIComponent(ids[0])}`, { token: ADMIN });
    expect(elsewhere.status).toBe(400);
  });
});

describe("store event batches: bad input changes nothing", () => {
  it("validates the whole batch before applying any event", async () => {
    const { storeId, sku } = await freshCell();
    const before = await readCell(storeId, sku);
    const cases: Array<[string, unknown[]]> = [
      ["one bad event among good ones", [sale(sku, 1, minutesFromNow(-1)), { ...sale(sku, 1, minutesFromNow(-1)), qty: -1 }]],
      ["unknown type", [sale(sku, 1, minutesFromNow(-1)), { eventId: "x1", at: minutesFromNow(-1), type: "teleport", sku }]],
      ["missing eventId", [{ at: minutesFromNow(-1), type: "sale", sku, qty: 1 }]],
      ["bad time", [{ ...sale(sku, 1, "yesterday") }]],
      ["extra field", [{ ...sale(sku, 1, minutesFromNow(-1)), price: 3 }]],
      ["empty batch", []],
      ["over the limit", Array.from({ length: 1001 }, () => sale(sku, 1, minutesFromNow(-1)))],
    ];
    for (const [name, events] of cases) {
      const response = await sendEvents(storeId, events);
      expect(response.status, name).toBe(400);
      expect(response.body.error.code, name).toBe("invalid_request");
    }
    expect(await readCell(storeId, sku)).toEqual(before);
  });

  it("refuses a store token for another store, and managers", async () => {
    const { storeId, sku } = await freshCell();
    const other = await mint("store", { stores: [unique("other")] });
    const manager = await mint("manager", { regions: ["eu-central"] });
    for (const token of [other, manager]) {
      const response = await sendEvents(storeId, [sale(sku, 1, minutesFromNow(-1))], token);
      expect(response.status).toBe(403);
    }
    const own = await mint("store", { stores: [storeId] });
    expect((await sendEvents(storeId, [sale(sku, 1, minutesFromNow(-1))], own)).status).toBe(200);
    expect((await readCell(storeId, sku)).onHand).toBe(99);
  });

  it("takes a batch of 1,000 events across many SKUs", async () => {
    const { storeId } = await freshCell();
    const skus = Array.from({ length: 20 }, () => unique("sku"));
    for (const sku of skus) await api("PUT", `/v1/stores/${storeId}/skus/${sku}`, { token: ADMIN, body: { onHand: 1000 } });
    const events = Array.from({ length: 1000 }, (_, i) => sale(skus[i % skus.length]!, 1, minutesFromNow(-1)));
    const response = await sendEvents(storeId, events);
    expect(response.status).toBe(200);
    expect(response.body.results).toHaveLength(1000);
    expect(response.body.results.every((r: { outcome: string }) => r.outcome === "applied")).toBe(true);
    expect(response.body.results.map((r: { eventId: string }) => r.eventId)).toEqual(events.map((e) => e.eventId));
    for (const cell of response.body.cells) expect(cell.onHand).toBe(950);
  });
});
