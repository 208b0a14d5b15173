import { afterAll, beforeAll, expect, it } from "vitest";
import { isInventoryApiError, startInventory, type Inventory } from "../kit";

// workerd closes a kept-alive connection when the Worker answered without reading the body;
// the next request on it then fails ("other side closed"). The Worker reads what is left in
// local mode (workers/middleware/drain-body.ts), so refused calls never break the next one.
let inventory: Inventory;
beforeAll(async () => {
  inventory = await startInventory({ reports: false });
});
afterAll(() => inventory?.stop());

it("keeps the connection usable after answers given before the body was read", async () => {
  const service = await inventory.clientFor("service");
  const failures: unknown[] = [];
  for (let round = 0; round < 60; round += 1) {
    // 403 from the role check, before the route reads its body.
    const refused = await service.local.clock({ advanceSeconds: 1 }).catch((error: unknown) => error);
    expect(isInventoryApiError(refused, "forbidden")).toBe(true);
    await inventory.client.health().catch((error: unknown) => failures.push(error));
  }
  expect(failures).toEqual([]);
});
