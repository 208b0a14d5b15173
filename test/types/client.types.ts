// Type-level tests of the typed client, checked by `npm run typecheck` (tsc): a wrong body,
// query or use of an answer must not compile. Every `@ts-expect-error` must hit an error,
// or tsc fails on the unused directive. This file is never run.
import { expectTypeOf } from "vitest";
import { createClient, isInventoryApiError, type InventoryApiError } from "../../workers/client";

declare const client: ReturnType<typeof createClient>;

export async function wrongBodiesDoNotCompile() {
  // @ts-expect-error qty must be a number
  await client.reservations.create({ reservationId: "o-1", channel: "online", items: [{ storeId: "s", sku: "a", qty: "2" }] });
  // @ts-expect-error "fax" is not a channel
  await client.reservations.create({ reservationId: "o-1", channel: "fax", items: [{ storeId: "s", sku: "a", qty: 2 }] });
  // @ts-expect-error items are required
  await client.reservations.create({ reservationId: "o-1", channel: "online" });
  // @ts-expect-error an unknown field (the schemas are strict)
  await client.reservations.create({ reservationId: "o-1", channel: "online", items: [{ sku: "a", qty: 1 }], coupon: "x" });
  // @ts-expect-error region must be one of the chain's regions
  await client.stores.put("s", { name: "S", region: "mars", timezone: "UTC" });
  // @ts-expect-error onHand is required
  await client.cells.allocate("s", "a", { channels: {} });
  // @ts-expect-error quota and weight are both required for a channel
  await client.cells.allocate("s", "a", { onHand: 10, channels: { pos: { quota: 1 } } });
  // @ts-expect-error "theft" is not an adjustment reason
  await client.cells.adjust("s", "a", { delta: -1, reason: "theft" });
  // @ts-expect-error a sale event needs qty
  await client.stores.events("s", { events: [{ eventId: "e1", at: "2026-11-24T09:00:00Z", type: "sale", sku: "a" }] });
  // @ts-expect-error "refund" is not an event type
  await client.stores.events("s", { events: [{ eventId: "e1", at: "2026-11-24T09:00:00Z", type: "refund", sku: "a", qty: 1 }] });
  // @ts-expect-error "root" is not a role
  await client.admin.mintToken({ role: "root" });
  // @ts-expect-error oversell status is open | resolved
  await client.oversells.list({ status: "closed" });
  // @ts-expect-error limit is a number once coerced
  await client.reports.movements({ limit: "many" });
  // @ts-expect-error kind is one of the ledger's kinds
  await client.reports.movements({ kind: "teleport" });
  // @ts-expect-error an unknown report filter
  await client.reports.movements({ storeId: "s", bogus: 1 });
  // @ts-expect-error csv or json only
  await client.reports.stock({ format: "xml" });
  // @ts-expect-error channel is required for availability
  await client.availability({ skus: ["a"] });
}

export async function answersAreTyped() {
  const reservation = await client.reservations.create({ reservationId: "o-1", channel: "online", items: [{ sku: "a", qty: 1 }] });
  expectTypeOf(reservation.status).toEqualTypeOf<"pending" | "confirmed" | "released" | "expired">();
  expectTypeOf(reservation.items[0]!.fromShared).toEqualTypeOf<number>();
  const cell = await client.cells.get("s", "a");
  expectTypeOf(cell.free.channels).toEqualTypeOf<Record<string, number>>();
  const csv = await client.reports.movements({ format: "csv", storeId: "s" });
  expectTypeOf(csv).toEqualTypeOf<string>();
  // A format chosen at run time answers either.
  const chosen = await client.reports.stock({ format: Math.random() > 0.5 ? "csv" : "json" });
  expectTypeOf(chosen).toEqualTypeOf<string | Awaited<ReturnType<typeof client.reports.stock<{}>>>>();
  // No query (so no format): the JSON page.
  const whole = await client.reports.stock();
  expectTypeOf(whole.items[0]!.onHand).toEqualTypeOf<number>();
  expectTypeOf((await client.reports.deadLetters()).next).toEqualTypeOf<string | null>();
  // An import needs its id: the client sends no Idempotency-Key header of its own.
  // @ts-expect-error importId missing
  await client.skus.import("s", { format: "csv", body: "sku,onHand\n" });
  // @ts-expect-error importId missing
  await client.skus.importRegion({ region: "eu-west" }, { format: "csv", body: "storeId,sku,onHand\n" });
  const csvPage = await client.reports.stock.csvPage({ limit: 10 });
  expectTypeOf(csvPage).toEqualTypeOf<{ csv: string; next: string | null }>();
  const page = await client.reports.movements({ storeId: "s", limit: 10 });
  expectTypeOf(page.next).toEqualTypeOf<string | null>();
  expectTypeOf(page.items[0]!.onHandAfter).toEqualTypeOf<number>();
  const replay = await client.stores.events("s", { events: [{ eventId: "e", at: "2026-11-24T09:00:00Z", type: "set", sku: "a", onHand: 3 }] });
  expectTypeOf(replay.results[0]!.outcome).toEqualTypeOf<"applied" | "duplicate" | "superseded" | "rejected">();
  // @ts-expect-error a transition answers only the id and the status
  void (await client.reservations.confirm("o-1")).items;

  try {
    await client.reservations.confirm("o-1");
  } catch (error) {
    if (isInventoryApiError(error, "conflict", "not_found")) {
      expectTypeOf(error.code).toEqualTypeOf<"conflict" | "not_found">();
      // @ts-expect-error narrowed: this error cannot be insufficient_stock
      if (error.code === "insufficient_stock") return;
    }
    expectTypeOf<InventoryApiError["code"]>().toEqualTypeOf<import("../../schema/errors").ErrorCode>();
  }
}
