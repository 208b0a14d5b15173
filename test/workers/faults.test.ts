import { and, eq } from "drizzle-orm";
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { movements } from "../../schema/db/tables";
import { withReportingDb } from "../../workers/reporting/db";
import { reconcile } from "../../workers/reporting/reconcile";
import { ADMIN, api, databaseFaults, eventually, freshCell, minutesFromNow, readCell, reserve, sendEvents, unique } from "./helpers";

afterEach(async () => {
  await databaseFaults({});
});

async function movementCount(storeId: string, sku: string) {
  return withReportingDb(env, async (db) => (await db.select().from(movements).where(and(eq(movements.storeId, storeId), eq(movements.sku, sku)))).length);
}

/** Drives a little traffic on a cell and returns its final version. */
async function traffic(storeId: string, sku: string) {
  for (let i = 0; i < 6; i++) {
    const reservationId = unique("o");
    expect((await reserve({ reservationId, channel: "online", items: [{ storeId, sku, qty: 1 }] })).status).toBe(201);
    await api("POST", `/v1/reservations/${reservationId}/${i % 2 ? "confirm" : "release"}`, { token: ADMIN });
  }
  await sendEvents(storeId, [{ eventId: unique("e"), at: minutesFromNow(-1), type: "adjust", sku, delta: 3, reason: "receive" }]);
  return (await readCell(storeId, sku)).version;
}

describe("dependency faults", () => {
  it("a slow reporting database slows nothing on the stock path, and every event still arrives once", async () => {
    const { storeId, sku } = await freshCell();
    await databaseFaults({ delayMs: 300 });
    const version = await traffic(storeId, sku);
    await databaseFaults({});
    await eventually(() => movementCount(storeId, sku), (count) => count === version, 30_000);
    const run = await api("POST", "/v1/admin/reconcile", { token: ADMIN, body: { storeIds: [storeId] } });
    expect(run.body).toMatchObject({ clean: true });
  });

  it("a database failing one connection in three: batches retry with backoff and nothing is lost or doubled", async () => {
    const { storeId, sku } = await freshCell();
    await databaseFaults({ failEvery: 3 });
    const version = await traffic(storeId, sku);
    await eventually(() => movementCount(storeId, sku).catch(() => -1), (count) => count === version, 45_000);
    await databaseFaults({});
    expect(await movementCount(storeId, sku)).toBe(version);
    const run = await api("POST", "/v1/admin/reconcile", { token: ADMIN, body: { storeIds: [storeId] } });
    expect(run.body).toMatchObject({ clean: true });
  });

  it("a reconciliation whose stock cells cannot be reached says so, not that the reporting database is down", async () => {
    const { storeId } = await freshCell();
    const unreachable = {
      idFromName: (name: string) => name,
      get: () => ({
        read: async () => {
          throw new Error("cell unreachable");
        },
      }),
    };
    const failing = reconcile({ ...env, STOCK_CELL: unreachable as unknown as typeof env.STOCK_CELL }, { storeIds: [storeId], trigger: "test" });
    await expect(failing).rejects.toMatchObject({ code: "unavailable", message: expect.stringContaining("stock cells could not all be reached") });
    await expect(failing).rejects.not.toMatchObject({ message: expect.stringContaining("reporting database cannot be reached") });
  });
});

