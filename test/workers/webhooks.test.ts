import { env } from "cloudflare:test";
import { Validator } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import { storeWebhooksStub, webhooksStub } from "../../durable-objects/stubs";
import { ADMIN, allocate, api, eventually, mint, putStore, unique } from "./helpers";

const SECRET = "test-secret-0123456789";

interface Received {
  headers: Record<string, string>;
  body: string;
  answered: number;
}

async function receiverLog(name: string): Promise<Received[]> {
  const response = await fetch(`${env.RECEIVER_URL}/__log/${name}`);
  return (await response.json()) as Received[];
}

async function planFailures(name: string, fail: number, slow: { slow: number; delayMs: number } = { slow: 0, delayMs: 0 }) {
  const response = await fetch(`${env.RECEIVER_URL}/__plan/${name}`, { method: "POST", body: JSON.stringify({ fail, ...slow }) });
  await response.text();
}

/** Independent of the service's own code: HMAC-SHA256 over "t.body" with the secret. */
async function validSignature(entry: Received, secret: string): Promise<boolean> {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(entry.headers["x-inventory-signature"] ?? "");
  if (!match) return false;
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const mac = new Uint8Array(match[2]!.match(/../g)!.map((hex) => parseInt(hex, 16)));
  return crypto.subtle.verify("HMAC", key, mac, new TextEncoder().encode(`${match[1]}.${entry.body}`));
}

async function watchedCell(name: string, lowStock: Record<string, unknown>, onHand = 20) {
  const storeId = unique("store");
  const sku = unique("sku");
  await putStore(storeId, "eu-north");
  const hook = await api("POST", "/v1/webhooks", {
    token: ADMIN,
    body: { url: `${env.RECEIVER_URL}/hooks/${name}`, events: ["low_stock", "back_in_stock", "sold_out", "oversold"], secret: SECRET, storeId },
  });
  expect(hook.status, JSON.stringify(hook.body)).toBe(201);
  await allocate(storeId, sku, { onHand, ...({ lowStock } as object) });
  return { storeId, sku, hookId: hook.body.id as string };
}

const adjust = (storeId: string, sku: string, delta: number) =>
  api("POST", `/v1/stores/${storeId}/skus/${sku}/adjustments`, { token: ADMIN, body: { delta, reason: delta > 0 ? "receive" : "damage" } });

/** The received events as [version, scope, type], in the cell's order. */
async function eventsOf(name: string) {
  return (await receiverLog(name))
    .filter((entry) => entry.answered === 200)
    .map((entry) => JSON.parse(entry.body) as { id: string; type: string; scope: string })
    .map((event) => [Number(/\/(\d+):/.exec(event.id)![1]), event.scope, event.type] as const)
    .sort((a, b) => a[0] - b[0]);
}

describe("low-stock thresholds and webhooks", () => {
  it("crossing down, up and down again gives exactly one event per crossing, signed", async () => {
    const name = unique("hook");
    const { storeId, sku } = await watchedCell(name, { overall: 10 });
    for (const delta of [-12, 1, 2, 5, -8, -8]) expect((await adjust(storeId, sku, delta)).status).toBe(200);
    // Levels: 20 → 8 (low) → 9 → 11 (still low: within the re-arm margin) → 16 (back) → 8 (low) → 0 (sold out).
    const events = await eventually(() => eventsOf(name), (list) => list.length >= 4);
    expect(events).toEqual([
      [2, "overall", "low_stock"],
      [5, "overall", "back_in_stock"],
      [6, "overall", "low_stock"],
      [7, "overall", "sold_out"],
    ]);
    const log = await receiverLog(name);
    for (const entry of log) {
      expect(await validSignature(entry, SECRET)).toBe(true);
      expect(await validSignature(entry, "another-secret-0000")).toBe(false);
      expect(entry.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(entry.body)).toMatchObject({ storeId, sku });
    }
    // Nothing else arrives later (no flapping).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await eventsOf(name)).length).toBe(4);
  });

  it("watches a channel threshold and reports an oversell once", async () => {
    const name = unique("hook");
    const { storeId, sku } = await watchedCell(name, { channels: { online: 3 } }, 10);
    const order = await api("POST", "/v1/reservations", { token: ADMIN, body: { reservationId: unique("o"), channel: "online", items: [{ storeId, sku, qty: 8 }] } });
    expect(order.status).toBe(201);
    expect((await adjust(storeId, sku, -9)).status).toBe(200); // 1 on hand, 8 reserved: oversold
    const events = await eventually(() => eventsOf(name), (list) => list.length >= 4);
    expect(events).toEqual([
      [2, "online", "low_stock"],
      [3, "overall", "sold_out"],
      [3, "online", "sold_out"],
      [3, "overall", "oversold"],
    ]);
  });

  it("retries a failing receiver with backoff until it succeeds, and logs every attempt", async () => {
    const name = unique("hook");
    await planFailures(name, 2);
    const { storeId, sku, hookId } = await watchedCell(name, { overall: 5 });
    expect((await adjust(storeId, sku, -16)).status).toBe(200);
    const log = await eventually(() => receiverLog(name), (list) => list.some((entry) => entry.answered === 200), 15_000);
    expect(log.map((entry) => entry.answered)).toEqual([500, 500, 200]);
    expect(new Set(log.map((entry) => entry.headers["x-inventory-event-id"])).size).toBe(1);
    const deliveries = await api("GET", `/v1/webhooks/${hookId}/deliveries`, { token: ADMIN });
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.items).toMatchObject([{ type: "low_stock", status: "delivered", attempts: 3, lastStatus: 200, lastError: null }]);
  });

  it("never delivers the same event twice, and replays one on request", async () => {
    const name = unique("hook");
    const { storeId, sku, hookId } = await watchedCell(name, { overall: 5 });
    expect((await adjust(storeId, sku, -20)).status).toBe(200);
    const [first] = await eventually(() => receiverLog(name), (list) => list.length >= 1);
    // The cell's outbox is at least once: the same event again is ignored.
    const added = await webhooksStub(env, "eu-north").receive([JSON.parse(first!.body)]);
    expect(added).toBe(0);
    // The store's own object (which keeps this store webhook) ignores it too, and so does its region's behind it.
    expect(await storeWebhooksStub(env, storeId).receiveForStore(storeId, [JSON.parse(first!.body)])).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await receiverLog(name)).length).toBe(1);

    const { body } = await api("GET", `/v1/webhooks/${hookId}/deliveries`, { token: ADMIN });
    const replayed = await api("POST", `/v1/webhooks/${hookId}/deliveries/${body.items[0].deliveryId}/replay`, { token: ADMIN });
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ status: "delivered", attempts: 2 });
    const log = await receiverLog(name);
    expect(log.length).toBe(2);
    expect(log[1]!.body).toBe(log[0]!.body);
  });

  it("a hung receiver holds up only its own deliveries, not another webhook's of the same store", async () => {
    const [hung, healthy] = [unique("hung"), unique("healthy")];
    // Every request to the hung receiver is answered after the service's 10 s timeout.
    await planFailures(hung, 0, { slow: 1_000, delayMs: 12_000 });
    const { storeId, sku } = await watchedCell(healthy, { overall: 10 });
    const other = await api("POST", "/v1/webhooks", {
      token: ADMIN,
      body: { url: `${env.RECEIVER_URL}/hooks/${hung}`, events: ["low_stock", "back_in_stock"], secret: SECRET, storeId },
    });
    expect(other.status).toBe(201);
    // Ten crossings: ten deliveries to each receiver, interleaved in the object's queue.
    for (let i = 0; i < 5; i++) {
      expect((await adjust(storeId, sku, -15)).status).toBe(200);
      expect((await adjust(storeId, sku, 15)).status).toBe(200);
    }
    await eventually(() => eventsOf(healthy), (events) => events.length === 10, 30_000);
    expect((await receiverLog(hung)).length).toBeGreaterThan(0);
    // All ten reached the healthy receiver while the hung one's sends were still waiting for
    // an answer: none of its deliveries has an attempt on record yet (one ends at the 10 s timeout).
    const hungDeliveries = await api("GET", `/v1/webhooks/${other.body.id}/deliveries`, { token: ADMIN });
    expect(hungDeliveries.body.items.length).toBeGreaterThan(0);
    expect(hungDeliveries.body.items.map((item: { attempts: number }) => item.attempts)).toEqual(hungDeliveries.body.items.map(() => 0));
  });

  it("a replay while the alarm's attempt is in flight waits for it: the replay's success stays", async () => {
    const name = unique("hook");
    // The first attempt answers 500 after 1.5 s; the next answers 200 at once.
    await planFailures(name, 1, { slow: 1, delayMs: 1_500 });
    const { storeId, sku, hookId } = await watchedCell(name, { overall: 5 });
    expect((await adjust(storeId, sku, -16)).status).toBe(200);
    await eventually(() => receiverLog(name), (list) => list.length === 1);
    const { body } = await api("GET", `/v1/webhooks/${hookId}/deliveries`, { token: ADMIN });
    const replayed = await api("POST", `/v1/webhooks/${hookId}/deliveries/${body.items[0].deliveryId}/replay`, { token: ADMIN });
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ status: "delivered", attempts: 2, lastStatus: 200 });
    expect((await receiverLog(name)).map((entry) => entry.answered)).toEqual([500, 200]);
    // Nothing was left in flight to overwrite it afterwards.
    const after = await api("GET", `/v1/webhooks/${hookId}/deliveries`, { token: ADMIN });
    expect(after.body.items[0]).toMatchObject({ status: "delivered", attempts: 2, lastStatus: 200, nextAttemptAt: null });
  });

  it("a replay whose webhook is deleted while it sends answers 404, not 500", async () => {
    const name = unique("hook");
    const { storeId, sku, hookId } = await watchedCell(name, { overall: 5 });
    expect((await adjust(storeId, sku, -16)).status).toBe(200);
    await eventually(() => receiverLog(name), (list) => list.length === 1);
    const { body } = await api("GET", `/v1/webhooks/${hookId}/deliveries`, { token: ADMIN });
    await planFailures(name, 0, { slow: 1, delayMs: 1_000 });
    const replay = api("POST", `/v1/webhooks/${hookId}/deliveries/${body.items[0].deliveryId}/replay`, { token: ADMIN });
    await eventually(() => receiverLog(name), (list) => list.length === 2);
    expect((await api("DELETE", `/v1/webhooks/${hookId}`, { token: ADMIN })).status).toBe(204);
    const answered = await replay;
    expect([answered.status, answered.body.error?.code]).toEqual([404, "not_found"]);
  });

  it("names the webhook on every delivery; a replay keeps the first delivery's time", async () => {
    const name = unique("hook");
    const { storeId, sku, hookId } = await watchedCell(name, { overall: 5 });
    expect((await adjust(storeId, sku, -16)).status).toBe(200);
    const [first] = await eventually(() => receiverLog(name), (list) => list.length === 1);
    expect(first!.headers["x-inventory-webhook"]).toBe(hookId);
    const { body } = await api("GET", `/v1/webhooks/${hookId}/deliveries`, { token: ADMIN });
    const replayed = await api("POST", `/v1/webhooks/${hookId}/deliveries/${body.items[0].deliveryId}/replay`, { token: ADMIN });
    expect(replayed.body).toMatchObject({ status: "delivered", attempts: 2, deliveredAt: body.items[0].deliveredAt });
  });

  it("sets thresholds with their own route: crossing by changing the threshold fires once; bad input changes nothing", async () => {
    const name = unique("hook");
    const { storeId, sku } = await watchedCell(name, {}, 8);
    const path = `/v1/stores/${storeId}/skus/${sku}/low-stock`;
    const set = await api("PUT", path, { token: ADMIN, body: { overall: 10, channels: { online: 2 } } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ lowStock: { overall: 10, channels: { online: 2 } }, version: 2 });
    expect(await eventually(() => eventsOf(name), (list) => list.length >= 1)).toEqual([[2, "overall", "low_stock"]]);
    for (const body of [{ overall: -1 }, { channels: { fax: 1 } }, { overall: "3" }, { extra: 1 }]) {
      expect((await api("PUT", path, { token: ADMIN, body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await api("PUT", path, { token: await mint("store", { stores: [storeId] }), body: {} })).status).toBe(403);
    expect((await api("PUT", `/v1/stores/${storeId}/skus/${unique("none")}/low-stock`, { token: ADMIN, body: { overall: 1 } })).status).toBe(404);
    const cleared = await api("PUT", path, { token: ADMIN, body: {} });
    expect(cleared.status).toBe(200);
    expect(cleared.body.lowStock).toBeUndefined();
    expect(cleared.body.version).toBe(3);
  });

  it("lists, scopes and removes webhooks; bad input is a 4xx that registers nothing", async () => {
    const storeId = unique("store");
    await putStore(storeId, "africa");
    const manager = await mint("manager", { regions: ["africa"] });
    const other = await mint("manager", { regions: ["oceania"] });
    const good = { url: `${env.RECEIVER_URL}/hooks/${unique("h")}`, events: ["sold_out"], secret: SECRET, region: "africa" };
    const bad: unknown[] = [
      {},
      { ...good, url: "not a url" },
      { ...good, url: "ftp://example.com/x" },
      { ...good, events: [] },
      { ...good, events: ["restocked"] },
      { ...good, events: ["sold_out", "sold_out"] },
      { ...good, secret: "short" },
      // Signed as UTF-8: a control character or a lone surrogate signs differently from one receiver to the next.
      { ...good, secret: "\u0000".repeat(16) },
      { ...good, secret: "\ud800" + "a".repeat(20) },
      { ...good, secret: " ".repeat(16) },
      { ...good, storeId },
      { url: good.url, events: good.events, secret: SECRET },
      { ...good, region: "mars" },
      { ...good, extra: true },
    ];
    for (const body of bad) expect((await api("POST", "/v1/webhooks", { token: manager, body })).status, JSON.stringify(body)).toBe(400);
    expect((await api("POST", "/v1/webhooks", { token: other, body: good })).status).toBe(403);
    expect((await api("POST", "/v1/webhooks", { token: await mint("store", { stores: [storeId] }), body: good })).status).toBe(403);
    expect((await api("GET", "/v1/webhooks?region=africa", { token: manager })).body.items).toEqual([]);

    const created = await api("POST", "/v1/webhooks", { token: manager, body: good });
    expect(created.status).toBe(201);
    expect(created.body).not.toHaveProperty("secret");
    const id = created.body.id as string;
    expect((await api("GET", "/v1/webhooks", { token: manager })).body.items.map((h: any) => h.id)).toEqual([id]);
    expect((await api("GET", "/v1/webhooks", { token: other })).body.items).toEqual([]);
    expect((await api("GET", "/v1/webhooks?region=africa", { token: other })).status).toBe(403);
    expect((await api("GET", `/v1/webhooks/${id}/deliveries`, { token: other })).status).toBe(404);
    expect((await api("DELETE", `/v1/webhooks/${id}`, { token: other })).status).toBe(404);
    expect((await api("GET", "/v1/webhooks/nope/deliveries", { token: manager })).status).toBe(400);
    expect((await api("POST", `/v1/webhooks/${id}/deliveries/d999/replay`, { token: manager })).status).toBe(404);
    expect((await api("DELETE", `/v1/webhooks/${id}`, { token: manager })).status).toBe(204);
    expect((await api("DELETE", `/v1/webhooks/${id}`, { token: manager })).status).toBe(404);
  });
});

describe("listing webhooks", () => {
  it("lists a region's and its stores' webhooks together, in the order they were made", async () => {
    const [first, second] = [unique("store"), unique("store")];
    await putStore(first, "sa-east");
    await putStore(second, "sa-east");
    const made: string[] = [];
    for (const scope of [{ storeId: first }, { region: "sa-east" }, { storeId: second }, { storeId: first }, { region: "sa-east" }]) {
      const body = { url: `${env.RECEIVER_URL}/hooks/${unique("order")}`, events: ["sold_out"], secret: SECRET, ...scope };
      const created = await api("POST", "/v1/webhooks", { token: ADMIN, body });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      made.push(created.body.id as string);
      // Each a millisecond apart at least: the order is the creation time's.
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    const listed = (await api("GET", "/v1/webhooks?region=sa-east", { token: ADMIN })).body.items as Array<{ id: string }>;
    expect(listed.map((hook) => hook.id).filter((id) => made.includes(id))).toEqual(made);
  });
});

describe("the OpenAPI document's webhooks", () => {
  it("describe every delivery as sent: its body's fields and types, and its headers", async () => {
    const doc = (await api("GET", "/openapi.json")).body;
    const deliveries = Object.values<any>(doc.webhooks ?? {});
    expect(deliveries.length).toBeGreaterThan(0);
    const post = deliveries[0].post;
    const bodyRef: string = post.requestBody.content["application/json"].schema.$ref;
    const bodySchema = doc.components.schemas[bodyRef.split("/").at(-1)!];
    const validBody = new Validator({ $ref: bodyRef, components: doc.components } as never, "2020-12", false);
    const headers: Array<{ name: string; required: boolean; schema: object }> = post.parameters.filter((p: { in: string }) => p.in === "header");
    expect(headers.map((h) => h.name)).toEqual(expect.arrayContaining(["x-inventory-event", "x-inventory-event-id", "x-inventory-webhook", "x-inventory-delivery", "x-inventory-signature"]));

    // A channel's threshold, sold out and an oversell: every scope, band and a null threshold.
    const name = unique("hook");
    const { storeId, sku, hookId } = await watchedCell(name, { overall: 2, channels: { online: 3 } }, 10);
    const order = await api("POST", "/v1/reservations", { token: ADMIN, body: { reservationId: unique("o"), channel: "online", items: [{ storeId, sku, qty: 8 }] } });
    expect(order.status).toBe(201);
    expect((await adjust(storeId, sku, -9)).status).toBe(200);
    // Overall and online low (version 2); overall and online sold out, and the oversell (version 3).
    const log = await eventually(() => receiverLog(name), (list) => list.length >= 5);
    expect(log.length).toBe(5);
    const types = new Set<string>();
    for (const entry of log) {
      const body = JSON.parse(entry.body);
      types.add(body.type);
      const result = validBody.validate(body);
      expect(result.errors, `${entry.body}: ${JSON.stringify(result.errors.slice(0, 3))}`).toEqual([]);
      // Exactly the declared fields: none sent undeclared, none declared unsent.
      expect(Object.keys(body).sort(), entry.body).toEqual(Object.keys(bodySchema.properties).sort());
      expect(bodySchema.required.sort()).toEqual(Object.keys(bodySchema.properties).sort());
      for (const header of headers) {
        const value = entry.headers[header.name];
        if (header.required) expect(value, header.name).toBeDefined();
        if (value !== undefined) expect(new Validator(header.schema as never, "2020-12", false).validate(value).valid, `${header.name}: ${value}`).toBe(true);
      }
      // Every x-inventory-* header sent is declared.
      for (const sent of Object.keys(entry.headers).filter((h) => h.startsWith("x-inventory-"))) expect(headers.map((h) => h.name), sent).toContain(sent);
      expect(entry.headers["x-inventory-webhook"]).toBe(hookId);
      expect(entry.headers["x-inventory-event"]).toBe(body.type);
      expect(entry.headers["x-inventory-event-id"]).toBe(body.id);
    }
    expect([...types].sort()).toEqual(["low_stock", "oversold", "sold_out"]);
  });
});

describe("removing a webhook", () => {
  it("refuses a body it would drop (a field, another type, compressed) and takes none, an empty one labelled JSON included", async () => {
    const { hookId } = await watchedCell(unique("del"), {});
    const remove = (options: { body?: unknown; rawBody?: string; headers?: Record<string, string> }) => api("DELETE", `/v1/webhooks/${hookId}`, { token: ADMIN, ...options });
    expect((await remove({ body: { reason: "duplicate" } })).status).toBe(400);
    expect((await remove({ rawBody: "x", headers: { "content-type": "text/plain" } })).status).toBe(415);
    expect((await remove({ rawBody: "{}", headers: { "content-type": "application/json", "content-encoding": "gzip" } })).status).toBe(415);
    // Still there: each refusal removed nothing.
    expect((await api("GET", `/v1/webhooks/${hookId}/deliveries`, { token: ADMIN })).status).toBe(200);
    expect((await remove({ headers: { "content-type": "application/json" } })).status).toBe(204);
    expect((await api("GET", `/v1/webhooks/${hookId}/deliveries`, { token: ADMIN })).status).toBe(404);
  });
});
