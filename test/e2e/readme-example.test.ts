// The example test of the README ("For integrators"), verbatim but for the import path.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startInventory, isInventoryApiError, type Inventory } from "../kit";

let inventory: Inventory;
beforeAll(async () => {
  inventory = await startInventory({
    seed: {
      stores: [{ storeId: "berlin-01", name: "Berlin", region: "eu-central", timezone: "Europe/Berlin" }],
      cells: [{ storeId: "berlin-01", sku: "milk-1l", onHand: 10, channels: { online: { quota: 5, weight: 1 } } }],
    },
  });
}, 60_000); // a first start can take longer than vitest's default 10 s
afterAll(() => inventory?.stop());

it("holds stock for a cart until it expires", async () => {
  const checkout = await inventory.clientFor("service");
  await checkout.reservations.create({ reservationId: "cart-1", channel: "online", ttlSeconds: 900, items: [{ storeId: "berlin-01", sku: "milk-1l", qty: 2 }] });
  expect((await inventory.client.cells.get("berlin-01", "milk-1l")).reserved).toBe(2);

  await inventory.advanceTime(901); // no sleeping
  expect((await checkout.reservations.get("cart-1")).status).toBe("expired");
  const late = await checkout.reservations.confirm("cart-1").catch((error: unknown) => error);
  expect(isInventoryApiError(late, "conflict")).toBe(true);

  const till = await inventory.goOffline("berlin-01");
  till.sale("milk-1l", 1).sale("milk-1l", 2);
  const { results } = await till.replay();
  expect(results.map((result) => result.outcome)).toEqual(["applied", "applied"]);
});
