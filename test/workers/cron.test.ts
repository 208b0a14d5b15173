import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult } from "cloudflare:test";
import { and, eq, gte } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { cells, reconciliationDifferences, reconciliationRuns } from "../../schema/db/tables";
import worker from "../../workers/index";
import { withReportingDb } from "../../workers/reporting/db";
import { maintainStore, scheduleMaintenance } from "../../workers/maintenance";
import { CRON_RUNS_A_DAY, cellSlotOf } from "../../workers/reporting/screen";
import type { InventoryMessage } from "../../workers/reporting/messages";
import { ADMIN, allocate, api, databaseFaults, eventually, freshCell, holdWithoutRecord, putStore, readCell, reserve, setClock, unique } from "./helpers";

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

/** The SKUs a run found snapshot rows for but no cell (a hold the sweep releases meanwhile may show as a lag: not looked at). */
function unknownCellsOf(runId: string) {
  return withReportingDb(env, async (db) => {
    const rows = await db
      .select()
      .from(reconciliationDifferences)
      .where(and(eq(reconciliationDifferences.runId, runId), eq(reconciliationDifferences.kind, "unknown_cell")));
    return rows.map((row) => row.sku);
  });
}

/**
 * A store of five SKUs (a…e), each with a hold of 2 that nothing owns, and a snapshot row in
 * the reporting database for a SKU the store has no cell for (z-gone).
 */
async function storeOfFive() {
  const storeId = unique("paged");
  await putStore(storeId);
  const skus = ["a", "b", "c", "d", "e"];
  for (const sku of skus) {
    await allocate(storeId, sku, { onHand: 10 });
    await holdWithoutRecord({ storeId, sku }, unique("lost"), 2);
  }
  await withReportingDb(env, (db) =>
    db.insert(cells).values({ storeId, sku: "z-gone", version: 3, onHand: 1, reserved: 0, soldOut: false, oversold: false, shared: 1, free: {}, quotas: {}, updatedAt: new Date().toISOString() }),
  );
  // Every cell's allocation and hold in the reports first.
  await eventually(
    () => withReportingDb(env, (db) => db.select().from(cells).where(eq(cells.storeId, storeId))),
    (rows) => rows.filter((row) => row.version === 2).length === skus.length,
    20_000,
  );
  return { storeId, skus };
}

const reservedIn = async (storeId: string, skus: string[]) => Promise.all(skus.map(async (sku) => (await readCell(storeId, sku)).reserved));

/** A cell with a reservation that owns 1 unit and a hold of 4 that nothing owns (a creation cut off). */
async function cellWithLostHold() {
  const cell = await freshCell();
  expect((await reserve({ reservationId: unique("cron-owned"), channel: "online", items: [{ ...cell, qty: 1 }] })).status).toBe(201);
  await holdWithoutRecord(cell, unique("cron-lost"), 4);
  expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(5);
  return cell;
}

/** The cells' namespace, each call the caller makes on a cell recorded as "method sku" (the cells themselves run as ever). */
function callsRecorded(namespace: typeof env.STOCK_CELL, calls: string[]): typeof env.STOCK_CELL {
  const stubOf = (stub: object) =>
    new Proxy(stub, {
      get(target, method) {
        const value = Reflect.get(target, method);
        if (typeof method !== "string" || typeof value !== "function") return value;
        return (...args: Array<{ sku?: string }>) => {
          calls.push(`${method} ${args[0]?.sku}`);
          return Reflect.apply(value, target, args);
        };
      },
    });
  return {
    idFromName: (name: string) => namespace.idFromName(name),
    get: (...args: Parameters<typeof namespace.get>) => stubOf(namespace.get(...args)),
  } as unknown as typeof env.STOCK_CELL;
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

  it("runs locally on demand (POST /v1/admin/local/cron, which npm start calls on the cron's schedule), admins only", async () => {
    const cell = await cellWithLostHold();
    const startedAt = new Date().toISOString();
    await setClock({ advanceSeconds: 61 });
    const store = await api("POST", "/v1/admin/tokens", { token: ADMIN, body: { role: "store", stores: [cell.storeId] } });
    expect((await api("POST", "/v1/admin/local/cron", { token: store.body.token })).status).toBe(403);

    const ran = await api("POST", "/v1/admin/local/cron", { token: ADMIN });
    expect(ran.status).toBe(200);
    expect(ran.body).toMatchObject({ queued: true });
    expect(ran.body.stores).toBeGreaterThanOrEqual(1);
    await eventually(() => readCell(cell.storeId, cell.sku), (view) => view.reserved === 1);
    await eventually(() => storeRunsSince(cell.storeId, startedAt), (runs) => runs.length === 1);
  });

  it("without a maintenance queue bound, maintains every store itself, page after page", async () => {
    const cell = await cellWithLostHold();
    const large = await storeOfFive();
    const startedAt = new Date().toISOString();
    await setClock({ advanceSeconds: 61 });
    const scheduled = await scheduleMaintenance({ ...env, MAINTENANCE: undefined, MAINTENANCE_PAGE_SKUS: "2" });
    expect(scheduled).toMatchObject({ queued: false });
    expect(scheduled.stores).toBeGreaterThanOrEqual(1);
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(1);
    expect(await storeRunsSince(cell.storeId, startedAt)).toHaveLength(1);
    expect(await reservedIn(large.storeId, large.skus)).toEqual([0, 0, 0, 0, 0]);
    expect((await storeRunsSince(large.storeId, startedAt)).map((run) => run.cellsChecked).sort()).toEqual([1, 2, 2]);
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

  it("walks a store larger than a page a page at a time: each page reconciled in a run of its own and swept, the snapshot rows without a cell found on the last", async () => {
    const { storeId, skus } = await storeOfFive();
    const startedAt = new Date().toISOString();
    await setClock({ advanceSeconds: 61 });
    const paged = { ...env, MAINTENANCE_PAGE_SKUS: "2" };

    expect(await maintainStore(paged, storeId)).toBe("b");
    expect(await reservedIn(storeId, skus)).toEqual([0, 0, 2, 2, 2]);
    expect(await maintainStore(paged, storeId, "b")).toBe("d");
    expect(await maintainStore(paged, storeId, "d")).toBeUndefined();
    expect(await reservedIn(storeId, skus)).toEqual([0, 0, 0, 0, 0]);

    // Matched by content, not by start time: the times come back as Postgres's text (which
    // drops trailing zeros of the fraction, so they do not sort as strings) and pages of one
    // moment can share a millisecond. Two pages of 2 cells and the last page of 1, and only
    // the last page looks for snapshot rows the store has no cell for.
    const runs = await storeRunsSince(storeId, startedAt);
    const pages = await Promise.all(runs.map(async (run) => ({ cellsChecked: run.cellsChecked, unknown: await unknownCellsOf(run.id) })));
    expect(pages.sort((a, b) => a.cellsChecked - b.cellsChecked)).toEqual([
      { cellsChecked: 1, unknown: ["z-gone"] },
      { cellsChecked: 2, unknown: [] },
      { cellsChecked: 2, unknown: [] },
    ]);
  });

  it("an admin reconciles a large store a page per request, following next, as the cron's pages do", async () => {
    const { storeId } = await storeOfFive();
    await withReportingDb(env, (db) => db.update(cells).set({ onHand: 7 }).where(and(eq(cells.storeId, storeId), eq(cells.sku, "c"))));
    const reconcilePage = (body: Record<string, unknown>) => api("POST", "/v1/admin/reconcile", { token: ADMIN, body: { storeIds: [storeId], ...body } });
    const answers: any[] = [];
    let cursor: string | null = null;
    do {
      const run = await reconcilePage({ limit: 2, ...(cursor ? { cursor } : {}) });
      expect(run.status, JSON.stringify(run.body)).toBe(200);
      answers.push(run.body);
      cursor = run.body.next;
    } while (cursor && answers.length < 10);
    expect(answers.map((answer) => answer.cellsChecked)).toEqual([2, 2, 1]);
    // Each page finds its own cells' differences; the snapshot row without a cell, on the last.
    expect(answers.map((answer) => answer.differences.map((d: any) => `${d.sku}:${d.kind}`))).toEqual([[], ["c:snapshot_mismatch"], ["z-gone:unknown_cell"]]);
    expect(answers.at(-1).next).toBeNull();
    // Without paging the answer has no next; paging names exactly one store and takes only its cursors.
    expect((await reconcilePage({})).body).not.toHaveProperty("next");
    for (const bad of [{ storeIds: [storeId, "other"], limit: 2 }, { storeIds: undefined, limit: 2 }, { cursor: "nope" }, { limit: 0 }, { limit: 5001 }]) {
      const answer = await reconcilePage(bad);
      expect(answer.status, JSON.stringify(bad)).toBe(400);
      expect(answer.body.error.code).toBe("invalid_request");
    }
  });

  it("reconciles a store of one page whole, snapshot rows without a cell included", async () => {
    const { storeId } = await storeOfFive();
    const startedAt = new Date().toISOString();
    expect(await maintainStore(env, storeId)).toBeUndefined();
    const runs = await storeRunsSince(storeId, startedAt);
    expect(runs.map((run) => run.cellsChecked)).toEqual([5]);
    expect(await unknownCellsOf(runs[0]!.id)).toEqual(["z-gone"]);
  });

  it("calls each cell once per run: reconciliation's read of a cell answers the sweep's question too", async () => {
    const { storeId, skus } = await storeOfFive();
    const startedAt = new Date().toISOString();
    await setClock({ advanceSeconds: 61 });
    const calls: string[] = [];
    const counted = { ...env, STOCK_CELL: callsRecorded(env.STOCK_CELL, calls) };

    expect(await maintainStore(counted, storeId)).toBeUndefined();
    expect(calls.sort()).toEqual(skus.map((sku) => `inspect ${sku}`));
    // Both jobs done: the lost holds released, the store reconciled (its cells all checked).
    expect(await reservedIn(storeId, skus)).toEqual([0, 0, 0, 0, 0]);
    expect((await storeRunsSince(storeId, startedAt)).map((run) => run.cellsChecked)).toEqual([5]);
  });

  it("reads only the cells that call for it: a level that differs from the reports, units held, or the cell's daily turn", async () => {
    const storeId = unique("screened");
    await putStore(storeId);
    const skus = ["a", "b", "c"];
    for (const sku of skus) await allocate(storeId, sku, { onHand: 10 });
    const versions = await Promise.all(skus.map(async (sku) => (await readCell(storeId, sku)).version));
    await eventually(
      () => withReportingDb(env, (db) => db.select().from(cells).where(eq(cells.storeId, storeId))),
      (rows) => skus.every((sku, index) => rows.some((row) => row.sku === sku && row.version === versions[index])),
      20_000,
    );
    // b's row in the reports no longer says what its cell does.
    await withReportingDb(env, (db) => db.update(cells).set({ onHand: 7 }).where(and(eq(cells.storeId, storeId), eq(cells.sku, "b"))));
    const turns = skus.map((sku) => cellSlotOf({ storeId, sku }));
    const noneDue = [...Array(CRON_RUNS_A_DAY).keys()].find((slot) => !turns.includes(slot))!;
    const calls: string[] = [];
    const counted = { ...env, STOCK_CELL: callsRecorded(env.STOCK_CELL, calls) };

    const startedAt = new Date().toISOString();
    expect(await maintainStore(counted, storeId, undefined, noneDue)).toBeUndefined();
    expect(calls).toEqual(["inspect b"]);
    const [run] = await storeRunsSince(storeId, startedAt);
    expect(run).toMatchObject({ cellsChecked: 3, differences: 1 });
    const found = await withReportingDb(env, (db) => db.select().from(reconciliationDifferences).where(eq(reconciliationDifferences.runId, run!.id)));
    expect(found.map((difference) => `${difference.sku}:${difference.kind}`)).toEqual(["b:snapshot_mismatch"]);

    // c's turn of the day: read though its level and its row agree (as is every cell whose turn falls in that run).
    calls.length = 0;
    await maintainStore(counted, storeId, undefined, turns[2]);
    expect(calls.sort()).toEqual(skus.filter((sku, index) => sku === "b" || turns[index] === turns[2]).map((sku) => `inspect ${sku}`));
  });

  it("finds a snapshot row ahead of its cell, and every count a row keeps that differs, not only on hand, reserved and sold out", async () => {
    const { storeId } = await storeOfFive();
    const tamper = (sku: string, change: Partial<typeof cells.$inferInsert>) => withReportingDb(env, (db) => db.update(cells).set(change).where(and(eq(cells.storeId, storeId), eq(cells.sku, sku))));
    await tamper("a", { version: 9 });
    await tamper("b", { inTransit: 5, shared: 0 });
    await tamper("c", { quotas: { online: 3 } });
    const run = await api("POST", "/v1/admin/reconcile", { token: ADMIN, body: { storeIds: [storeId] } });
    const found = run.body.differences.filter((difference: { kind: string }) => difference.kind === "snapshot_mismatch");
    expect(found.map((difference: { sku: string; expected: string; actual: string }) => [difference.sku, Object.keys(JSON.parse(difference.actual)).sort()])).toEqual([
      ["a", ["version"]],
      ["b", ["inTransit", "shared"]],
      ["c", ["quotas"]],
    ]);
    expect(JSON.parse(found[0].expected)).toEqual({ version: 2 });
  });

  it("the maintenance consumer sends the rest of a large store on as a message of its own and acknowledges its page", async () => {
    const { storeId, skus } = await storeOfFive();
    const startedAt = new Date().toISOString();
    await setClock({ advanceSeconds: 61 });
    const batch = createMessageBatch<InventoryMessage>("inventory-maintenance", [
      { id: "maintain-paged", timestamp: new Date(), attempts: 1, body: { kind: "maintain-store", storeId } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, MAINTENANCE_PAGE_SKUS: "3" }, ctx);
    expect(queueOutcome(await getQueueResult(batch, ctx), 1)).toEqual({ acked: true, retried: false });

    // The queue's own consumer (a page of 1,000 here) takes the rest: d and e, and the orphan.
    await eventually(() => reservedIn(storeId, skus), (reserved) => reserved.every((units) => units === 0), 20_000);
    const runs = await eventually(() => storeRunsSince(storeId, startedAt), (found) => found.length === 2, 20_000);
    expect(runs.map((run) => run.cellsChecked).sort()).toEqual([2, 3]);
  });
});
