import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { StoreHub } from "../../durable-objects/store-hub";
import { hubStub } from "../../durable-objects/stubs";
import { ADMIN, allocate, api, eventually, putStore, readCell, reserve, unique } from "./helpers";

function importCsv(storeId: string, csv: string, importId = unique("imp")) {
  return api("POST", `/v1/stores/${storeId}/skus:import?importId=${importId}`, { token: ADMIN, rawBody: csv, headers: { "content-type": "text/csv" } });
}

async function newStore(): Promise<string> {
  const storeId = unique("store");
  await putStore(storeId);
  return storeId;
}

/** Runs `work` on the store hub's own SQLite. */
function onHubSql<T>(storeId: string, work: (sql: SqlStorage) => T): Promise<T> {
  return runInDurableObject(hubStub(env, storeId), (_instance, state) => work(state.storage.sql));
}

/** The store hub's row for a SKU: whether it has a cell, and whether something is staged for it. */
const hubRow = (storeId: string, sku: string) =>
  onHubSql(storeId, (sql) => sql.exec<{ claimed: number; staged: string | null }>("SELECT claimed, staged FROM cells WHERE sku = ?", sku).toArray()[0] ?? null);

const stagedCount = (storeId: string) => onHubSql(storeId, (sql) => sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM cells WHERE staged IS NOT NULL").one().n);

async function feedVersions(storeId: string, sku: string): Promise<number[]> {
  const page = await api("GET", `/v1/stores/${storeId}/changes?after=0`, { token: ADMIN });
  expect(page.status).toBe(200);
  return page.body.changes.filter((change: { sku: string }) => change.sku === sku).map((change: { version: number }) => change.version);
}

describe("imports into SKUs that have no cell yet (staged in the store's hub)", () => {
  it("answers with every line applied; the first use adopts the import, and the hub creates the other cells", async () => {
    const storeId = await newStore();
    const response = await importCsv(storeId, "sku,onHand\na,10,low=3\nb,20\nc,0");
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.outcomes.map((o: { sku: string; outcome: string; version: number }) => [o.sku, o.outcome, o.version])).toEqual([
      ["a", "applied", 1],
      ["b", "applied", 1],
      ["c", "applied", 1],
    ]);
    // The store's stock (the hub) has the levels at once.
    const stock = await api("GET", `/v1/stores/${storeId}/stock`, { token: ADMIN });
    expect(stock.body.items.map((item: { sku: string; onHand: number }) => [item.sku, item.onHand])).toEqual([["a", 10], ["b", 20], ["c", 0]]);

    // A reservation takes from the imported stock, after the import in the cell's history.
    expect((await reserve({ reservationId: unique("o"), channel: "online", items: [{ storeId, sku: "a", qty: 2 }] })).status).toBe(201);
    expect(await readCell(storeId, "a")).toMatchObject({ onHand: 10, reserved: 2, version: 2, lowStock: { overall: 3 } });
    expect(await eventually(() => feedVersions(storeId, "a"), (versions) => versions.length === 2)).toEqual([1, 2]);

    // Nobody reads b or c: the hub's alarm creates their cells, which take what was staged.
    await eventually(() => stagedCount(storeId), (n) => n === 0, 20_000);
    expect(await hubRow(storeId, "b")).toEqual({ claimed: 1, staged: null });
    expect(await readCell(storeId, "b")).toMatchObject({ onHand: 20, version: 1 });
    expect(await readCell(storeId, "c")).toMatchObject({ onHand: 0, soldOut: false, version: 1 });
  });

  it("the reports receive a staged import's changes without anyone reading the cells", async () => {
    const storeId = await newStore();
    expect((await importCsv(storeId, "sku,onHand\nr1,4\nr2,5")).status).toBe(201);
    const lag = await eventually(
      () => api("GET", `/v1/reports/queue-lag?storeId=${storeId}`, { token: ADMIN }),
      (r) => r.status === 200 && r.body.items[0]?.laggingSkus === 0,
      30_000,
    );
    expect(lag.body.items[0]).toMatchObject({ storeId, laggingSkus: 0 });
  });

  it("a second import before the cell exists applies on top of the first, and the cell keeps both", async () => {
    const storeId = await newStore();
    const first = await importCsv(storeId, "sku,onHand\nx,5");
    const second = await importCsv(storeId, "sku,onHand\nx,8,low=2");
    expect(first.body.outcomes[0]).toMatchObject({ outcome: "applied", version: 1 });
    expect(second.body.outcomes[0]).toMatchObject({ outcome: "applied", version: 2 });
    expect(await readCell(storeId, "x")).toMatchObject({ onHand: 8, version: 2, lowStock: { overall: 2 } });
    expect(await feedVersions(storeId, "x")).toEqual([1, 2]);
  });

  it("repeating an import after its cells were created answers as before and applies nothing again", async () => {
    const storeId = await newStore();
    const importId = unique("imp");
    expect((await importCsv(storeId, "sku,onHand\ny,3", importId)).status).toBe(201);
    expect(await readCell(storeId, "y")).toMatchObject({ onHand: 3, version: 1 });
    const again = await importCsv(storeId, "sku,onHand\ny,3", importId);
    expect(again.status).toBe(200);
    expect(again.body.outcomes[0]).toMatchObject({ outcome: "applied", version: 1 });
    expect(await readCell(storeId, "y")).toMatchObject({ onHand: 3, version: 1 });
  });

  it("an import into a SKU whose cell exists goes to the cell", async () => {
    const storeId = await newStore();
    await allocate(storeId, "z", { onHand: 4 });
    const response = await importCsv(storeId, "sku,onHand\nz,7");
    expect(response.body.outcomes[0]).toMatchObject({ outcome: "applied", version: 2 });
    expect(await hubRow(storeId, "z")).toEqual({ claimed: 1, staged: null });
    expect(await readCell(storeId, "z")).toMatchObject({ onHand: 7, version: 2 });
  });

  it("a write that can create a cell (an allocation) marks its SKU, so a later import goes to that cell; a read or a refused write does not", async () => {
    const storeId = await newStore();
    expect((await api("GET", `/v1/stores/${storeId}/skus/read-only`, { token: ADMIN })).status).toBe(404);
    expect(await hubRow(storeId, "read-only")).toBeNull();
    // Refused by a cell without state: nothing marked (the store's SKU list stays its own).
    const refused = await reserve({ reservationId: unique("o"), channel: "online", items: [{ storeId, sku: "w", qty: 1 }] });
    expect(refused.status).toBe(409);
    expect(await hubRow(storeId, "w")).toBeNull();

    await allocate(storeId, "w", { onHand: 2 });
    expect(await hubRow(storeId, "w")).toEqual({ claimed: 1, staged: null });
    const response = await importCsv(storeId, "sku,onHand\nw,6");
    expect(response.body.outcomes[0]).toMatchObject({ outcome: "applied", version: 2 });
    expect(await hubRow(storeId, "w")).toEqual({ claimed: 1, staged: null });
    expect(await readCell(storeId, "w")).toMatchObject({ onHand: 6, version: 2 });
  });

  it("lists a SKU a cell marked before its first write, though the cell has delivered nothing yet (the process died in between)", async () => {
    const storeId = await newStore();
    const listed = await runInDurableObject(hubStub(env, storeId), async (hub: StoreHub) => {
      hub.claim({ storeId, sku: "m-marked" }, true);
      hub.claim({ storeId, sku: "m-read" }, false); // a read marks nothing
      return [hub.skus(), hub.skus("", 1), hub.skus("m-marked")];
    });
    expect(listed).toEqual([["m-marked"], ["m-marked"], []]);
  });

  it("answers views of the SKUs it still holds staged (no cell has taken them), and none once a cell has", async () => {
    const storeId = await newStore();
    const allocation = (onHand: number) => ({ type: "import" as const, opId: `import:${unique("v")}`, onHand, channels: {}, sharedPolicy: "first-come" as const });
    const [staged, taken] = await runInDurableObject(hubStub(env, storeId), async (hub: StoreHub) => {
      await hub.stage(storeId, [{ sku: "v1", command: allocation(7) }, { sku: "v2", command: allocation(8) }]);
      // No await between: the hub's alarm (which creates the cells) cannot run in between.
      const before = hub.stagedViews(["v1", "v2", "never"]);
      hub.claim({ storeId, sku: "v2" }, true); // a cell takes v2
      return [before, hub.stagedViews(["v1", "v2"])];
    });
    expect([...staged.keys()].sort()).toEqual(["v1", "v2"]);
    expect(staged.get("v1")).toMatchObject({ storeId, sku: "v1", onHand: 7, reserved: 0, version: 1 });
    expect([...taken.keys()]).toEqual(["v1"]);
    // What the hub answered is what the cell answers once it exists.
    expect(await readCell(storeId, "v1")).toMatchObject({ onHand: 7, version: staged.get("v1")!.version, updatedAt: staged.get("v1")!.updatedAt });
  });

  it("reservations racing an import on new SKUs never take more than was imported", async () => {
    const storeId = await newStore();
    const skus = ["p", "q", "s"];
    const orders = Array.from({ length: 12 }, (_, i) => reserve({ reservationId: unique("o"), channel: "online", items: [{ storeId, sku: skus[i % 3]!, qty: 1 }] }));
    const imported = importCsv(storeId, ["sku,onHand", ...skus.map((sku) => `${sku},2`)].join("\n"));
    const [answers, importAnswer] = await Promise.all([Promise.all(orders), imported]);
    expect(importAnswer.status).toBe(201);
    const taken = answers.filter((answer) => answer.status === 201).length;
    for (const answer of answers) expect([201, 404, 409, 422]).toContain(answer.status);
    const cells = await Promise.all(skus.map((sku) => readCell(storeId, sku)));
    for (const cell of cells) {
      expect(cell.onHand).toBe(2);
      expect(cell.reserved).toBeLessThanOrEqual(2);
    }
    expect(cells.reduce((sum, cell) => sum + cell.reserved, 0)).toBe(taken);
  });
});
