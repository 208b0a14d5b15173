import { Validator } from "@cfworker/json-schema";
import { and, eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { cells } from "../../schema/db/tables";
import type { InventoryMessage } from "../../workers/reporting/messages";
import { ADMIN, allocate, api, deliver, eventually, freshCell, putStore, readCell, receiptEvent, reportingQuery, reserve, sendEvents, settledMovements, unique } from "./helpers";

/**
 * What the OpenAPI document says each report answers is what it answers: every report's JSON
 * page (and reconciliation's run) is valid by the schema the document declares for it, and
 * each row has exactly the declared fields, so an integrator can generate a client from it.
 */

type Schema = { $ref?: string; properties?: Record<string, unknown>; required?: string[] };

async function openapi() {
  return (await api("GET", "/openapi.json")).body as { paths: Record<string, any>; components: { schemas: Record<string, Schema> } };
}

/** The page, checked against the schema the document declares for `path`'s (method's) 200. */
function expectDocumented(doc: Awaited<ReturnType<typeof openapi>>, method: "get" | "post", path: string, body: { items?: Array<Record<string, unknown>> }) {
  const schema: Schema = doc.paths[path][method].responses["200"].content["application/json"].schema;
  const result = new Validator({ ...schema, components: doc.components } as never, "2020-12", false).validate(body);
  expect(result.errors, `${path}: ${JSON.stringify(result.errors.slice(0, 3))}`).toEqual([]);
  if (!body.items) return;
  expect(body.items.length, path).toBeGreaterThan(0);
  const page = doc.components.schemas[schema.$ref!.split("/").at(-1)!]!;
  const rowRef = (page.properties!.items as { items: Schema }).items.$ref!;
  const declared = Object.keys(doc.components.schemas[rowRef.split("/").at(-1)!]!.properties!).sort();
  for (const row of body.items) expect(Object.keys(row).sort(), path).toEqual(declared);
}

it("every report's page, with rows of every shape, is what the OpenAPI document declares", { timeout: 60_000 }, async () => {
  const doc = await openapi();
  const { storeId, sku } = await freshCell();
  const other = unique("to");
  await putStore(other);
  await allocate(other, sku, { onHand: 0 });
  const [pending, confirmed, released] = [unique("r"), unique("r"), unique("r")];
  for (const id of [pending, confirmed, released]) expect((await reserve({ reservationId: id, channel: "online", items: [{ storeId, sku, qty: 2 }] })).status).toBe(201);
  expect((await api("POST", `/v1/reservations/${confirmed}/confirm`, { token: ADMIN })).status).toBe(200);
  expect((await api("POST", `/v1/reservations/${released}/release`, { token: ADMIN })).status).toBe(200);
  expect((await api("POST", "/v1/transfers", { token: ADMIN, body: { transferId: unique("t"), from: { storeId }, to: { storeId: other }, items: [{ sku, qty: 5 }] } })).status).toBe(201);
  // A till sale of more than is there: an oversell.
  expect((await sendEvents(storeId, [{ eventId: unique("ev"), at: new Date().toISOString(), type: "sale", sku, qty: 500 }])).status).toBe(200);
  await settledMovements(storeId, sku);
  await eventually(
    () => api("GET", `/v1/reports/oversells?storeId=${storeId}`, { token: ADMIN }),
    (page) => page.body.items?.length > 0,
  );
  // A dead letter, and a reconciliation that finds a difference (the cell's snapshot row gone).
  const dead = { kind: "cell-events", eventsJson: JSON.stringify([receiptEvent(storeId, "dead", 1)]) } satisfies InventoryMessage;
  expect((await deliver("inventory-events-dlq", [dead])).ackAll).toBe(true);
  await reportingQuery((db) => db.delete(cells).where(and(eq(cells.storeId, storeId), eq(cells.sku, sku))));
  const run = await api("POST", "/v1/admin/reconcile", { token: ADMIN, body: { storeIds: [storeId], repair: true } });
  expect(run.status, JSON.stringify(run.body)).toBe(200);
  expect(run.body.differences).toContainEqual(expect.objectContaining({ kind: "snapshot_missing", sku }));
  expectDocumented(doc, "post", "/v1/admin/reconcile", run.body);
  expect(run.body.repairs).toEqual([expect.objectContaining({ storeId, sku })]);
  await eventually(
    () => api("GET", `/v1/reports/stock?storeId=${storeId}`, { token: ADMIN }),
    (page) => page.body.items?.length === 1,
  );

  const reports: Array<[string, string]> = [
    ["stock", `storeId=${storeId}`],
    ["movements", `storeId=${storeId}&limit=1000`],
    ["channel-usage", `storeId=${storeId}`],
    ["reservations", `storeId=${storeId}`],
    ["oversells", `storeId=${storeId}`],
    ["queue-lag", `storeId=${storeId}`],
    ["dead-letters", "limit=1000"],
    ["reconciliation", `storeId=${storeId}`],
  ];
  for (const [report, query] of reports) {
    const page = await api("GET", `/v1/reports/${report}?${query}`, { token: ADMIN });
    expect(page.status, `${report}: ${JSON.stringify(page.body)}`).toBe(200);
    expectDocumented(doc, "get", `/v1/reports/${report}`, page.body);
  }
  // Rows of every shape were there to check: each reservation status, changes of several kinds, a run with its difference.
  const reservations = (await api("GET", `/v1/reports/reservations?storeId=${storeId}`, { token: ADMIN })).body.items as Array<{ status: string }>;
  expect(new Set(reservations.map((row) => row.status))).toEqual(new Set(["pending", "confirmed", "released"]));
  const kinds = new Set(((await api("GET", `/v1/reports/movements?storeId=${storeId}&limit=1000`, { token: ADMIN })).body.items as Array<{ kind: string }>).map((row) => row.kind));
  expect([...kinds].sort()).toEqual(expect.arrayContaining(["allocate", "confirm", "hold", "release", "transfer_out"]));
  const runs = (await api("GET", `/v1/reports/reconciliation?storeId=${storeId}`, { token: ADMIN })).body.items as Array<{ details: unknown[] }>;
  expect(runs.some((row) => row.details.length > 0)).toBe(true);
  expect((await readCell(storeId, sku)).oversold).toBe(true);
});
