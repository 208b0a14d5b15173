import { afterAll, beforeAll, expect, it } from "vitest";
import { isInventoryApiError, startInventory, type Inventory } from "../kit";

// The service clock is a local-mode convenience: with LOCAL_MODE other than "true" (production)
// its routes do not exist, even for an admin.
let inventory: Inventory;
beforeAll(async () => {
  inventory = await startInventory({ reports: false, bindings: { LOCAL_MODE: "false" } });
});
afterAll(() => inventory?.stop());

it("answers 404 for the clock and the tick outside local mode", async () => {
  const clock = await inventory.client.local.clock({ advanceSeconds: 60 }).catch((error: unknown) => error);
  expect(isInventoryApiError(clock, "not_found")).toBe(true);
  const tick = await inventory.client.local.tick().catch((error: unknown) => error);
  expect(isInventoryApiError(tick, "not_found")).toBe(true);
  await expect(inventory.advanceTime(60)).rejects.toMatchObject({ code: "not_found", status: 404 });
});

it("keeps the connection usable after those 404s, answered before their body was read (local runtime, LOCAL_MODE false)", async () => {
  const failures: unknown[] = [];
  for (let round = 0; round < 60; round += 1) {
    const refused = await inventory.client.local.clock({ advanceSeconds: 1 }).catch((error: unknown) => error);
    expect(isInventoryApiError(refused, "not_found")).toBe(true);
    await inventory.client.health().catch((error: unknown) => failures.push(String(error)));
  }
  expect(failures).toEqual([]);
});
