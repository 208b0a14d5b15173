import { SELF, env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { StockCell } from "../../durable-objects/stock-cell";
import type { StoreHub } from "../../durable-objects/store-hub";
import { eventsOf, type CellEventsMessage } from "../../durable-objects/storage/report-sender";
import { outboxPageAfter, type CellEvent } from "../../durable-objects/storage/cell-tables";
import { cellStub, hubStub } from "../../durable-objects/stubs";
import { LIVE_TOKEN_EXPIRED_CLOSE } from "../../schema/live";
import { ADMIN, allocate, api, damage, eventually, feedChanges, freshCell, interceptHubQueue, minutesFromNow, mint, putStore, readCell, reserve, sendEvents, unique } from "./helpers";

interface LiveSocket {
  messages: Array<{ type: string; cursor?: number; change?: { cursor: number; sku: string; kind: string; onHand: number; version: number } }>;
  close(): void;
}

async function openLive(storeId: string, query: string, headers: Record<string, string> = { authorization: `Bearer ${ADMIN}` }) {
  const response = await SELF.fetch(`http://inventory.test/v1/stores/${storeId}/live${query}`, { headers: { upgrade: "websocket", ...headers } });
  return response;
}

async function connect(storeId: string, query = ""): Promise<LiveSocket> {
  const response = await openLive(storeId, query);
  expect(response.status).toBe(101);
  const socket = response.webSocket!;
  const messages: LiveSocket["messages"] = [];
  socket.addEventListener("message", (event) => void messages.push(JSON.parse(event.data as string)));
  socket.accept();
  return { messages, close: () => socket.close(1000, "done") };
}

/** The feed as `sku@version`, in order. */
const feedOf = async (storeId: string) => (await feedChanges(storeId)).map((change) => `${change.sku}@${change.version}`);

const outboxOf = (storeId: string, sku: string) =>
  runInDurableObject(cellStub(env, { storeId, sku }), (_cell: StockCell, state) => outboxPageAfter(state.storage.sql, 0, 100).lines.map((line) => JSON.parse(line) as CellEvent));

/** The next `n` changes of a cell after `events`, as its outbox would send them (for the hub's repeat handling). */
const nextEvents = (storeId: string, events: CellEvent[], n: number): CellEvent[] =>
  Array.from({ length: n }, (_, i) => {
    const seq = events.at(-1)!.seq + 1 + i;
    return { ...events.at(-1)!, seq, eventId: `${storeId}/${events.at(-1)!.sku}/${seq}` };
  });

/** Changes as a cell's outbox stores them and sends them to its hub. */
const asStored = (events: CellEvent[]) => events.map((event) => JSON.stringify(event));

/** A store with two SKUs of 10, each damaged `damaged` times, once the hub's feed holds every change. */
async function twoDeliveredSkus(damaged: number) {
  const storeId = unique("store");
  await putStore(storeId);
  const [a, b] = [unique("sku"), unique("sku")];
  for (const sku of [a, b]) {
    await allocate(storeId, sku, { onHand: 10 });
    for (let i = 0; i < damaged; i++) await damage(storeId, sku);
  }
  const feed = await eventually(() => feedOf(storeId), (changes) => changes.length === 2 * (1 + damaged));
  const [eventsA, eventsB] = [await outboxOf(storeId, a), await outboxOf(storeId, b)];
  return { storeId, a, b, feed, eventsA, eventsB, cellA: await readCell(storeId, a), hub: hubStub(env, storeId) };
}

/** Records the hub's sends to the (real) reporting queue; `refuse` makes them fail instead. */
function watchQueue(instance: StoreHub) {
  const sends = Object.assign([] as CellEventsMessage[][], { refuse: false });
  interceptHubQueue(instance, (messages, forward) => {
    if (sends.refuse) return Promise.reject(new Error("queue unavailable (injected)"));
    sends.push(messages.map((message) => message.body as CellEventsMessage));
    return forward(messages);
  });
  return sends;
}

const changesOf = (socket: LiveSocket) => socket.messages.filter((message) => message.type === "change").map((message) => message.change!);

describe("changes down to stores", () => {
  it("serves the whole store's stock in one call with the feed cursor", async () => {
    const storeId = unique("store");
    await putStore(storeId);
    const skus = Array.from({ length: 12 }, (_, i) => `sku-${String(i).padStart(2, "0")}`);
    for (const sku of skus) await allocate(storeId, sku, { onHand: 10 });
    const stock = await eventually(
      () => api("GET", `/v1/stores/${storeId}/stock`, { token: ADMIN }),
      (response) => response.body.items?.length === skus.length,
    );
    expect(stock.body.items.map((cell: { sku: string }) => cell.sku)).toEqual(skus);
    expect(stock.body.items[0]).toMatchObject({ storeId, onHand: 10, reserved: 0 });
    expect(stock.body.cursor).toBeGreaterThanOrEqual(skus.length);
  });

  it("lists every change after a cursor in order, pages, and answers 410 for a cursor the feed no longer keeps", async () => {
    const { storeId, sku } = await freshCell();
    await sendEvents(storeId, [
      { eventId: unique("e"), at: minutesFromNow(-3), type: "sale", sku, qty: 1 },
      { eventId: unique("e"), at: minutesFromNow(-2), type: "sale", sku, qty: 2 },
    ]);
    const all = await eventually(
      () => api("GET", `/v1/stores/${storeId}/changes?after=0`, { token: ADMIN }),
      (response) => response.body.changes?.length === 3,
    );
    expect(all.body.changes.map((c: { kind: string; onHand: number }) => [c.kind, c.onHand])).toEqual([
      ["allocate", 100],
      ["adjust", 99],
      ["adjust", 97],
    ]);
    const [first, second, third] = all.body.changes;
    expect(first.cursor < second.cursor && second.cursor < third.cursor).toBe(true);

    const page = await api("GET", `/v1/stores/${storeId}/changes?after=${first.cursor}&limit=1`, { token: ADMIN });
    expect(page.body).toMatchObject({ changes: [{ cursor: second.cursor }], nextCursor: second.cursor, hasMore: true });
    const rest = await api("GET", `/v1/stores/${storeId}/changes?after=${page.body.nextCursor}`, { token: ADMIN });
    expect(rest.body).toMatchObject({ changes: [{ cursor: third.cursor }], hasMore: false });
    // At the newest change: nothing yet. Past it, no page gave that cursor (a feed started
    // afresh): an empty page would leave the client waiting there for good, so it is a 410.
    const atHead = await api("GET", `/v1/stores/${storeId}/changes?after=${third.cursor}`, { token: ADMIN });
    expect(atHead.body).toEqual({ changes: [], nextCursor: third.cursor, hasMore: false });
    const ahead = await api("GET", `/v1/stores/${storeId}/changes?after=${third.cursor + 1000}`, { token: ADMIN });
    expect(ahead.status).toBe(410);
    expect(ahead.body.error).toMatchObject({ code: "cursor_expired", details: { latestCursor: third.cursor } });
    const live = await connect(storeId, `?after=${third.cursor + 1000}`);
    await eventually(async () => live.messages.length, (count) => count >= 2);
    expect(live.messages).toEqual([{ type: "hello", cursor: third.cursor }, { type: "reset", reason: "cursor_expired", cursor: third.cursor }]);
    live.close();

    // The test Worker keeps 100 changes per store: push the first ones out.
    const events = Array.from({ length: 120 }, (_, i) => ({ eventId: unique(`bulk${i}`), at: minutesFromNow(-1), type: "adjust", sku, delta: 1, reason: "receive" }));
    await sendEvents(storeId, events);
    const gone = await eventually(
      () => api("GET", `/v1/stores/${storeId}/changes?after=${first.cursor}`, { token: ADMIN }),
      (response) => response.status === 410,
    );
    expect(gone.body.error.code).toBe("cursor_expired");
    expect(gone.body.error.details.latestCursor).toBeGreaterThan(third.cursor);
  });

  // A hub from before the feed's table lost AUTOINCREMENT (schema version 3): its changes keep
  // their cursors, and the next change gets the cursor after the newest one given out.
  it("keeps every cursor when an older hub's feed table is rebuilt (migration), and gives none out twice", async () => {
    const { storeId, sku } = await freshCell();
    await damage(storeId, sku);
    const before = await eventually(() => feedChanges(storeId), (changes) => changes.length === 2);
    const hub = hubStub(env, storeId);
    // The old layout, with a newest change whose cursor is not the one after the others.
    const handedOut = before.at(-1)!.cursor + 5;
    await runInDurableObject(hub, (_instance: StoreHub, state) => {
      const sql = state.storage.sql;
      sql.exec(`CREATE TABLE changes_old (cursor INTEGER PRIMARY KEY AUTOINCREMENT, sku TEXT NOT NULL, version INTEGER NOT NULL, at TEXT NOT NULL, change TEXT NOT NULL);
                INSERT INTO changes_old SELECT * FROM changes; DROP TABLE changes; ALTER TABLE changes_old RENAME TO changes;`);
      sql.exec("INSERT INTO changes (cursor, sku, version, at, change) VALUES (?, 'gone', 1, '2026-01-01T00:00:00.000Z', '{}')", handedOut);
      sql.exec("UPDATE _schema SET version = 3");
    });
    await evictDurableObject(hub);

    await damage(storeId, sku);
    const after = await eventually(() => feedChanges(storeId), (changes) => changes.length === 4);
    expect(after.slice(0, 2)).toEqual(before);
    expect(after[2]!.cursor).toBe(handedOut);
    expect(after[3]).toMatchObject({ sku, version: before.at(-1)!.version + 1 });
    expect(after[3]!.cursor).toBe(handedOut + 1);
    const layout = await runInDurableObject(hub, (_instance: StoreHub, state) =>
      state.storage.sql.exec<{ sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'changes'").one().sql);
    expect(layout).not.toMatch(/AUTOINCREMENT/i);
  });

  it("takes each change once when a cell sends it again (at least once), in one call or across calls", async () => {
    const { storeId, a, feed, eventsA, eventsB, cellA, hub } = await twoDeliveredSkus(2);
    // Everything again, each SKU's changes twice over within one call: nothing is new.
    expect((await hub.receive(asStored([...eventsA, ...eventsB, ...eventsA]), cellA)).fresh).toBe(0);
    expect(await feedOf(storeId)).toEqual(feed);
    // A repeat followed by a change the hub has not seen: only that one is added.
    const [next] = nextEvents(storeId, eventsA, 1);
    expect((await hub.receive(asStored([...eventsA, next!, next!]), cellA)).fresh).toBe(1);
    expect(await feedOf(storeId)).toEqual([...feed, `${a}@${next!.seq}`]);
  });

  it("takes deliveries that arrive together in one transaction, each answered with its own count", async () => {
    const { storeId, b, feed, eventsA, eventsB, cellA, hub } = await twoDeliveredSkus(1);
    const cellB = await readCell(storeId, b);
    const [newA, newB] = [nextEvents(storeId, eventsA, 2), nextEvents(storeId, eventsB, 1)];
    // Sent at once: the second call for A repeats the first's changes, which land just before it.
    const receipts = await Promise.all([hub.receive(asStored([...eventsA, ...newA]), cellA), hub.receive(asStored(newB), cellB), hub.receive(asStored(newA), cellA)]);
    expect(receipts.map((receipt) => receipt.fresh)).toEqual([2, 1, 0]);
    const after = await feedOf(storeId);
    expect(after.slice(0, 4)).toEqual(feed);
    expect(after.slice(4).sort()).toEqual([...newA, ...newB].map((event) => `${event.sku}@${event.seq}`).sort());
  });

  it("sends the reports of deliveries taken together to the queue together, and says when the queue refused", async () => {
    const { storeId, b, eventsA, eventsB, cellA, hub } = await twoDeliveredSkus(1);
    const cellB = await readCell(storeId, b);
    const [newA, newB] = [nextEvents(storeId, eventsA, 2), nextEvents(storeId, eventsB, 1)];
    const receipts = await runInDurableObject(hub, async (instance: StoreHub) => {
      const sends = watchQueue(instance);
      // Three cells' deliveries in one turn: one transaction, and one send with every report.
      const taken = await Promise.all([instance.receive(asStored(newA), cellA, asStored(newA)), instance.receive(asStored(newB), cellB, asStored(newB)), instance.receive([], cellB)]);
      expect(sends.map((messages) => messages.flatMap((message) => eventsOf(message).map((event) => `${event.sku}@${event.seq}`)))).toEqual([
        [...newA, ...newB].map((event) => `${event.sku}@${event.seq}`),
      ]);
      // The queue refusing: the changes are in the feed, the receipt says they were not reported.
      sends.refuse = true;
      const [later] = nextEvents(storeId, newB, 1);
      return [...taken, await instance.receive(asStored([later!]), cellB, asStored([later!]))];
    });
    expect(receipts).toEqual([
      { fresh: 2, reported: true },
      { fresh: 1, reported: true },
      { fresh: 0, reported: false },
      { fresh: 1, reported: false },
    ]);
  });

  it("checks scope on the feed and the stock", async () => {
    const { storeId } = await freshCell();
    const other = await mint("store", { stores: [unique("other")] });
    const own = await mint("store", { stores: [storeId] });
    const elsewhere = await mint("manager", { regions: ["na-east"] });
    for (const path of [`/v1/stores/${storeId}/stock`, `/v1/stores/${storeId}/changes?after=0`]) {
      expect((await api("GET", path, { token: other })).status).toBe(403);
      expect((await api("GET", path, { token: elsewhere })).status).toBe(403);
      expect((await api("GET", path)).status).toBe(401);
      expect((await api("GET", path, { token: own })).status).toBe(200);
    }
    expect((await api("GET", `/v1/stores/${storeId}/changes?after=-1`, { token: own })).status).toBe(400);
  });
});

describe("live push over WebSocket", () => {
  it("pushes each change as it happens, and a reconnecting client resumes from its cursor without missing one", async () => {
    const { storeId, sku } = await freshCell();
    const first = await connect(storeId);
    await eventually(async () => first.messages.length, (count) => count >= 1);
    expect(first.messages[0]).toMatchObject({ type: "hello" });

    const reservationId = unique("order");
    expect((await reserve({ reservationId, channel: "online", items: [{ storeId, sku, qty: 2 }] })).status).toBe(201);
    await eventually(async () => changesOf(first), (changes) => changes.some((change) => change.kind === "hold"));
    const seen = changesOf(first);
    const cursor = seen.at(-1)!.cursor;
    first.close();

    // While disconnected: a confirmation and a POS sale.
    await api("POST", `/v1/reservations/${reservationId}/confirm`, { token: ADMIN });
    await sendEvents(storeId, [{ eventId: unique("e"), at: minutesFromNow(-1), type: "sale", sku, qty: 1 }]);
    await eventually(
      () => api("GET", `/v1/stores/${storeId}/changes?after=${cursor}`, { token: ADMIN }),
      (response) => response.body.changes?.length === 2,
    );

    const resumed = await connect(storeId, `?after=${cursor}`);
    await eventually(async () => changesOf(resumed), (changes) => changes.length >= 2);
    expect(changesOf(resumed).map((change) => [change.kind, change.onHand])).toEqual([
      ["confirm", 98],
      ["adjust", 97],
    ]);
    // And it keeps receiving new ones live.
    await api("PUT", `/v1/stores/${storeId}/skus/${sku}/sold-out`, { token: ADMIN, body: { soldOut: true } });
    await eventually(async () => changesOf(resumed), (changes) => changes.some((change) => change.kind === "sold_out"));
    resumed.close();
  });

  it("closes a socket when the token that opened it expires (4401, sign in again), and pushes nothing more to it", async () => {
    const { storeId, sku } = await freshCell();
    const minted = await api("POST", "/v1/admin/tokens", { token: ADMIN, body: { role: "store", stores: [storeId], ttlSeconds: 60 } });
    const expiresAt = Date.parse(minted.body.expiresAt);
    const response = await openLive(storeId, `?access_token=${minted.body.token}`, {});
    expect(response.status).toBe(101);
    const expiring = response.webSocket!;
    const messages: unknown[] = [];
    const closed = new Promise<{ code: number; reason: string }>((resolve) => expiring.addEventListener("close", (event) => resolve({ code: event.code, reason: event.reason })));
    expiring.addEventListener("message", (event) => void messages.push(JSON.parse(event.data as string)));
    expiring.accept();
    const admin = await connect(storeId);
    await eventually(async () => messages.length + admin.messages.length, (count) => count >= 2);

    // Just before the token's expiry both stay open; at it, only the admin's (no expiry) does.
    const open = (nowMs: number) => runInDurableObject(hubStub(env, storeId), (hub: StoreHub) => hub.closeExpiredSockets(undefined, nowMs).length);
    expect(await open(expiresAt - 1)).toBe(2);
    expect(await open(expiresAt)).toBe(1);
    expect(await closed).toEqual({ code: LIVE_TOKEN_EXPIRED_CLOSE, reason: "token expired" });

    await damage(storeId, sku);
    await eventually(async () => changesOf(admin), (changes) => changes.length >= 1);
    expect(messages).toEqual([{ type: "hello", cursor: expect.any(Number) }]);
    admin.close();
  });

  it("answers a close without a status code (1005, which no endpoint may send) with a normal close", async () => {
    const { storeId } = await freshCell();
    const closes = await runInDurableObject(hubStub(env, storeId), async (hub: StoreHub) => {
      const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
      client.accept();
      server.accept();
      const closed = new Promise<number>((resolve) => client.addEventListener("close", (event) => resolve(event.code)));
      await hub.webSocketClose(server, 1005, "");
      return closed;
    });
    expect(closes).toBe(1000);
  });

  it("authorizes the socket like any other route, with a header or an access_token", async () => {
    const { storeId } = await freshCell();
    const other = await mint("store", { stores: [unique("other")] });
    const own = await mint("store", { stores: [storeId] });
    const none = await openLive(storeId, "", {});
    expect(none.status).toBe(401);
    await none.text();
    const wrong = await openLive(storeId, `?access_token=${other}`, {});
    expect(wrong.status).toBe(403);
    await wrong.text();
    const bad = await openLive(storeId, "?access_token=garbage", {});
    expect(bad.status).toBe(401);
    await bad.text();
    const ok = await openLive(storeId, `?access_token=${own}`, {});
    expect(ok.status).toBe(101);
    ok.webSocket!.accept();
    ok.webSocket!.close(1000, "done");
  });
});

describe("the live feed's handshake", () => {
  it("carries the request's id, as every answer does", async () => {
    const { storeId } = await freshCell();
    const response = await openLive(storeId, "", { authorization: `Bearer ${ADMIN}`, "x-request-id": "live-handshake-1" });
    expect(response.status).toBe(101);
    expect(response.headers.get("x-request-id")).toBe("live-handshake-1");
    response.webSocket!.accept();
    response.webSocket!.close(1000, "done");
  });
});
