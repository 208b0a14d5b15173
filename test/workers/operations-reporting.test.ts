import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { cells } from "../../schema/db/tables";
import { ADMIN, allocate, api, eventually, mint, putStore, reportingQuery, settledMovements, unique } from "./helpers";

/** Two new stores with one SKU allocated at each: the source and the destination of transfers. */
async function twoStores(onHand: { from: number; to: number }) {
  const from = unique("src");
  const to = unique("dst");
  const sku = unique("sku");
  await putStore(from);
  await putStore(to);
  await allocate(from, sku, { onHand: onHand.from });
  await allocate(to, sku, { onHand: onHand.to });
  return { from, to, sku };
}

/** Ships `qty` of the SKU from one store to the other. */
async function ship(transferId: string, { from, to, sku }: { from: string; to: string; sku: string }, qty: number) {
  const sent = await api("POST", "/v1/transfers", { token: ADMIN, body: { transferId, from: { storeId: from }, to: { storeId: to }, items: [{ sku, qty }] } });
  expect(sent.status).toBe(201);
}

describe("returns and transfers in the reports", () => {
  it("records every step as a movement with its reference and reason, and reconciliation stays clean", async () => {
    const stores = await twoStores({ from: 40, to: 0 });
    const { from, to, sku } = stores;
    const transferId = unique("tr");
    await ship(transferId, stores, 10);
    expect((await api("POST", `/v1/transfers/${transferId}/receive`, { token: ADMIN, body: { items: [{ sku, qty: 8, reason: "broken" }] } })).status).toBe(200);
    const returnId = unique("rma");
    expect((await api("POST", `/v1/stores/${to}/returns`, { token: ADMIN, body: { returnId, items: [{ sku, qty: 2 }], reason: "customer_return" } })).status).toBe(201);

    const source = await settledMovements(from, sku);
    expect(source.map((row) => [row.kind, row.onHandAfter - row.onHandBefore, row.reference, row.reason])).toEqual([
      ["allocate", 40, null, null],
      ["transfer_out", -10, `transfer:${transferId}#1`, "transfer"],
      ["transfer_loss", 0, `transfer:${transferId}#1`, "broken"],
    ]);
    expect(source[2]!.qty).toBe(2);
    const destination = await settledMovements(to, sku);
    expect(destination.map((row) => [row.kind, row.onHandAfter - row.onHandBefore, row.reference])).toEqual([
      ["allocate", 0, null],
      ["transfer_expected", 0, `transfer:${transferId}#1`],
      ["transfer_in", 8, `transfer:${transferId}#1`],
      ["return", 2, `return:${returnId}`],
    ]);
    const snapshot = await eventually(
      () => reportingQuery((db) => db.select().from(cells).where(and(eq(cells.storeId, to), eq(cells.sku, sku)))),
      (rows) => rows[0]?.version === 4,
    );
    expect(snapshot[0]).toMatchObject({ onHand: 10, incoming: 0, inTransit: 0 });

    const run = await api("POST", "/v1/admin/reconcile", { token: ADMIN, body: { storeIds: [from, to] } });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ clean: true, cellsChecked: 2, differences: [] });
  });

  it("the movements report finds an operation's movements by reference and lists every kind", async () => {
    const stores = await twoStores({ from: 40, to: 0 });
    const { from, to, sku } = stores;
    // "_" is a LIKE wildcard: transfer t_1 must not match transfer tz1.
    const base = unique("t");
    const [first, lookalike] = [`${base}_1`, `${base}z1`];
    for (const transferId of [first, lookalike]) await ship(transferId, stores, 3);
    const returnId = unique("rma");
    expect((await api("POST", `/v1/stores/${from}/returns`, { token: ADMIN, body: { returnId, items: [{ sku, qty: 1 }], reason: "customer_return" } })).status).toBe(201);
    await settledMovements(from, sku);
    await settledMovements(to, sku);

    const report = async (params: string) => {
      const page = await api("GET", `/v1/reports/movements?sku=${sku}&${params}`, { token: ADMIN });
      expect(page.status).toBe(200);
      return (page.body.items as Array<{ storeId: string; kind: string; reference: string | null }>).map((row) => [row.storeId, row.kind, row.reference]).sort();
    };
    const firstMoves = [
      [from, "transfer_out", `transfer:${first}#1`],
      [to, "transfer_expected", `transfer:${first}#1`],
    ].sort();
    expect(await report(`reference=transfer:${first}`)).toEqual(firstMoves);
    expect(await report(`reference=${encodeURIComponent(`transfer:${first}#1`)}`)).toEqual(firstMoves);
    expect(await report(`reference=${encodeURIComponent(`transfer:${first}#2`)}`)).toEqual([]);
    expect(await report(`reference=return:${returnId}`)).toEqual([[from, "return", `return:${returnId}`]]);
    // Every kind a cell records is a filter, not only the reservation kinds.
    expect(await report(`storeId=${from}&kind=transfer_out`)).toEqual(
      [
        [from, "transfer_out", `transfer:${first}#1`],
        [from, "transfer_out", `transfer:${lookalike}#1`],
      ].sort(),
    );
    expect(await report(`storeId=${to}&kind=transfer_expected&reference=transfer:${lookalike}`)).toEqual([[to, "transfer_expected", `transfer:${lookalike}#1`]]);

    const csv = await api("GET", `/v1/reports/movements?sku=${sku}&reference=return:${returnId}&format=csv`, { token: ADMIN });
    const [header, line] = (csv.body as string).trim().split("\r\n");
    const column = header!.split(",").indexOf("reference");
    expect(column).toBeGreaterThan(-1);
    expect(line!.split(",")[column]).toBe(`return:${returnId}`);

    // Not what the Reference column can show: an attempt of anything but an operation, a bad attempt, an empty or spaced value.
    for (const bad of [`reference=${encodeURIComponent("order:1#1")}`, "reference=", `reference=${encodeURIComponent("transfer:a#x")}`, `reference=${encodeURIComponent("a b")}`, "reference=-lead", "kind=sale"]) {
      const refused = await api("GET", `/v1/reports/movements?${bad}`, { token: ADMIN });
      expect(refused.status, bad).toBe(400);
      expect(refused.body.error.code).toBe("invalid_request");
    }
  });

  it("the reference filter takes what the ledger's Reference column shows: a reservation id finds its holds, confirmation and release; a POS event id its row", async () => {
    const { from: storeId, sku } = await twoStores({ from: 40, to: 0 });
    // Reservation ids may hold ":": one that looks like a transfer's name is found as a reservation too.
    const [confirmed, released, lookalike] = [unique("order"), unique("order"), `transfer:${unique("r")}`];
    for (const reservationId of [confirmed, released, lookalike]) {
      const made = await api("POST", "/v1/reservations", { token: ADMIN, body: { reservationId, channel: "online", items: [{ storeId, sku, qty: 2 }] } });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
    }
    expect((await api("POST", `/v1/reservations/${confirmed}/confirm`, { token: ADMIN })).status).toBe(200);
    expect((await api("POST", `/v1/reservations/${released}/release`, { token: ADMIN })).status).toBe(200);
    const saleId = unique("pos7");
    const sold = await api("POST", `/v1/stores/${storeId}/events`, { token: ADMIN, body: { events: [{ eventId: saleId, at: new Date().toISOString(), type: "sale", sku, qty: 1 }] } });
    expect(sold.status, JSON.stringify(sold.body)).toBe(200);
    const ledger = await settledMovements(storeId, sku);
    // What the dashboard's Reference column shows for each row (web/src/views/Movements.tsx).
    const shown = (row: { reference: string | null; sourceEventId: string | null; reservationId: string | null }) => row.reference ?? row.sourceEventId ?? row.reservationId;

    const report = async (reference: string) => {
      const page = await api("GET", `/v1/reports/movements?storeId=${storeId}&reference=${encodeURIComponent(reference)}`, { token: ADMIN });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      return (page.body.items as Array<{ kind: string; reservationId: string | null; sourceEventId: string | null }>).map((row) => row.kind).sort();
    };
    expect(await report(confirmed)).toEqual(["confirm", "hold"]);
    expect(await report(released)).toEqual(["hold", "release"]);
    expect(await report(lookalike)).toEqual(["hold"]);
    expect(await report(saleId)).toEqual(["adjust"]); // a till's sale is an adjustment of the cell
    // Without a store, an event id is not looked for (its column has no index: README, Operations); a reservation id still is.
    const chainWide = await api("GET", `/v1/reports/movements?reference=${encodeURIComponent(saleId)}`, { token: ADMIN });
    expect(chainWide.body.items).toEqual([]);
    expect((await api("GET", `/v1/reports/movements?reference=${encodeURIComponent(confirmed)}`, { token: ADMIN })).body.items.map((row: { kind: string }) => row.kind).sort()).toEqual(["confirm", "hold"]);
    expect(await report(unique("nobody"))).toEqual([]);
    // Every value the column shows finds its own row (and, through the CSV, the same rows).
    for (const row of ledger) {
      const value = shown(row);
      if (value === null) continue;
      const page = await api("GET", `/v1/reports/movements?storeId=${storeId}&reference=${encodeURIComponent(value)}&limit=1000`, { token: ADMIN });
      expect(page.status, value).toBe(200);
      expect(page.body.items.map((found: { eventId: string }) => found.eventId), value).toContain(row.eventId);
    }
    // A manager of another region still cannot read the store's rows by naming an id.
    const other = await mint("manager", { regions: ["oceania"] });
    expect((await api("GET", `/v1/reports/movements?storeId=${storeId}&reference=${confirmed}`, { token: other })).status).toBe(403);
    const mine = await api("GET", `/v1/reports/movements?reference=${confirmed}`, { token: other });
    expect(mine.status).toBe(200);
    expect(mine.body.items).toEqual([]);
  });

  it("the movements report filters by any reason a return or a receipt can carry, matched exactly", async () => {
    const stores = await twoStores({ from: 40, to: 0 });
    const { from, to, sku } = stores;
    const transferId = unique("tr");
    await ship(transferId, stores, 5);
    const lost = "Lost: 50% of box_2 (see #12)";
    expect((await api("POST", `/v1/transfers/${transferId}/receive`, { token: ADMIN, body: { items: [{ sku, qty: 3, reason: lost }] } })).status).toBe(200);
    const damaged = "Damaged box";
    for (const reason of [damaged, "Damaged boxes"]) {
      expect((await api("POST", `/v1/stores/${to}/returns`, { token: ADMIN, body: { returnId: unique("rma"), items: [{ sku, qty: 1 }], reason } })).status).toBe(201);
    }
    await settledMovements(from, sku);
    await settledMovements(to, sku);

    const byReason = async (reason: string) => {
      const page = await api("GET", `/v1/reports/movements?sku=${sku}&reason=${encodeURIComponent(reason)}`, { token: ADMIN });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      return (page.body.items as Array<{ storeId: string; kind: string; reason: string }>).map((row) => [row.storeId, row.kind, row.reason]);
    };
    expect(await byReason(damaged)).toEqual([[to, "return", damaged]]);
    expect(await byReason(lost)).toEqual([[from, "transfer_loss", lost]]);
    // Exactly: not another case, not a prefix, no wildcards; spaces around it are trimmed, as when it was stored.
    expect(await byReason("damaged box")).toEqual([]);
    expect(await byReason("Damaged")).toEqual([]);
    expect(await byReason("Lost: 50% of box%")).toEqual([]);
    expect(await byReason(` ${damaged} `)).toEqual([[to, "return", damaged]]);
    // The reasons the service writes itself still filter.
    expect((await byReason("transfer")).map(([, kind]) => kind)).toContain("transfer_out");

    for (const bad of ["", "x".repeat(201), "caf\u00e9", "tab\there"]) {
      const refused = await api("GET", `/v1/reports/movements?reason=${encodeURIComponent(bad)}`, { token: ADMIN });
      expect(refused.status, JSON.stringify(bad)).toBe(400);
      expect(refused.body.error).toMatchObject({ code: "invalid_request", details: { issues: expect.arrayContaining([expect.objectContaining({ path: "query.reason" })]) } });
    }
  });

  it("an in-transit transfer shows on both snapshot rows", async () => {
    const stores = await twoStores({ from: 9, to: 1 });
    const { from, to, sku } = stores;
    await ship(unique("tr"), stores, 4);
    const rows = await eventually(
      () => reportingQuery((db) => db.select().from(cells).where(eq(cells.sku, sku))),
      (found) => found.length === 2 && found.every((row) => row.version === 2),
      30_000,
    );
    const byStore = Object.fromEntries(rows.map((row) => [row.storeId, row]));
    expect(byStore[from]).toMatchObject({ onHand: 5, inTransit: 4, incoming: 0 });
    expect(byStore[to]).toMatchObject({ onHand: 1, inTransit: 0, incoming: 4 });
  });
});
