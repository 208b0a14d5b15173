import { and, eq } from "drizzle-orm";
import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { cellStub, hubStub } from "../../durable-objects/stubs";
import type { StockCell } from "../../durable-objects/stock-cell";
import type { StoreHub } from "../../durable-objects/store-hub";
import { movements } from "../../schema/db/tables";
import { withReportingDb } from "../../workers/reporting/db";
import { ADMIN, api, eventually, freshCell, interceptHubQueue, readCell, reserve, unique } from "./helpers";

async function movementCount(storeId: string, sku: string) {
  return withReportingDb(env, async (db) => (await db.select().from(movements).where(and(eq(movements.storeId, storeId), eq(movements.sku, sku)))).length);
}

/**
 * Makes one store's sends to the reporting queue fail until `heal()` is called: the queue
 * itself is real, only the store's hub (which sends what its cells deliver) sees a broken
 * producer.
 */
async function breakQueueFor(storeId: string, how: "refuse" | "lose" = "refuse") {
  let broken = true;
  let failedSends = 0;
  await runInDurableObject(hubStub(env, storeId), (instance: StoreHub) =>
    interceptHubQueue(instance, (messages, forward) => {
      if (!broken) return forward(messages);
      failedSends += 1;
      // "lose": the queue says yes and drops the messages (a local queue killed with its runtime).
      return how === "lose" ? Promise.resolve() : Promise.reject(new Error("queue unavailable (injected)"));
    }),
  );
  return {
    failedSends: () => failedSends,
    heal: () => {
      broken = false;
    },
  };
}

describe("the outbox's send to the queue failing", () => {
  it("keeps the API up, retries with backoff, shows the lag, and delivers every event once when the queue is back", async () => {
    const { storeId, sku } = await freshCell();
    const queue = await breakQueueFor(storeId);

    // The stock path does not wait for the queue: reservations and confirmations go on.
    for (let i = 0; i < 4; i++) {
      const reservationId = unique("o");
      expect((await reserve({ reservationId, channel: "online", items: [{ storeId, sku, qty: 1 }] })).status).toBe(201);
      expect((await api("POST", `/v1/reservations/${reservationId}/confirm`, { token: ADMIN })).status).toBe(200);
    }
    const { version, onHand } = await readCell(storeId, sku);
    expect(onHand).toBe(96);

    // Sends are being retried, and the queue-lag report names the store's lagging SKU.
    await eventually(async () => queue.failedSends(), (failures) => failures >= 2, 10_000);
    const lag = await api("GET", `/v1/reports/queue-lag?storeId=${storeId}`, { token: ADMIN });
    expect(lag.status).toBe(200);
    expect(lag.body.items[0]).toMatchObject({ storeId, laggingSkus: 1 });
    expect(await movementCount(storeId, sku)).toBeLessThan(version);

    // The retry waits on the cell's alarm, later after each failure (exponential backoff).
    const stub = cellStub(env, { storeId, sku });
    const retryAt = await runInDurableObject(stub, (_instance: StockCell, state) => state.storage.getAlarm());
    expect(retryAt).toBeGreaterThan(Date.now());

    // The queue comes back; rather than wait out the backoff, the test runs the alarm now.
    queue.heal();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await eventually(() => movementCount(storeId, sku), (count) => count === version, 30_000);
    const run = await api("POST", "/v1/admin/reconcile", { token: ADMIN, body: { storeIds: [storeId] } });
    expect(run.body).toMatchObject({ clean: true });
    const after = await api("GET", `/v1/reports/queue-lag?storeId=${storeId}`, { token: ADMIN });
    expect(after.body.items[0]).toMatchObject({ storeId, laggingSkus: 0 });
  });

  it("reconciliation finds events a queue lost, and its repair has the cell send them again, once", async () => {
    const { storeId, sku } = await freshCell();
    await eventually(() => movementCount(storeId, sku), (count) => count === 1, 15_000);
    const queue = await breakQueueFor(storeId, "lose");
    for (let i = 0; i < 3; i++) {
      expect((await reserve({ reservationId: unique("o"), channel: "online", items: [{ storeId, sku, qty: 1 }] })).status).toBe(201);
    }
    const { version } = await readCell(storeId, sku);
    await eventually(async () => queue.failedSends(), (sends) => sends >= 1);
    queue.heal();

    const found = await api("POST", "/v1/admin/reconcile", { token: ADMIN, body: { storeIds: [storeId] } });
    expect(found.body.clean).toBe(false);
    expect(found.body.differences.map((difference: { kind: string }) => difference.kind)).toContain("ledger_gap");

    const repaired = await api("POST", "/v1/admin/reconcile", { token: ADMIN, body: { storeIds: [storeId], repair: true } });
    expect(repaired.status).toBe(200);
    expect(repaired.body.repairs).toEqual([{ storeId, sku, resentFrom: 1 }]);
    await eventually(() => movementCount(storeId, sku), (count) => count === version, 15_000);
    const clean = await api("POST", "/v1/admin/reconcile", { token: ADMIN, body: { storeIds: [storeId] } });
    expect(clean.body).toMatchObject({ clean: true });
    expect(await movementCount(storeId, sku)).toBe(version);
  });
});

describe("a commit whose delivery never ran (the process died right after it)", () => {
  it("is delivered after the restart by the cell's own alarm, with nothing else touching the cell", async () => {
    const { storeId, sku } = await freshCell();
    const stub = cellStub(env, { storeId, sku });
    const hubLevel = async () => (await runInDurableObject(hubStub(env, storeId), (hub: StoreHub) => hub.levelsOf([sku]))).get(sku)?.version;
    await eventually(hubLevel, (version) => version === 1, 10_000);
    // The commit happens; the delivery that follows it in memory does not (as if the process died).
    const committed = await runInDurableObject(stub, async (instance: StockCell) => {
      (instance as unknown as { delivery: { soon(): void } }).delivery.soon = () => undefined;
      const reply = await instance.execute({ storeId, sku }, { type: "adjust", delta: -2, reason: "damage" });
      return reply.ok ? reply.cell.version : undefined;
    });
    expect(committed).toBe(2);
    // The restart: memory gone. Nothing calls the cell again; its alarm (set with the commit) wakes it.
    await evictDurableObject(stub);
    expect(await hubLevel()).toBe(1);
    await eventually(hubLevel, (version) => version === 2, 15_000);
  });
});
