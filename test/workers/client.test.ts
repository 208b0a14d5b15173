// The typed client inside workerd (a Worker calling the service through a binding's fetch):
// fetch only, no Node APIs. In Node: test/e2e and test/unit/client.test.ts; in a browser: the dashboard.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createClient, isInventoryApiError } from "../../workers/client";
import { ADMIN, unique } from "./helpers";

const client = createClient({ baseUrl: "http://inventory.test", token: ADMIN, fetch: (request) => SELF.fetch(request) });

describe("the typed client in a Worker", () => {
  it("creates a store and a cell, reserves, confirms, and reads typed errors", async () => {
    const storeId = unique("client");
    expect((await client.stores.put(storeId, { name: "Client test", region: "eu-central", timezone: "Europe/Berlin" })).storeId).toBe(storeId);
    const cell = await client.cells.allocate(storeId, "tea", { onHand: 5, channels: { online: { quota: 3, weight: 1 } } });
    expect(cell).toMatchObject({ onHand: 5, reserved: 0 });

    const reservation = await client.reservations.create({ reservationId: unique("order"), channel: "online", items: [{ storeId, sku: "tea", qty: 2 }] });
    expect(reservation.status).toBe("pending");
    expect((await client.reservations.confirm(reservation.reservationId)).status).toBe("confirmed");
    expect((await client.cells.get(storeId, "tea")).onHand).toBe(3);

    const short = await client.reservations
      .create({ reservationId: unique("order"), channel: "online", items: [{ storeId, sku: "tea", qty: 9 }] })
      .catch((error: unknown) => error);
    expect(isInventoryApiError(short, "insufficient_stock")).toBe(true);
    const anonymous = await createClient({ baseUrl: "http://inventory.test", fetch: (request) => SELF.fetch(request) })
      .cells.get(storeId, "tea")
      .catch((error: unknown) => error);
    expect(isInventoryApiError(anonymous, "unauthorized")).toBe(true);
  });

  it("allocates only if the cell is at the version it was decided on (ifVersion)", async () => {
    const storeId = unique("client");
    await client.stores.put(storeId, { name: "Client test", region: "eu-central", timezone: "Europe/Berlin" });
    const read = await client.cells.allocate(storeId, "tea", { onHand: 5 });
    const changed = await client.cells.allocate(storeId, "tea", { onHand: 6 }, { ifVersion: read.version });
    expect(changed.onHand).toBe(6);
    const stale = await client.cells.allocate(storeId, "tea", { onHand: 7 }, { ifVersion: read.version }).catch((error: unknown) => error);
    expect(isInventoryApiError(stale, "precondition_failed")).toBe(true);
    expect((await client.cells.get(storeId, "tea")).onHand).toBe(6);
  });
});
