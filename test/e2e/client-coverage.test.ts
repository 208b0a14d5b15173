// Every /v1 operation in the service's own OpenAPI document has a client method, and that
// method calls exactly that method and path: a new route without a client method fails here.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createClient, type InventoryClient } from "../../workers/client";
import { startInventory, type Inventory } from "../kit";

type Call = (client: InventoryClient) => Promise<unknown> | string;
const body = {} as never;

/** Operation → a call of its client method with each path parameter given as its own `{name}`. */
const CALLS: Record<string, Call> = {
  "GET /v1/health": (c) => c.health(),
  "POST /v1/admin/tokens": (c) => c.admin.mintToken(body),
  "POST /v1/admin/reconcile": (c) => c.admin.reconcile(),
  "POST /v1/admin/holds/sweep": (c) => c.admin.sweepHolds(),
  "POST /v1/admin/local/clock": (c) => c.local.clock(body),
  "POST /v1/admin/local/tick": (c) => c.local.tick(),
  "POST /v1/admin/local/cron": (c) => c.local.cron(),
  "PUT /v1/stores/{storeId}": (c) => c.stores.put("{storeId}", body),
  "GET /v1/stores": (c) => c.stores.list(),
  "GET /v1/stores/{storeId}": (c) => c.stores.get("{storeId}"),
  "POST /v1/stores/{storeId}/events": (c) => c.stores.events("{storeId}", body),
  "GET /v1/stores/{storeId}/stock": (c) => c.stores.stock("{storeId}"),
  "GET /v1/stores/{storeId}/changes": (c) => c.stores.changes("{storeId}"),
  "GET /v1/stores/{storeId}/live": (c) => c.stores.liveUrl("{storeId}"),
  "POST /v1/stores/{storeId}/returns": (c) => c.stores.returns("{storeId}", body),
  "PUT /v1/stores/{storeId}/skus/{sku}": (c) => c.cells.allocate("{storeId}", "{sku}", body),
  "GET /v1/stores/{storeId}/skus/{sku}": (c) => c.cells.get("{storeId}", "{sku}"),
  "POST /v1/stores/{storeId}/skus/{sku}/adjustments": (c) => c.cells.adjust("{storeId}", "{sku}", body),
  "PUT /v1/stores/{storeId}/skus/{sku}/sold-out": (c) => c.cells.setSoldOut("{storeId}", "{sku}", body),
  "PUT /v1/stores/{storeId}/skus/{sku}/low-stock": (c) => c.cells.setLowStock("{storeId}", "{sku}", body),
  "GET /v1/availability": (c) => c.availability({ skus: ["a"], channel: "online" }),
  "POST /v1/reservations": (c) => c.reservations.create(body),
  "GET /v1/reservations/{reservationId}": (c) => c.reservations.get("{reservationId}"),
  "POST /v1/reservations/{reservationId}/confirm": (c) => c.reservations.confirm("{reservationId}"),
  "POST /v1/reservations/{reservationId}/release": (c) => c.reservations.release("{reservationId}"),
  "POST /v1/transfers": (c) => c.transfers.create(body),
  "POST /v1/stores/{storeId}/skus:import": (c) => c.skus.import("{storeId}", { format: "csv", body: "sku,onHand\n" }, { importId: "i-1" }),
  "POST /v1/skus:import": (c) => c.skus.importRegion({ region: "eu-west", importId: "i-1" }, { format: "ndjson", body: "{}" }),
  "GET /v1/stores/{storeId}/skus:export": (c) => c.skus.export("{storeId}"),
  "GET /v1/skus:export": (c) => c.skus.exportRegion({ region: "eu-west" }),
  "POST /v1/webhooks": (c) => c.webhooks.create(body),
  "GET /v1/webhooks": (c) => c.webhooks.list(),
  "DELETE /v1/webhooks/{id}": (c) => c.webhooks.delete("{id}"),
  "GET /v1/webhooks/{id}/deliveries": (c) => c.webhooks.deliveries("{id}"),
  "POST /v1/webhooks/{id}/deliveries/{deliveryId}/replay": (c) => c.webhooks.replay("{id}", "{deliveryId}"),
  "GET /v1/transfers/{transferId}": (c) => c.transfers.get("{transferId}"),
  "POST /v1/transfers/{transferId}/receive": (c) => c.transfers.receive("{transferId}", body),
  "POST /v1/transfers/{transferId}/cancel": (c) => c.transfers.cancel("{transferId}"),
  "GET /v1/oversells": (c) => c.oversells.list(),
  "POST /v1/oversells/{id}/resolve": (c) => c.oversells.resolve("{id}", body),
  "GET /v1/reports/stock": (c) => c.reports.stock(),
  "GET /v1/reports/movements": (c) => c.reports.movements(),
  "GET /v1/reports/channel-usage": (c) => c.reports.channelUsage(),
  "GET /v1/reports/reservations": (c) => c.reports.reservations(),
  "GET /v1/reports/oversells": (c) => c.reports.oversells(),
  "GET /v1/reports/queue-lag": (c) => c.reports.queueLag(),
  "GET /v1/reports/dead-letters": (c) => c.reports.deadLetters(),
  "GET /v1/reports/reconciliation": (c) => c.reports.reconciliation(),
};

let inventory: Inventory;
beforeAll(async () => {
  inventory = await startInventory({ reports: false, seed: { stores: [{ storeId: "porto-01", name: "Porto", region: "eu-west", timezone: "Europe/Lisbon" }] } });
});
afterAll(() => inventory?.stop());

it("has a method for every /v1 operation of the OpenAPI document", async () => {
  const document = (await (await fetch(`${inventory.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  const operations = Object.entries(document.paths)
    .filter(([path]) => path.startsWith("/v1/"))
    .flatMap(([path, item]) => Object.keys(item).filter((method) => ["get", "put", "post", "patch", "delete"].includes(method)).map((method) => `${method.toUpperCase()} ${path}`));
  expect(operations.length).toBeGreaterThan(30);
  expect(operations.filter((operation) => !(operation in CALLS))).toEqual([]);
  expect(Object.keys(CALLS).filter((operation) => !operations.includes(operation))).toEqual([]);
});

it("calls exactly the method and path of each operation", async () => {
  let seen = "";
  const recorder = createClient({
    baseUrl: "http://inventory.test",
    fetch: async (request) => {
      seen = `${request.method} ${decodeURIComponent(new URL(request.url).pathname)}`;
      return new Response("{}", { status: 200, headers: { "content-type": "application/json" } });
    },
  });
  for (const [operation, call] of Object.entries(CALLS)) {
    const result = call(recorder);
    if (typeof result === "string") seen = `GET ${decodeURIComponent(new URL(result).pathname)}`;
    else await result;
    expect(seen, operation).toBe(operation);
  }
});

it("sends files as text with their content type: a CSV import, then the export", async () => {
  const file = { format: "csv" as const, body: "sku,onHand\nmilk-1l,120,pos:40:1,online:30:1,policy=weighted,low=10\nbread,35,low.online=5\n" };
  const imported = await inventory.client.skus.import("porto-01", file, { importId: "porto-initial" });
  expect(imported).toMatchObject({ importId: "porto-initial", applied: 2, failed: 0, invalid: 0 });
  expect((await inventory.client.cells.get("porto-01", "milk-1l")).channels.pos?.quota).toBe(40);
  const csv = await inventory.client.skus.export("porto-01");
  expect(csv).toContain("milk-1l");
  expect(csv).toContain("bread");

  // Page by page (one SKU a page), following each page's cursor: the same rows.
  const rowsOf = (text: string) => text.trim().split("\r\n").slice(1);
  const paged: string[] = [];
  let page = await inventory.client.skus.exportPage("porto-01", { limit: 1 });
  for (;;) {
    paged.push(...rowsOf(page.csv));
    if (page.next === null) break;
    page = await inventory.client.skus.exportPage("porto-01", { limit: 1, cursor: page.next });
  }
  expect(paged).toEqual(rowsOf(csv));
  expect(paged.length).toBeGreaterThanOrEqual(2);
});
