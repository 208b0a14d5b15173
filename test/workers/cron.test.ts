import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult } from "cloudflare:test";
import { and, eq, gte } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { reconciliationRuns } from "../../schema/db/tables";
import worker from "../../workers/index";
import { withReportingDb } from "../../workers/reporting/db";
import { maintainStore, scheduleMaintenance } from "../../workers/maintenance";
import type { InventoryMessage } from "../../workers/reporting/messages";
import { ADMIN, api, databaseFaults, eventually, freshCell, holdWithoutRecord, readCell, reserve, setClock, unique } from "./helpers";

/** The cron trigger of wrangler.toml, as the runtime fires it. */
function runCron(): Promise<void> {
  return worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: "*/15 * * * *" }), env);
}

/** Cron reconciliation runs of one store since `startedAt`. */
function storeRunsSince(storeId: string, startedAt: string) {
  return withReportingDb(env, (db) =>
    db
      .select()
      .from(reconciliationRuns)
      .where(and(eq(reconciliationRuns.trigger, "cron"), eq(reconciliationRuns.storeId, storeId), gte(reconciliationRuns.startedAt, startedAt))),
  );
}

/** How the maintenance consumer settled a batch of `count` messages: it acks or retries each message on its own. */
function queueOutcome(result: { explicitAcks: string[]; retryMessages: Array<{ msgId: string }> }, count: number) {
  return {
    acked: result.explicitAcks.length === count && result.retryMessages.length === 0,
    retried: result.retryMessages.length === count && result.explicitAcks.length === 0,
  };
}

/** A cell with a reservation that owns 1 unit and a hold of 4 that nothing owns (a creation cut off). */
async function cellWithLostHold() {
  const cell = await freshCell();
  expect((await reserve({ reservationId: unique("cron-owned"), channel: "online", items: [{ ...cell, qty: 1 }] })).status).toBe(201);
  await holdWithoutRecord(cell, unique("cron-lost"), 4);
  expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(5);
  return cell;
}

afterEach(async () => {
  await setClock({ offsetSeconds: 0 });
  await databaseFaults({});
});

describe("the cron", () => {
  it("sends each store's maintenance to the maintenance queue: its consumer reconciles the store in a run of its own and sweeps its old unowned holds", async () => {
    const cell = await cellWithLostHold();
    const other = await freshCell();
    const startedAt = new Date().toISOString();
    await setClock({ advanceSeconds: 61 });

    await runCron();
    await eventually(() => readCell(cell.storeId, cell.sku), (view) => view.reserved === 1);
    const [run] = await eventually(() => storeRunsSince(cell.storeId, startedAt), (runs) => runs.length === 1);
    expect(run).toMatchObject({ storeId: cell.storeId, cellsChecked: 1 });
    // Every store gets its own run, and the report lists one store's runs when asked.
    await eventually(() => storeRunsSince(other.storeId, startedAt), (runs) => runs.length === 1);
    const listed = await api("GET", `/v1/reports/reconciliation?storeId=${cell.storeId}`, { token: ADMIN });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((item: { storeId: string }) => item.storeId)).toEqual([cell.storeId]);
  });

  it("without a maintenance queue bound, maintains every store itself", async () => {
    const cell = await cellWithLostHold();
    const startedAt = new Date().toISOString();
    await setClock({ advanceSeconds: 61 });
    const scheduled = await scheduleMaintenance({ ...env, MAINTENANCE: undefined });
    expect(scheduled).toMatchObject({ queued: false });
    expect(scheduled.stores).toBeGreaterThanOrEqual(1);
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(1);
    expect(await storeRunsSince(cell.storeId, startedAt)).toHaveLength(1);
  });

  it("a store's maintenance leaves young holds, and releases them once they are old enough", async () => {
    const cell = await cellWithLostHold();
    const startedAt = new Date().toISOString();

    // Young holds are left for a later run: their creation may be under way.
    await maintainStore(env, cell.storeId);
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(5);

    await setClock({ advanceSeconds: 61 });
    await maintainStore(env, cell.storeId);
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(1);
    expect(await storeRunsSince(cell.storeId, startedAt)).toHaveLength(2);
  });

  it("still sweeps with the reporting database down and fails, so the queue retries the store, which is reconciled once the database is back", async () => {
    const cell = await cellWithLostHold();
    const direct = await cellWithLostHold();
    const startedAt = new Date().toISOString();
    await databaseFaults({ down: true });
    await setClock({ advanceSeconds: 61 });

    // Called directly: the sweep is done, the reconciliation's failure is thrown.
    await expect(maintainStore(env, direct.storeId)).rejects.toThrow();
    expect((await readCell(direct.storeId, direct.sku)).reserved).toBe(1);

    // Through the queue: the store's message is taken while the database is down (its sweep
    // shows it), fails, and is retried once the database is back.
    await runCron();
    await eventually(() => readCell(cell.storeId, cell.sku), (view) => view.reserved === 1);
    await databaseFaults({});
    const runs = await eventually(() => storeRunsSince(cell.storeId, startedAt), (found) => found.length >= 1, 20_000);
    expect(runs[0]).toMatchObject({ storeId: cell.storeId, cellsChecked: 1 });
  });

  it("the maintenance consumer settles each store's message on its own: retried while the database is down (its sweep done), acknowledged once the store is reconciled", async () => {
    const cell = await cellWithLostHold();
    const startedAt = new Date().toISOString();
    const deliver = async () => {
      const batch = createMessageBatch<InventoryMessage>("inventory-maintenance", [
        { id: "maintain", timestamp: new Date(), attempts: 1, body: { kind: "maintain-store", storeId: cell.storeId } },
      ]);
      const ctx = createExecutionContext();
      await worker.queue(batch, env, ctx);
      return queueOutcome(await getQueueResult(batch, ctx), 1);
    };
    await setClock({ advanceSeconds: 61 });
    await databaseFaults({ down: true });
    expect(await deliver()).toEqual({ acked: false, retried: true });
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(1);

    await databaseFaults({});
    expect(await deliver()).toEqual({ acked: true, retried: false });
    expect(await storeRunsSince(cell.storeId, startedAt)).toHaveLength(1);
  });
});
