// A paged stock export (limit / cursor, next cursor in x-next-cursor) gives, page after page,
// exactly the rows of the whole export: none twice, none missing, in the same order.
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { CellPagePart } from "../../workers/cell-pages";
import { EXPORT_CHUNK_SKUS, exportStream } from "../../workers/bulk/export";
import type { Env } from "../../workers/env";
import { ADMIN, allocate, api, eventually, mint, putStore, readCell, reserve, sendEvents, stagedCellsCreated, unique } from "./helpers";

const rowsOf = (csv: string) => csv.trim().split("\r\n").slice(1).filter(Boolean);
const keyOf = (row: string) => row.split(",").slice(0, 2).join(",");

/** Stores a test imported into: their staged cells are created before the next test. */
const imported = new Set<string>();
afterEach(async () => {
  await stagedCellsCreated(imported);
  imported.clear();
}, 300_000);

async function importSkus(storeId: string, skus: string[]) {
  imported.add(storeId);
  const body = ["sku,onHand", ...skus.map((sku, index) => `${sku},${index + 1}`)].join("\n");
  const response = await api("POST", `/v1/stores/${storeId}/skus:import?importId=${unique("imp")}`, { token: ADMIN, rawBody: body, headers: { "content-type": "text/csv" } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
}

/** The whole export, once the hubs list every SKU the test wrote. */
async function wholeExport(path: string, rows: number, token = ADMIN): Promise<string[]> {
  const answer = await eventually(
    () => api("GET", path, { token }),
    (r) => r.status === 200 && rowsOf(r.body as string).length === rows,
  );
  expect(answer.headers.get("x-next-cursor")).toBeNull();
  return rowsOf(answer.body as string);
}

/** Every page of a paged export, following x-next-cursor; each page's rows and its header line. */
async function pages(path: string, limit: number, token = ADMIN) {
  const found: string[][] = [];
  let cursor: string | null = null;
  do {
    const url: string = `${path}${path.includes("?") ? "&" : "?"}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const answer = await api("GET", url, { token });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect((answer.body as string).split("\r\n")[0]).toMatch(/^storeId,sku,onHand,/);
    found.push(rowsOf(answer.body as string));
    cursor = answer.headers.get("x-next-cursor");
    expect(found.length).toBeLessThan(50);
  } while (cursor);
  return found;
}

describe("paged stock export", () => {
  it("pages a store's export: pages of the limit, the same rows as the whole export, no cursor on the last", async () => {
    const storeId = unique("store");
    await putStore(storeId);
    await importSkus(storeId, ["a", "b", "c", "d", "e", "f", "g"]);
    const whole = await wholeExport(`/v1/stores/${storeId}/skus:export`, 7);

    const byThree = await pages(`/v1/stores/${storeId}/skus:export`, 3);
    expect(byThree.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(byThree.flat()).toEqual(whole);
    // A page that ends exactly at the store's last SKU is the last page.
    expect((await pages(`/v1/stores/${storeId}/skus:export`, 7)).map((page) => page.length)).toEqual([7]);

    // A cursor alone goes on in pages of the default size (here: the rest).
    const first = await api("GET", `/v1/stores/${storeId}/skus:export?limit=2`, { token: ADMIN });
    const rest = await api("GET", `/v1/stores/${storeId}/skus:export?cursor=${first.headers.get("x-next-cursor")}`, { token: ADMIN });
    expect(rowsOf(rest.body as string)).toEqual(whole.slice(2));
    expect(rest.headers.get("x-next-cursor")).toBeNull();
  });

  it("keeps its pages full after writes refused on SKUs the store never allocated (they are not listed as its SKUs)", async () => {
    const storeId = unique("store");
    await putStore(storeId);
    for (const sku of ["a", "c"]) await allocate(storeId, sku, { onHand: 5 });
    const cell = (sku: string) => `/v1/stores/${storeId}/skus/${sku}`;
    expect((await api("POST", `${cell("b1")}/adjustments`, { token: ADMIN, body: { delta: 1, reason: "receive" } })).status).toBe(404);
    expect((await api("PUT", `${cell("b2")}/sold-out`, { token: ADMIN, body: { soldOut: true } })).status).toBe(404);
    expect((await api("PUT", `${cell("b3")}/low-stock`, { token: ADMIN, body: { overall: 1 } })).status).toBe(404);
    const sale = { eventId: unique("ev"), at: new Date().toISOString(), type: "sale", sku: "b4", qty: 1 };
    const events = await sendEvents(storeId, [sale]);
    expect(events.body.results[0]).toMatchObject({ outcome: "rejected", reason: "not_allocated" });
    const order = { reservationId: unique("r"), channel: "online", items: [{ storeId, sku: "b5", qty: 1 }] };
    expect((await reserve(order)).status).toBe(409);

    const whole = await wholeExport(`/v1/stores/${storeId}/skus:export`, 2);
    expect(whole.map(keyOf)).toEqual([`${storeId},a`, `${storeId},c`]);
    expect((await pages(`/v1/stores/${storeId}/skus:export`, 1)).map((page) => page.length)).toEqual([1, 1]);
  });

  it("pages a region's export across stores, empty stores included, for a manager of the region", async () => {
    // Stores are listed by priority: these four come first in the region, in this order.
    const [first, empty, second, third] = [unique("s1"), unique("s2"), unique("s3"), unique("s4")];
    await putStore(first, "oceania", { priority: 0 });
    await putStore(empty, "oceania", { priority: 1 });
    await putStore(second, "oceania", { priority: 2 });
    await putStore(third, "oceania", { priority: 3 });
    await importSkus(first, ["x1", "x2", "x3"]);
    await importSkus(second, ["y1"]);
    await importSkus(third, ["z1", "z2"]);
    const manager = await mint("manager", { regions: ["oceania"] });
    const ours = (rows: string[]) => rows.filter((row) => [first, second, third].includes(row.split(",")[0]!));
    const whole = await eventually(
      () => api("GET", "/v1/skus:export?region=oceania", { token: manager }),
      (r) => r.status === 200 && ours(rowsOf(r.body as string)).length === 6,
    );
    const wholeRows = rowsOf(whole.body as string);

    for (const limit of [1, 2, 4]) {
      const paged = await pages("/v1/skus:export?region=oceania", limit, manager);
      expect(paged.flat().map(keyOf), `limit ${limit}`).toEqual(wholeRows.map(keyOf));
      for (const page of paged) expect(page.length).toBeLessThanOrEqual(limit);
    }
    expect(ours((await pages("/v1/skus:export?region=oceania", 2, manager)).flat()).map(keyOf)).toEqual([
      `${first},x1`, `${first},x2`, `${first},x3`, `${second},y1`, `${third},z1`, `${third},z2`,
    ]);
  });

  it("refuses a malformed cursor, another scope's cursor and a limit out of range, with a 400", async () => {
    const [storeId, other] = [unique("store"), unique("store")];
    await putStore(storeId);
    await putStore(other);
    await importSkus(storeId, ["a", "b"]);
    await importSkus(other, ["a", "b"]);
    const otherCursor = await eventually(
      () => api("GET", `/v1/stores/${other}/skus:export?limit=1`, { token: ADMIN }),
      (r) => r.headers.get("x-next-cursor") !== null,
    );
    const cases = [
      `cursor=not-a-cursor`,
      `cursor=${btoa(JSON.stringify([storeId]))}`,
      `cursor=${otherCursor.headers.get("x-next-cursor")}`,
      `limit=0`,
      `limit=5001`,
      `limit=two`,
    ];
    for (const query of cases) {
      const answer = await api("GET", `/v1/stores/${storeId}/skus:export?${query}`, { token: ADMIN });
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code, query).toBe("invalid_request");
    }
    const outOfRegion = await api("GET", `/v1/skus:export?region=eu-west&cursor=${otherCursor.headers.get("x-next-cursor")}`, { token: ADMIN });
    expect(outOfRegion.status).toBe(400);
  });
});

describe("SKUs named like an object's own members", () => {
  it("export as any other, from their cells and staged alike (a lookup in a plain object once found Object.prototype's and cut the export short)", async () => {
    const storeId = unique("proto");
    await putStore(storeId);
    const members = ["constructor", "hasOwnProperty", "toString", "valueOf"];
    for (const sku of members) {
      const response = await api("PUT", `/v1/stores/${storeId}/skus/${sku}`, { token: ADMIN, body: { onHand: 4 } });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
    }
    await importSkus(storeId, ["isPrototypeOf", "milk", "propertyIsEnumerable"]);
    const rows = await wholeExport(`/v1/stores/${storeId}/skus:export`, 7);
    expect(rows.map((row) => row.split(",")[1])).toEqual([...members, "isPrototypeOf", "milk", "propertyIsEnumerable"].sort());
  });
});

describe("exports with stores without cells", () => {
  const HEADER = "storeId,sku,onHand,reserved,free,inTransit,incoming,soldOut,oversold,sharedPolicy,channels,low,version,updatedAt\r\n";

  // The export stream is read to its end here, in the test: a pull that neither enqueued nor
  // closed left the read pending for ever (the route's answer looked whole, as the runtime
  // cancelled the hung request after the header), so this read would never finish.
  it("ends the stream of a store without cells after the header, and of empty stores and page parts around others", async () => {
    const [empty, other, stocked] = [unique("empty"), unique("empty"), unique("stocked")];
    await putStore(empty);
    await putStore(other);
    await putStore(stocked);
    await importSkus(stocked, ["a"]);
    await eventually(
      () => api("GET", `/v1/stores/${stocked}/skus:export`, { token: ADMIN }),
      (r) => r.status === 200 && rowsOf(r.body as string).length === 1,
    );
    const read = (parts: CellPagePart[]) => new Response(exportStream(env as unknown as Env, parts)).text();
    expect(await read([{ storeId: empty }])).toBe(HEADER);
    expect(await read([])).toBe(HEADER);
    expect(await read([{ storeId: empty, skus: [] }])).toBe(HEADER);
    expect(await read([{ storeId: empty, skus: ["none"] }])).toBe(HEADER);
    const mixed = await read([{ storeId: empty }, { storeId: stocked }, { storeId: other }]);
    expect(mixed.startsWith(HEADER)).toBe(true);
    expect(rowsOf(mixed).map(keyOf)).toEqual([`${stocked},a`]);

    const answer = await api("GET", `/v1/stores/${empty}/skus:export`, { token: ADMIN });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(HEADER);
  });

  // A store's rows used to come in one chunk after its last cell was read: after an import of
  // a few thousand SKUs (each read creating its cell) nothing followed the header for minutes.
  it("streams a large store a chunk of SKUs at a time, every row once, in order and with its values, staged SKUs read from the hub", async () => {
    const storeId = unique("chunked");
    await putStore(storeId);
    const skus = Array.from({ length: EXPORT_CHUNK_SKUS * 2 + 50 }, (_, i) => `k${String(i).padStart(4, "0")}`);
    await importSkus(storeId, skus);
    const reader = exportStream(env as unknown as Env, [{ storeId, skus }]).getReader();
    const chunks: string[] = [];
    for (let read = await reader.read(); !read.done; read = await reader.read()) chunks.push(new TextDecoder().decode(read.value));
    expect(chunks[0]).toBe(HEADER);
    expect(chunks.slice(1).map((chunk) => rowsOf(HEADER + chunk).length)).toEqual([EXPORT_CHUNK_SKUS, EXPORT_CHUNK_SKUS, 50]);
    const rows = rowsOf(chunks.join(""));
    expect(rows.map(keyOf)).toEqual(skus.map((sku) => `${storeId},${sku}`));
    // importSkus gives the i-th SKU i + 1 units; a cell read afterwards (creating it, if the hub's alarm has not) agrees.
    expect(rows.map((row) => Number(row.split(",")[2]))).toEqual(skus.map((_, index) => index + 1));
    const last = await readCell(storeId, skus.at(-1)!);
    expect(rows.at(-1)!.split(",").slice(2, 5).map(Number)).toEqual([last.onHand, last.reserved, last.free.shared]);
  });
});
