// `npm start`'s demo chain (scripts/demo-data.mjs) against the test kit's service: a first run
// stopped part-way (Ctrl-C while it seeds) is completed by the next, which changes nothing
// that is already there.
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEMO_SKUS, DEMO_STORES, seedDemoData } from "../../scripts/demo-data.mjs";
import { startInventory, type Inventory } from "../kit";

let inventory: Inventory;
beforeAll(async () => {
  const [first] = DEMO_STORES;
  const { storeId, ...store } = first!;
  // What a first run had done when it was stopped: one store, one of its SKUs, since sold from.
  inventory = await startInventory({ reports: false, seed: { stores: [{ storeId, ...store }], cells: [{ storeId, sku: DEMO_SKUS[0]!.sku, onHand: 7 }] } });
});
afterAll(() => inventory?.stop());

it("completes a demo chain a first run left half-seeded, keeping what is there, and then has nothing to add", { timeout: 60_000 }, async () => {
  const completed = await seedDemoData(inventory.url, inventory.adminToken);
  expect(completed).toEqual({ seeded: true, stores: DEMO_STORES.length });
  const stores = await inventory.client.stores.list();
  expect(stores.items.map((store) => store.storeId).sort()).toEqual(DEMO_STORES.map((store) => store.storeId).sort());
  for (const { storeId } of DEMO_STORES) {
    for (const { sku, onHand } of DEMO_SKUS) {
      const cell = await inventory.client.cells.get(storeId, sku);
      expect(cell.onHand, `${storeId}/${sku}`).toBe(storeId === DEMO_STORES[0]!.storeId && sku === DEMO_SKUS[0]!.sku ? 7 : onHand);
    }
  }
  expect(await seedDemoData(inventory.url, inventory.adminToken)).toEqual({ seeded: false, stores: DEMO_STORES.length });
});
