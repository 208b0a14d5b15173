import { env } from "cloudflare:test";
import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { cells, movements } from "../../schema/db/tables";
import { withReportingDb } from "../../workers/reporting/db";
import { ADMIN, allocate, api, eventually, putStore, readCell, unique } from "./helpers";

const query = <T>(work: Parameters<typeof withReportingDb<T>>[1]) => withReportingDb(env, work);

async function settled(storeId: string, sku: string) {
  const cell = await readCell(storeId, sku);
  return eventually(
    () => query((db) => db.select().from(movements).where(and(eq(movements.storeId, storeId), eq(movements.sku, sku))).orderBy(asc(movements.seq))),
    (rows) => rows.length === cell.version,
    30_000,
  );
}

describe("returns and transfers in the reports", () => {
  it("records every step as a movement with its reference and reason, and reconciliation stays clean", async () => {
    const from = unique("src");
    const to = unique("dst");
    const sku = unique("sku");
    await putStore(from);
    await putStore(to);
    await allocate(from, sku, { onHand: 40 });
    await allocate(to, sku, { onHand: 0 });
    const transferId = unique("tr");
    expect((await api("POST", "/v1/transfers", { token: ADMIN, body: { transferId, from: { storeId: from }, to: { storeId: to }, items: [{ sku, qty: 10 }] } })).status).toBe(201);
    expect((await api("POST", `/v1/transfers/${transferId}/receive`, { token: ADMIN, body: { items: [{ sku, qty: 8, reason: "broken" }] } })).status).toBe(200);
    const returnId = unique("rma");
    expect((await api("POST", `/v1/stores/${to}/returns`, { token: ADMIN, body: { returnId, items: [{ sku, qty: 2 }], reason: "customer_return" } })).status).toBe(201);

    const source = await settled(from, sku);
    expect(source.map((row) => [row.kind, row.onHandAfter - row.onHandBefore, row.reference, row.reason])).toEqual([
      ["allocate", 40, null, null],
      ["transfer_out", -10, `transfer:${transferId}#1`, "transfer"],
      ["transfer_loss", 0, `transfer:${transferId}#1`, "broken"],
    ]);
    expect(source[2]!.qty).toBe(2);
    const destination = await settled(to, sku);
    expect(destination.map((row) => [row.kind, row.onHandAfter - row.onHandBefore, row.reference])).toEqual([
      ["allocate", 0, null],
      ["transfer_expected", 0, `transfer:${transferId}#1`],
      ["transfer_in", 8, `transfer:${transferId}#1`],
      ["return", 2, `return:${returnId}`],
    ]);
    const snapshot = await eventually(
      () => query((db) => db.select().from(cells).where(and(eq(cells.storeId, to), eq(cells.sku, sku)))),
      (rows) => rows[0]?.version === 4,
    );
    expect(snapshot[0]).toMatchObject({ onHand: 10, incoming: 0, inTransit: 0 });

    const run = await api("POST", "/v1/admin/reconcile", { token: ADMIN, body: { storeIds: [from, to] } });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ clean: true, cellsChecked: 2, differences: [] });
  });

  it("an in-transit transfer shows on both snapshot rows", async () => {
    const from = unique("src");
    const to = unique("dst");
    const sku = unique("sku");
    await putStore(from);
    await putStore(to);
    await allocate(from, sku, { onHand: 9 });
    await allocate(to, sku, { onHand: 1 });
    expect((await api("POST", "/v1/transfers", { token: ADMIN, body: { transferId: unique("tr"), from: { storeId: from }, to: { storeId: to }, items: [{ sku, qty: 4 }] } })).status).toBe(201);
    const rows = await eventually(
      () => query((db) => db.select().from(cells).where(eq(cells.sku, sku))),
      (found) => found.length === 2 && found.every((row) => row.version === 2),
      30_000,
    );
    const byStore = Object.fromEntries(rows.map((row) => [row.storeId, row]));
    expect(byStore[from]).toMatchObject({ onHand: 5, inTransit: 4, incoming: 0 });
    expect(byStore[to]).toMatchObject({ onHand: 1, inTransit: 0, incoming: 4 });
  });
});
