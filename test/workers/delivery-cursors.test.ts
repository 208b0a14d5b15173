import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { deliveredUpTo } from "../../durable-objects/storage/cell-tables";
import { DeliveryCursors } from "../../durable-objects/storage/delivery-cursors";
import { cellStub } from "../../durable-objects/stubs";
import { damage, eventually, feedChanges, freshCell, onCell } from "./helpers";

const feedOf = async (storeId: string) => (await feedChanges(storeId)).map((change) => change.version);

describe("the outbox's delivery cursors (kept in memory, written lazily)", () => {
  it("writes a cursor only when asked, refuses an advance begun before a rewind, and writes again after a rolled-back write", async () => {
    const { storeId, sku } = await freshCell();
    const seen = await onCell(storeId, sku, (sql, storage) => {
      const cursors = new DeliveryCursors(sql);
      const seen: Record<string, unknown> = { start: cursors.get("test") };
      cursors.advance("test", 5, cursors.generation);
      seen.advanced = [cursors.get("test"), deliveredUpTo(sql, "test"), cursors.dirty];
      cursors.write()();
      seen.written = [deliveredUpTo(sql, "test"), cursors.dirty];

      // A send began at this generation; a rewind (a resend to the reports) came in before it finished.
      const generation = cursors.generation;
      cursors.rewind("test", 2);
      seen.rewound = [cursors.get("test"), deliveredUpTo(sql, "test")];
      cursors.advance("test", 7, generation);
      seen.staleAdvance = cursors.get("test");
      cursors.advance("test", 7, cursors.generation);
      seen.freshAdvance = cursors.get("test");
      // Never backwards by an advance.
      cursors.advance("test", 6, cursors.generation);
      seen.backwards = cursors.get("test");

      try {
        storage.transactionSync(() => {
          cursors.write();
          throw new Error("rolled back");
        });
      } catch {
        /* the write was rolled back */
      }
      seen.rolledBack = [deliveredUpTo(sql, "test"), cursors.dirty];
      storage.transactionSync(() => cursors.write())();
      seen.rewritten = [deliveredUpTo(sql, "test"), cursors.dirty];
      return seen;
    });
    expect(seen).toEqual({
      start: 0,
      advanced: [5, 0, true],
      written: [5, false],
      rewound: [2, 2],
      staleAdvance: 2,
      freshAdvance: 7,
      backwards: 7,
      rolledBack: [2, true],
      rewritten: [7, false],
    });
  });

  it("writes a cell's cursors after a delivery without another change, and a restart behind them sends again without doubling the feed", async () => {
    const { storeId, sku } = await freshCell();
    await damage(storeId, sku);
    // Allocation (1) and the adjustment (2) delivered, and their cursors written by the timer.
    await eventually(
      () => onCell(storeId, sku, (sql) => [deliveredUpTo(sql, "hub"), deliveredUpTo(sql, "queue")]),
      (cursors) => cursors[0] === 2 && cursors[1] === 2,
    );
    expect(await eventually(() => feedOf(storeId), (feed) => feed.length === 2)).toEqual([1, 2]);

    // As after a restart that lost the cursors' last write: storage says nothing was delivered.
    await onCell(storeId, sku, (sql) => sql.exec("UPDATE delivery SET seq = 0"));
    await evictDurableObject(cellStub(env, { storeId, sku }));
    // The cell starts, finds itself behind, and sends everything again; the hub takes nothing twice.
    await eventually(
      () => onCell(storeId, sku, (sql) => deliveredUpTo(sql, "hub")),
      (cursor) => cursor === 2,
    );
    await damage(storeId, sku);
    expect(await eventually(() => feedOf(storeId), (feed) => feed.length === 3)).toEqual([1, 2, 3]);
  });

  it("drops the guard alarm once every change is delivered and its cursors saved, and a later commit sets it again", async () => {
    // The allocation's commit set the guard (DELIVERY_GUARD_MS, 2 s here); its delivery's
    // cursors are written by the timer (CURSOR_SAVE_MS, 1 s), which then drops the guard, so
    // an idle cell is not woken again for nothing.
    const { storeId, sku } = await freshCell();
    const saved = await eventually(
      () => onCell(storeId, sku, async (sql, storage) => ({ hub: deliveredUpTo(sql, "hub"), queue: deliveredUpTo(sql, "queue"), alarm: await storage.getAlarm() })),
      (seen) => seen.hub === 1 && seen.queue === 1,
    );
    expect(saved.alarm).toBeNull();
    await damage(storeId, sku);
    expect(await onCell(storeId, sku, (_sql, storage) => storage.getAlarm())).not.toBeNull();
  });
});
