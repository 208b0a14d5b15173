import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { directoryStub, storeWebhooksStub } from "../../durable-objects/stubs";
import { describe, expect, it } from "vitest";
import { ADMIN, allocate, api, eventually, mint, putStore, unique } from "./helpers";

const SECRET = "test-secret-0123456789";
const EVENTS = ["sold_out", "back_in_stock"];

interface Received {
  body: string;
  answered: number;
}

/** The events the receiver `name` took for one store, as "<sku>:<type>". */
async function eventsFor(name: string, storeId: string): Promise<string[]> {
  const response = await fetch(`${env.RECEIVER_URL}/__log/${name}`);
  const log = (await response.json()) as Received[];
  return log
    .filter((entry) => entry.answered === 200)
    .map((entry) => JSON.parse(entry.body) as { storeId: string; sku: string; type: string })
    .filter((event) => event.storeId === storeId)
    .map((event) => `${event.sku}:${event.type}`)
    .sort();
}

async function hook(body: Record<string, unknown>) {
  const name = unique("hook");
  const created = await api("POST", "/v1/webhooks", { token: ADMIN, body: { url: `${env.RECEIVER_URL}/hooks/${name}`, events: EVENTS, secret: SECRET, ...body } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { name, id: created.body.id as string };
}

const toggleSoldOut = async (storeId: string, sku: string) => {
  for (const soldOut of [true, false]) {
    const response = await api("PUT", `/v1/stores/${storeId}/skus/${sku}/sold-out`, { token: ADMIN, body: { soldOut } });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  }
};

describe("webhooks follow a store that changes region", () => {
  it("events of its running and new cells go to the new region's hooks and to the store's own hook, none to the old region's", async () => {
    const storeId = unique("probe-r");
    await putStore(storeId, "eu-central");
    await allocate(storeId, "r1", { onHand: 5 });
    const own = await hook({ storeId });
    const before = await hook({ region: "eu-central" });
    const after = await hook({ region: "na-east" });
    // The cell has run (and delivered) before the move.
    await toggleSoldOut(storeId, "r1");
    const early = ["r1:back_in_stock", "r1:sold_out"];
    expect(await eventually(() => eventsFor(own.name, storeId), (list) => list.length >= 2)).toEqual(early);
    expect(await eventually(() => eventsFor(before.name, storeId), (list) => list.length >= 2)).toEqual(early);

    await putStore(storeId, "na-east");
    await toggleSoldOut(storeId, "r1");
    await allocate(storeId, "r2", { onHand: 5 });
    await toggleSoldOut(storeId, "r2");

    const moved = ["r1:back_in_stock", "r1:sold_out", "r2:back_in_stock", "r2:sold_out"];
    expect(await eventually(() => eventsFor(after.name, storeId), (list) => list.length >= 4)).toEqual(moved);
    expect(await eventually(() => eventsFor(own.name, storeId), (list) => list.length >= 6)).toEqual([...early, ...moved].sort());
    // Nothing after the move reaches the old region's hook.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await eventsFor(before.name, storeId)).toEqual(early);
  });

  it("the store's webhook is managed by its current region's managers, not the old region's", async () => {
    const storeId = unique("probe-m");
    await putStore(storeId, "eu-central");
    const oldManager = await mint("manager", { regions: ["eu-central"] });
    const newManager = await mint("manager", { regions: ["na-east"] });
    const created = await api("POST", "/v1/webhooks", { token: oldManager, body: { url: `${env.RECEIVER_URL}/hooks/${unique("h")}`, events: EVENTS, secret: SECRET, storeId } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ storeId, region: "eu-central" });

    await putStore(storeId, "na-east");
    await allocate(storeId, "m1", { onHand: 2 });
    await toggleSoldOut(storeId, "m1");

    const listed = (token: string) => api("GET", "/v1/webhooks", { token }).then((response) => (response.body.items as Array<{ id: string }>).filter((item) => item.id === id));
    expect(await listed(oldManager)).toEqual([]);
    expect(await listed(newManager)).toMatchObject([{ id, storeId, region: "na-east" }]);
    expect((await api("GET", "/v1/webhooks?region=na-east", { token: ADMIN })).body.items.map((item: { id: string }) => item.id)).toContain(id);
    expect((await api("GET", "/v1/webhooks?region=eu-central", { token: ADMIN })).body.items.map((item: { id: string }) => item.id)).not.toContain(id);

    expect((await api("GET", `/v1/webhooks/${id}/deliveries`, { token: oldManager })).status).toBe(404);
    expect((await api("DELETE", `/v1/webhooks/${id}`, { token: oldManager })).status).toBe(404);
    const deliveries = await eventually(
      () => api("GET", `/v1/webhooks/${id}/deliveries`, { token: newManager }),
      (response) => response.status === 200 && response.body.items.length >= 2,
    );
    expect(deliveries.body.items.map((item: { type: string }) => item.type).sort()).toEqual(["back_in_stock", "sold_out"]);
    expect((await api("DELETE", `/v1/webhooks/${id}`, { token: newManager })).status).toBe(204);
    expect((await api("DELETE", `/v1/webhooks/${id}`, { token: newManager })).status).toBe(404);
  });

  it("a store that moves away and back keeps one webhook, managed and fed in its region each time", async () => {
    const storeId = unique("probe-b");
    await putStore(storeId, "eu-central");
    const own = await hook({ storeId });
    await putStore(storeId, "na-east");
    await putStore(storeId, "eu-central");
    await allocate(storeId, "b1", { onHand: 2 });
    await toggleSoldOut(storeId, "b1");
    expect(await eventually(() => eventsFor(own.name, storeId), (list) => list.length >= 2)).toEqual(["b1:back_in_stock", "b1:sold_out"]);
    const ids = async (region: string) => (await api("GET", `/v1/webhooks?region=${region}`, { token: ADMIN })).body.items.map((item: { id: string }) => item.id);
    expect((await ids("eu-central")).filter((id: string) => id === own.id)).toEqual([own.id]);
    expect(await ids("na-east")).not.toContain(own.id);
  });

  it("a move cut off after the directory's commit is finished by its alarm; a late, older notice changes nothing", async () => {
    const storeId = unique("probe-c");
    await putStore(storeId, "eu-central");
    const own = await hook({ storeId });
    const after = await hook({ region: "na-east" });
    await allocate(storeId, "c1", { onHand: 2 });
    await toggleSoldOut(storeId, "c1");
    expect(await eventually(() => eventsFor(own.name, storeId), (list) => list.length >= 2)).toEqual(["c1:back_in_stock", "c1:sold_out"]);

    // What putStore commits for a move (the store row, the notice, the alarm), and then nothing: as if the object restarted there.
    await runInDurableObject(directoryStub(env), async (_directory, state) => {
      state.storage.sql.exec("UPDATE stores SET region = 'na-east', region_rev = region_rev + 1 WHERE store_id = ?", storeId);
      state.storage.sql.exec("INSERT INTO placement_notices (store_id, region, rev) SELECT store_id, region, region_rev FROM stores WHERE store_id = ?", storeId);
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(directoryStub(env))).toBe(true);
    const pending = await runInDurableObject(directoryStub(env), (_directory, state) =>
      state.storage.sql.exec("SELECT 1 FROM placement_notices WHERE store_id = ?", storeId).toArray().length);
    expect(pending).toBe(0);
    await toggleSoldOut(storeId, "c1");
    expect(await eventually(() => eventsFor(after.name, storeId), (list) => list.length >= 2)).toEqual(["c1:back_in_stock", "c1:sold_out"]);
    expect(await eventually(() => eventsFor(own.name, storeId), (list) => list.length >= 4)).toHaveLength(4);

    // A repeated or older notice (a retry that crossed a newer move) is ignored.
    await storeWebhooksStub(env, storeId).setPlacement(storeId, { region: "na-east", rev: 1 });
    await storeWebhooksStub(env, storeId).setPlacement(storeId, { region: "eu-central", rev: 0 });
    await toggleSoldOut(storeId, "c1");
    expect(await eventually(() => eventsFor(after.name, storeId), (list) => list.length >= 4)).toHaveLength(4);
  });
});
