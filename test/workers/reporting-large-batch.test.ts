import { env, runInDurableObject } from "cloudflare:test";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { cells, movements } from "../../schema/db/tables";
import type { StockCell } from "../../durable-objects/stock-cell";
import { lastOutboxSeq } from "../../durable-objects/storage/cell-tables";
import { cellStub } from "../../durable-objects/stubs";
import { withReportingDb } from "../../workers/reporting/db";
import type { InventoryMessage } from "../../workers/reporting/messages";
import { ADMIN, allocate, api, deliver, eventually, putStore, receiptEvent, sendEvents, unique } from "./helpers";

describe("a full queue batch", () => {
  // 100 messages of 100 events (the queue's max_batch_size × the outbox's events per
  // message): more bind parameters than one Postgres statement may carry.
  it("writes 10,000 events in one delivery, acknowledged, one movement each and the latest level", async () => {
    const storeId = unique("bulk");
    // As a store hub sends them: each message the JSON text of its changes.
    const bodies: InventoryMessage[] = Array.from({ length: 100 }, (_, m) => ({
      kind: "cell-events",
      eventsJson: JSON.stringify(Array.from({ length: 100 }, (_, e) => receiptEvent(storeId, `s${m}`, e + 1))),
    }));
    const result = await deliver("inventory-events", bodies);
    expect(result.ackAll).toBe(true);
    expect(result.retryBatch.retry).toBe(false);

    const [moved] = await withReportingDb(env, (db) => db.select({ n: sql<number>`count(*)::int` }).from(movements).where(eq(movements.storeId, storeId)));
    expect(moved!.n).toBe(10_000);
    const levels = await withReportingDb(env, (db) => db.select({ version: cells.version, onHand: cells.onHand }).from(cells).where(eq(cells.storeId, storeId)));
    expect(levels).toHaveLength(100);
    expect(levels.every((level) => Number(level.version) === 100 && level.onHand === 100)).toBe(true);
  });
});

describe("changes as large as the ids allow", () => {
  // 64-character store and SKU ids and 128-character POS event ids make each change about
  // 0.9 KB: one page of a cell's outbox (500 changes) is then far over one queue send's
  // 256 KB. The hub must pack its sends by size, not by count, or this page never goes.
  it("reach Postgres from a POS batch of 1,000 sales of one SKU", async () => {
    const storeId = unique("s").padEnd(64, "x");
    await putStore(storeId);
    const skus = [unique("k").padEnd(64, "y")];
    for (const sku of skus) await allocate(storeId, sku, { onHand: 100_000, channels: { pos: { quota: 10_000, weight: 1 }, online: { quota: 10_000, weight: 1 }, kiosk: { quota: 10_000, weight: 1 } } });
    const at = new Date().toISOString();
    const prefix = unique("pos");
    const events = Array.from({ length: 1_000 }, (_, i) => ({ eventId: `${prefix}-${i}`.padEnd(128, "z"), at, type: "sale", sku: skus[i % skus.length]!, qty: 1 }));
    const response = await sendEvents(storeId, events);
    expect(response.status, JSON.stringify(response.body).slice(0, 500)).toBe(200);

    const counted = () => withReportingDb(env, (db) => db.select({ n: sql<number>`count(*)::int` }).from(movements).where(eq(movements.storeId, storeId)));
    // Reaching Postgres takes well under a second here; the bound is wide because a slow host's
    // retries (the cell's and the consumer's, each with backoff) may add seconds, and what this
    // test proves is that every page goes, not how fast. If it fails, it says where they stand.
    const moved = await eventually(counted, ([row]) => row!.n === 1_000 + skus.length, 60_000).catch(async (error: Error) => {
      throw new Error(`${error.message}; ${await whereDeliveryStands(storeId, skus[0]!)}`);
    });
    expect(moved[0]!.n).toBe(1_000 + skus.length);
  }, 90_000);
});

/** The cell's outbox and cursors, its alarm, and the queue-lag report's view of the store: to tell a stuck send from a slow one. */
async function whereDeliveryStands(storeId: string, sku: string): Promise<string> {
  const cell = await runInDurableObject(cellStub(env, { storeId, sku }), async (_instance: StockCell, state) => {
    const alarm = await state.storage.getAlarm();
    return {
      lastOutboxSeq: lastOutboxSeq(state.storage.sql),
      savedCursors: state.storage.sql.exec("SELECT destination, seq FROM delivery").toArray(),
      alarmInMs: alarm === null ? "none" : alarm - Date.now(),
    };
  });
  const lag = await api("GET", `/v1/reports/queue-lag?storeId=${encodeURIComponent(storeId)}`, { token: ADMIN });
  return `cell: ${JSON.stringify(cell)}; queue lag: ${JSON.stringify(lag.body)}`;
}
