import { and, eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { cells } from "../../schema/db/tables";
import { ADMIN, api, eventually, freshCell, readCell, reportingQuery, settledMovements } from "./helpers";

/**
 * Reconciliation's repair mends the snapshot rows a resend cannot (the consumer takes a
 * snapshot only from a newer version): damaged in place at the cell's version, ahead of the
 * cell, or with no cell behind it. Afterwards the next run is clean and the cell's changes flow on.
 */

const rowOf = (storeId: string, sku: string) => reportingQuery((db) => db.select().from(cells).where(and(eq(cells.storeId, storeId), eq(cells.sku, sku))));
const reconcile = (storeId: string, repair = false) => api("POST", "/v1/admin/reconcile", { token: ADMIN, body: { storeIds: [storeId], ...(repair ? { repair: true } : {}) } });

it("sets a snapshot row damaged at its version or ahead of its cell to the cell's counts, and removes one with no cell", { timeout: 60_000 }, async () => {
  const { storeId, sku } = await freshCell();
  await settledMovements(storeId, sku);
  const cell = await readCell(storeId, sku);
  // In place, at the cell's version; and a row for a SKU the store has no cell of.
  await reportingQuery((db) => db.update(cells).set({ onHand: cell.onHand + 5 }).where(and(eq(cells.storeId, storeId), eq(cells.sku, sku))));
  const [row] = await rowOf(storeId, sku);
  await reportingQuery((db) => db.insert(cells).values({ ...row!, sku: "phantom", version: 62 }));

  const found = await reconcile(storeId, true);
  expect(found.status, JSON.stringify(found.body)).toBe(200);
  expect(found.body.differences.map((difference: { sku: string; kind: string }) => [difference.sku, difference.kind]).sort()).toEqual([
    ["phantom", "unknown_cell"],
    [sku, "snapshot_mismatch"],
  ]);
  expect(found.body.repairs).toEqual(expect.arrayContaining([{ storeId, sku, snapshot: "set" }, { storeId, sku: "phantom", snapshot: "removed" }]));
  expect((await reconcile(storeId)).body).toMatchObject({ clean: true, differences: [] });
  expect(await rowOf(storeId, "phantom")).toEqual([]);
  expect((await rowOf(storeId, sku))[0]).toMatchObject({ version: cell.version, onHand: cell.onHand });

  // Ahead of its cell: the consumer would take none of the cell's next changes until they passed it.
  await reportingQuery((db) => db.update(cells).set({ version: cell.version + 3 }).where(and(eq(cells.storeId, storeId), eq(cells.sku, sku))));
  const aheadRun = await reconcile(storeId, true);
  expect(aheadRun.body.differences).toEqual([expect.objectContaining({ sku, kind: "snapshot_mismatch" })]);
  expect(aheadRun.body.repairs).toEqual([{ storeId, sku, snapshot: "set" }]);
  expect((await api("POST", `/v1/stores/${storeId}/skus/${sku}/adjustments`, { token: ADMIN, body: { delta: 2, reason: "receive" } })).status).toBe(200);
  const after = await readCell(storeId, sku);
  await eventually(
    () => rowOf(storeId, sku),
    (rows) => rows[0]?.version === after.version && rows[0]?.onHand === after.onHand,
  );
  expect((await reconcile(storeId)).body).toMatchObject({ clean: true });
});
