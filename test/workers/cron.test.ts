import { createScheduledController, env } from "cloudflare:test";
import { and, eq, gte } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { reconciliationRuns } from "../../schema/db/tables";
import worker from "../../workers/index";
import { withReportingDb } from "../../workers/reporting/db";
import { databaseFaults, freshCell, holdWithoutRecord, readCell, reserve, setClock, unique } from "./helpers";

/** The cron trigger of wrangler.toml, as the runtime fires it. */
function runCron(): Promise<void> {
  return worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: "*/15 * * * *" }), env);
}

function cronRunsSince(startedAt: string) {
  return withReportingDb(env, (db) =>
    db.select().from(reconciliationRuns).where(and(eq(reconciliationRuns.trigger, "cron"), gte(reconciliationRuns.startedAt, startedAt))),
  );
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
  it("reconciles the stores and releases holds no reservation owns once they are old enough", async () => {
    const cell = await cellWithLostHold();
    const startedAt = new Date().toISOString();

    // Young holds are left for a later run: their creation may be under way.
    await runCron();
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(5);

    await setClock({ advanceSeconds: 61 });
    await runCron();
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(1);

    const runs = await cronRunsSince(startedAt);
    expect(runs).toHaveLength(2);
    expect(runs.every((run) => run.cellsChecked >= 1)).toBe(true);
  });

  it("still sweeps with the reporting database down, then reports the reconciliation's failure", async () => {
    const cell = await cellWithLostHold();
    await databaseFaults({ down: true });
    await setClock({ advanceSeconds: 61 });

    await expect(runCron()).rejects.toThrow();
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(1);
  });
});
