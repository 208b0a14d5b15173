import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createClient, isInventoryApiError, OfflineStore, ReplayInterruptedError, startInventory, type Inventory } from "../kit";

let inventory: Inventory;

beforeAll(async () => {
  inventory = await startInventory({
    seed: {
      stores: [
        { storeId: "berlin-01", name: "Berlin", region: "eu-central", timezone: "Europe/Berlin" },
        { storeId: "paris-01", name: "Paris", region: "eu-west", timezone: "Europe/Paris" },
      ],
      cells: [
        { storeId: "berlin-01", sku: "milk", onHand: 10, channels: { online: { quota: 4, weight: 1 }, pos: { quota: 4, weight: 1 } } },
        { storeId: "berlin-01", sku: "bread", onHand: 5 },
        { storeId: "paris-01", sku: "milk", onHand: 3 },
      ],
    },
  });
});
afterAll(() => inventory?.stop());

describe("the test kit", () => {
  it("boots the seeded service and answers the client", async () => {
    const { client } = inventory;
    expect((await client.health()).status).toBe("ok");
    // Requests carry no location (not Miniflare's placeholder Austin, Texas): DEFAULT_REGION.
    expect((await fetch(`${inventory.url}/v1/health`)).headers.get("x-inventory-region")).toBe("eu-central");
    const stores = await client.stores.list();
    expect(stores.items.map((store) => store.storeId).sort()).toEqual(["berlin-01", "paris-01"]);
    const cell = await client.cells.get("berlin-01", "milk");
    expect(cell).toMatchObject({ onHand: 10, reserved: 0 });
    expect(cell.channels.online?.quota).toBe(4);
  });

  it("reserves and confirms: the units leave on hand", async () => {
    const service = await inventory.clientFor("service");
    const created = await service.reservations.create({ reservationId: "order-1", channel: "online", items: [{ storeId: "berlin-01", sku: "milk", qty: 2 }] });
    expect(created.status).toBe("pending");
    expect((await inventory.client.cells.get("berlin-01", "milk")).reserved).toBe(2);
    expect(await service.reservations.confirm("order-1")).toEqual({ reservationId: "order-1", status: "confirmed" });
    expect(await inventory.client.cells.get("berlin-01", "milk")).toMatchObject({ onHand: 8, reserved: 0 });
  });

  it("expires a reservation when the test makes its time to live pass, without sleeping", async () => {
    const { client } = inventory;
    await client.reservations.create({ reservationId: "order-2", channel: "online", ttlSeconds: 600, items: [{ storeId: "berlin-01", sku: "bread", qty: 3 }] });
    expect((await client.cells.get("berlin-01", "bread")).reserved).toBe(3);

    const early = await inventory.advanceTime(300);
    expect(early.expired).not.toContain("order-2");
    expect((await client.reservations.get("order-2")).status).toBe("pending");

    const due = await inventory.advanceTime(301);
    expect(due.expired).toContain("order-2");
    expect(await client.cells.get("berlin-01", "bread")).toMatchObject({ onHand: 5, reserved: 0 });
    expect((await client.reservations.get("order-2")).status).toBe("expired");
    // Confirming after expiry is a conflict, as a typed error value.
    const error = await client.reservations.confirm("order-2").catch((caught: unknown) => caught);
    expect(isInventoryApiError(error, "conflict")).toBe(true);
    expect(inventory.now().getTime()).toBeGreaterThan(Date.now() + 600_000);
  });

  it("lets only an admin move the clock, and only forward from real time", async () => {
    const service = await inventory.clientFor("service");
    const forbidden = await service.local.clock({ advanceSeconds: 1 }).catch((caught: unknown) => caught);
    expect(isInventoryApiError(forbidden, "forbidden")).toBe(true);
    const both = await inventory.client.local.clock({ advanceSeconds: 1, offsetSeconds: 1 }).catch((caught: unknown) => caught);
    expect(isInventoryApiError(both, "invalid_request")).toBe(true);
    await expect(inventory.advanceTime(-5)).rejects.toThrow(RangeError);
  });

  it("throws typed errors carrying the API's code and details", async () => {
    const error = await inventory.client.reservations
      .create({ reservationId: "order-3", channel: "online", items: [{ storeId: "paris-01", sku: "milk", qty: 4 }] })
      .catch((caught: unknown) => caught);
    expect(isInventoryApiError(error, "insufficient_stock")).toBe(true);
    if (!isInventoryApiError(error)) throw error;
    expect(error.status).toBe(409);
    expect(error.details?.shortages).toEqual([expect.objectContaining({ storeId: "paris-01", sku: "milk", requested: 4, available: 3 })]);

    const scoped = await inventory.clientFor("store", ["paris-01"]);
    const forbidden = await scoped.cells.adjust("berlin-01", "milk", { delta: 1, reason: "receive" }).catch((caught: unknown) => caught);
    expect(isInventoryApiError(forbidden, "forbidden")).toBe(true);
  });

  it("replays a store's offline sales in order; one too many is an oversell", async () => {
    const pos = await inventory.goOffline("paris-01");
    // While the store is offline, an online order holds 2 of its 3 units.
    await inventory.client.reservations.create({ reservationId: "order-4", channel: "online", items: [{ storeId: "paris-01", sku: "milk", qty: 2 }] });
    pos.sale("milk", 1).sale("milk", 1);
    expect(pos.pending).toHaveLength(2);

    const replayed = await pos.replay();
    expect(replayed.results.map((result) => result.outcome)).toEqual(["applied", "applied"]);
    expect(pos.pending).toHaveLength(0);
    const cell = replayed.cells.find((candidate) => candidate.sku === "milk")!;
    expect(cell).toMatchObject({ onHand: 1, reserved: 2, oversold: true });

    // The cell delivers its oversell record to the chain-wide index moments later.
    await expect.poll(async () => (await inventory.client.oversells.list({ storeId: "paris-01" })).items.length, { timeout: 30_000 }).toBeGreaterThan(0);
  });

  it("keeps the order events were recorded in, and refuses at once an event the service would refuse", async () => {
    const pos = await inventory.goOffline("berlin-01");
    // Back to back, in the same millisecond as likely as not: the sale comes after the count.
    pos.count("bread", 20).sale("bread", 2);
    const [counted, sold] = pos.pending;
    expect(Date.parse(sold!.at)).toBeGreaterThan(Date.parse(counted!.at));
    // A SKU the API refuses would make every replay fail: refused when recorded, nothing pending added.
    expect(() => pos.sale("bread!", 1)).toThrow(RangeError);
    expect(() => pos.sale("bread", 0)).toThrow(RangeError);
    expect(pos.pending).toHaveLength(2);
    const replayed = await pos.replay();
    expect(replayed.results.map((result) => result.outcome)).toEqual(["applied", "applied"]);
    expect(replayed.cells.find((cell) => cell.sku === "bread")).toMatchObject({ onHand: 18 });
  });

  it("refuses a time given as text that the service would refuse, instead of cutting or reading it", async () => {
    const pos = await inventory.goOffline("berlin-01");
    expect(() => pos.sale("bread", 1, "2026-12-07T01:00:00.1234Z")).toThrow(RangeError);
    expect(() => pos.sale("bread", 1, "2026-12-07T01:00:00")).toThrow(RangeError);
    expect(() => pos.sale("bread", 1, new Date(Number.NaN))).toThrow(RangeError);
    expect(pos.pending).toHaveLength(0);
    pos.sale("bread", 1, "2026-12-07T02:00:00.123+01:00").sale("bread", 1, new Date("2026-12-07T01:00:00.124Z"));
    expect(pos.pending.map((event) => event.at)).toEqual(["2026-12-07T02:00:00.123+01:00", "2026-12-07T01:00:00.124Z"]);
  });

  it("a replay cut off by the network answers what was applied; the rest stays pending for the next", async () => {
    // A store of its own: its 1,500 sales stay out of the other tests' reports.
    await inventory.client.stores.put("oslo-01", { name: "Oslo", region: "eu-north", timezone: "Europe/Oslo" });
    await inventory.client.cells.allocate("oslo-01", "eggs", { onHand: 2_000 });
    const token = await inventory.tokenFor("store", ["oslo-01"]);
    let calls = 0;
    const flaky: typeof fetch = (input, init) => (++calls === 2 ? Promise.reject(new TypeError("fetch failed (network down)")) : fetch(input, init));
    const pos = new OfflineStore(createClient({ baseUrl: inventory.url, token, fetch: flaky }), "oslo-01", () => inventory.now().getTime());
    for (let i = 0; i < 1_500; i++) pos.sale("eggs", 1);

    const cut = await pos.replay().catch((error: unknown) => error);
    expect(cut).toBeInstanceOf(ReplayInterruptedError);
    const { applied, pendingCount, cause } = cut as ReplayInterruptedError;
    expect(applied.results).toHaveLength(1_000);
    expect(applied.results.every((result) => result.outcome === "applied")).toBe(true);
    expect([pendingCount, pos.pending.length]).toEqual([500, 500]);
    expect(cause).toBeInstanceOf(TypeError);
    expect((await inventory.client.cells.get("oslo-01", "eggs")).onHand).toBe(1_000);

    const rest = await pos.replay();
    expect(rest.results).toHaveLength(500);
    expect(pos.pending).toHaveLength(0);
    expect((await inventory.client.cells.get("oslo-01", "eggs")).onHand).toBe(500);
  });

  it("pages a CSV report with csvPage, each row once", async () => {
    const first = await inventory.client.reports.stock.csvPage({ limit: 1 });
    expect(first.csv.split("\r\n")[0]).toContain("storeId");
    expect(first.next).not.toBeNull();
    const second = await inventory.client.reports.stock.csvPage({ limit: 1, cursor: first.next! });
    expect(second.csv.split("\r\n")[1]).not.toBe(first.csv.split("\r\n")[1]);
  });

  it("gives a live URL a store's till can open with its own token", async () => {
    const till = await inventory.clientFor("store", ["berlin-01"]);
    const socket = new WebSocket(till.stores.liveUrl("berlin-01", { after: 0 }));
    const messages: Array<{ type: string; change?: { sku: string } }> = [];
    socket.on("message", (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => (socket.once("open", resolve), socket.once("error", reject)));
    try {
      await expect.poll(() => messages.some((message) => message.type === "change" && message.change?.sku === "milk"), { timeout: 30_000 }).toBe(true);
      expect(messages[0]?.type).toBe("hello");
    } finally {
      socket.close();
    }
  });

  it("writes the reports through the queue into PGlite, as JSON and CSV", async () => {
    await expect
      .poll(async () => (await inventory.client.reports.movements({ storeId: "berlin-01", kind: "confirm" })).items.length, { timeout: 60_000, interval: 500 })
      .toBeGreaterThan(0);
    const csv = await inventory.client.reports.movements({ storeId: "berlin-01", format: "csv" });
    expect(csv.split("\n")[0]).toContain("eventId");
    expect(csv).toContain("order-1");
  });
});

describe("starting the kit with options it cannot take", () => {
  it("refuses a binding the kit sets itself, naming the option to use", async () => {
    await expect(startInventory({ reports: false, bindings: { ADMIN_TOKEN: "mine" } })).rejects.toThrow(/adminToken/);
    // A limiter the Worker does not have would limit nothing.
    await expect(startInventory({ reports: false, rateLimits: { NOPE: { limit: 1 } } as never })).rejects.toThrow(/PUBLIC_LIMITER and TOKEN_LIMITER/);
  });

  const listening = () => process.getActiveResourcesInfo().filter((kind) => kind === "TCPServerWrap").length;

  it("says which option to change when its port is taken, and leaves no server listening", async () => {
    const before = listening();
    const port = Number(new URL(inventory.url).port);
    await expect(startInventory({ reports: false, port })).rejects.toThrow(`port ${port} is in use: give startInventory another \`port\``);
    await expect.poll(listening, { timeout: 5_000 }).toBe(before);
  });

  it("says why a databaseUrl cannot be used, its password left out", async () => {
    const failing = startInventory({ databaseUrl: "postgres://kit:hunter2@127.0.0.1:1/none" });
    await expect(failing).rejects.toThrow("could not migrate the reporting database at postgres://kit:***@127.0.0.1:1/none: connect ECONNREFUSED 127.0.0.1:1");
  });

  it("leaves no temporary files once stop() resolves (a test runner's worker may exit right after)", async () => {
    const kitFolders = () => readdirSync(tmpdir()).filter((name) => name.startsWith("edge-inventory-kit-"));
    const before = new Set(kitFolders());
    const kit = await startInventory({ reports: false, seed: { stores: [{ storeId: "tmp-01", name: "Tmp", region: "eu-central", timezone: "UTC" }], cells: [{ storeId: "tmp-01", sku: "milk", onHand: 2 }] } });
    const made = kitFolders().filter((name) => !before.has(name));
    expect(made).toHaveLength(1);
    // Miniflare's own folder, with the cells' storage, is inside it.
    expect(readdirSync(join(tmpdir(), made[0]!)).some((name) => name.startsWith("miniflare-"))).toBe(true);
    await kit.stop();
    expect(existsSync(join(tmpdir(), made[0]!))).toBe(false);
  });

  it("stops what it started when the runtime refuses an option: no server is left listening", async () => {
    const before = listening();
    // Miniflare takes a rate-limit period of 10 or 60 s only; the reporting database starts first.
    await expect(startInventory({ rateLimits: { TOKEN_LIMITER: { limit: 2, period: 30 as never } } })).rejects.toThrow(/Miniflare/);
    // A closed server leaves the list a moment after its close returns.
    await expect.poll(listening, { timeout: 5_000 }).toBe(before);
  });
});
