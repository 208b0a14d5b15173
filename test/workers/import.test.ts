import { SELF } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { ADMIN, allocate, api, eventually, mint, putStore, readCell, reserve, stagedCellsCreated, unique } from "./helpers";

/** Stores a test imported into: their staged cells are created before the next test. */
const imported = new Set<string>();
afterEach(async () => {
  await stagedCellsCreated(imported);
  imported.clear();
}, 300_000);

function importFile(path: string, body: string, type = "text/csv", token = ADMIN) {
  const store = /\/v1\/stores\/([^/]+)\/skus:import/.exec(path)?.[1];
  if (store) imported.add(decodeURIComponent(store));
  return api("POST", path, { token, rawBody: body, headers: { "content-type": type } });
}

describe("bulk import", () => {
  it("imports a valid CSV file: every line allocated, counts and per-line outcomes", async () => {
    const storeId = unique("store");
    await putStore(storeId);
    const csv = ["sku,onHand,channels…", "milk-1l,120,pos:40:1,online:30:1,policy=weighted,low=10", "", "# a comment", "bread,35,low.online=5", '"eggs-10",7'].join("\n");
    const importId = unique("imp");
    const response = await importFile(`/v1/stores/${storeId}/skus:import?importId=${importId}`, csv);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body).toMatchObject({ importId, mode: "all", lines: 3, applied: 3, failed: 0, invalid: 0 });
    expect(response.body.outcomes.map((o: any) => [o.line, o.sku, o.outcome])).toEqual([
      [2, "milk-1l", "applied"],
      [5, "bread", "applied"],
      [6, "eggs-10", "applied"],
    ]);
    expect(await readCell(storeId, "milk-1l")).toMatchObject({
      onHand: 120,
      sharedPolicy: "weighted",
      free: { shared: 50, channels: { pos: 40, online: 30 } },
      lowStock: { overall: 10 },
    });
    expect(await readCell(storeId, "bread")).toMatchObject({ onHand: 35, lowStock: { channels: { online: 5 } } });
  });

  it("imports NDJSON, and the same import id twice applies once and answers the same", async () => {
    const storeId = unique("store");
    await putStore(storeId);
    const lines = [
      JSON.stringify({ sku: "a", onHand: 10, channels: { pos: { quota: 4, weight: 1 } } }),
      JSON.stringify({ sku: "b", onHand: 3, sharedPolicy: "weighted", lowStock: { overall: 1 } }),
    ].join("\n");
    const path = `/v1/stores/${storeId}/skus:import`;
    const importId = unique("imp");
    const first = await api("POST", path, { token: ADMIN, rawBody: lines, headers: { "content-type": "application/x-ndjson", "idempotency-key": importId } });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ applied: 2, lines: 2 });

    // A sale in between: a repeated import must not reset the cell.
    expect((await reserve({ reservationId: unique("o"), channel: "pos", items: [{ storeId, sku: "a", qty: 2 }] })).status).toBe(201);
    const again = await api("POST", path, { token: ADMIN, rawBody: lines, headers: { "content-type": "application/x-ndjson", "idempotency-key": importId } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await readCell(storeId, "a")).toMatchObject({ onHand: 10, reserved: 2, free: { channels: { pos: 2 } } });

    const different = await api("POST", path, { token: ADMIN, rawBody: lines.replace('"onHand":10', '"onHand":11'), headers: { "content-type": "application/x-ndjson", "idempotency-key": importId } });
    expect(different.status).toBe(409);
    expect((await readCell(storeId, "a")).onHand).toBe(10);

    // A bad id is named where it was given.
    for (const header of ["idempotency-key", "x-import-id"]) {
      const bad = await api("POST", path, { token: ADMIN, rawBody: lines, headers: { "content-type": "application/x-ndjson", [header]: "no spaces allowed" } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.issues[0].path).toBe(`header.${header}`);
    }
  });

  it("reports every bad line with its number and applies nothing; good-lines mode applies the rest", async () => {
    const storeId = unique("store");
    await putStore(storeId);
    const csv = [
      "ok-1,10",
      "bad sku!,5",
      "ok-2,-3",
      "ok-3,10,pos:8:1,online:5:1",
      "ok-4,10,fax:1:1",
      "ok-1,4",
      "ok-5,abc,pos:1",
      "ok-6,9,policy=greedy",
      "ok-7,12,pos:2:1",
    ].join("\n");
    const path = `/v1/stores/${storeId}/skus:import?importId=${unique("imp")}`;
    const refused = await importFile(path, csv);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("invalid_request");
    const badLines = refused.body.error.details.badLines as Array<{ line: number; errors: string[] }>;
    expect(badLines.map((b) => b.line)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(badLines.find((b) => b.line === 4)!.errors[0]).toMatch(/quotas \(13\) exceed onHand \(10\)/);
    expect(badLines.find((b) => b.line === 6)!.errors[0]).toMatch(/already appears on line 1/);
    expect(badLines.find((b) => b.line === 7)!.errors.length).toBe(2);
    expect((await api("GET", `/v1/stores/${storeId}/skus/ok-1`, { token: ADMIN })).status).toBe(404);

    const partial = await importFile(`${path}&mode=good-lines`, csv);
    expect(partial.status, JSON.stringify(partial.body)).toBe(201);
    expect(partial.body).toMatchObject({ lines: 9, applied: 2, invalid: 7, failed: 0 });
    expect(partial.body.outcomes.filter((o: any) => o.outcome === "applied").map((o: any) => o.sku)).toEqual(["ok-1", "ok-7"]);
    expect((await readCell(storeId, "ok-7")).onHand).toBe(12);
  });

  it("refuses bad requests with a 4xx and applies nothing", async () => {
    const storeId = unique("store");
    await putStore(storeId, "eu-central");
    const path = `/v1/stores/${storeId}/skus:import`;
    expect((await importFile(path, "a,1")).status).toBe(400); // no import id
    expect((await importFile(`${path}?importId=bad%20id`, "a,1")).status).toBe(400);
    expect((await importFile(`${path}?importId=x1`, "")).status).toBe(400);
    expect((await importFile(`${path}?importId=x1`, "a,1", "text/plain")).status).toBe(415);
    // application/json is not an import type: the routes document CSV and NDJSON, and JSON is not read as lines.
    expect((await importFile(`${path}?importId=x1`, JSON.stringify({ sku: "a", onHand: 1 }), "application/json")).status).toBe(415);
    expect((await importFile(`${path}?importId=x1`, "a,1", "text/csv", await mint("store", { stores: [storeId] }))).status).toBe(403);
    expect((await importFile(`${path}?importId=x1`, "a,1", "text/csv", await mint("manager", { regions: ["na-east"] }))).status).toBe(403);
    expect((await importFile(`${path}?importId=x1&mode=some`, "a,1")).status).toBe(400);
    expect((await importFile(`${path}?importId=x1`, "{not json", "application/x-ndjson")).status).toBe(400);
    expect((await importFile(`/v1/stores/${unique("nostore")}/skus:import?importId=x1`, "a,1")).status).toBe(404);
    const big = await SELF.fetch(`http://inventory.test${path}?importId=x2`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "text/csv" },
      body: "x".repeat(9_000_000),
    });
    await big.text();
    expect(big.status).toBe(413);
    expect((await api("GET", `/v1/stores/${storeId}/skus/a`, { token: ADMIN })).status).toBe(404);
    // Other routes still take only JSON and 1 MiB.
    expect((await api("PUT", `/v1/stores/${storeId}/skus/a`, { token: ADMIN, rawBody: "a,1", headers: { "content-type": "text/csv" } })).status).toBe(415);
  });

  it("imports region-wide (admins): lines carry their store, which must be in the region", async () => {
    const [a, b] = [unique("store"), unique("store")];
    await putStore(a, "eu-west");
    await putStore(b, "eu-west");
    const outside = unique("store");
    await putStore(outside, "na-east");
    const csv = `storeId,sku,onHand\n${a},x,5\n${b},x,6\n${outside},x,7\n`;
    const refused = await importFile(`/v1/skus:import?region=eu-west&importId=${unique("imp")}`, csv);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.badLines).toEqual([{ line: 4, errors: [`store ${outside} is not in this region`] }]);
    const manager = await mint("manager", { regions: ["eu-west"] });
    expect((await importFile(`/v1/skus:import?region=eu-west&importId=${unique("imp")}`, csv, "text/csv", manager)).status).toBe(403);
    const applied = await importFile(`/v1/skus:import?region=eu-west&importId=${unique("imp")}&mode=good-lines`, csv);
    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject({ applied: 2, invalid: 1 });
    expect((await readCell(a, "x")).onHand).toBe(5);
    expect((await readCell(b, "x")).onHand).toBe(6);

    // An import id is the chain's: the same id from another scope with another body is a 409, and nothing of it applies.
    const reused = await importFile(`/v1/stores/${a}/skus:import?importId=${applied.body.importId}`, "sku,onHand\nx,8\ny,4\n");
    expect(reused.status, JSON.stringify(reused.body)).toBe(409);
    expect(reused.body.error.code).toBe("conflict");
    expect((await readCell(a, "x")).onHand).toBe(5);
    expect((await api("GET", `/v1/stores/${a}/skus/y`, { token: ADMIN })).status).toBe(404);
  });

  it("imports 10,000 lines, then exports them as CSV", async () => {
    const storeId = unique("store");
    await putStore(storeId);
    const lines = ["sku,onHand"];
    for (let i = 0; i < 10_000; i++) lines.push(`sku-${i},${i % 50},pos:${i % 7}:1,online:${i % 5}:2,low=3`.replace(/,pos:(\d+):1,online:(\d+):2/, (all, p, o) => (Number(p) + Number(o) <= i % 50 ? all : "")));
    const started = Date.now();
    const path = `/v1/stores/${storeId}/skus:import?importId=${unique("imp")}`;
    let response = await importFile(path, lines.join("\n"));
    // 10,000 new objects beside the other test files can run the local runtime short of
    // memory for SQLite: the import then answers 503 and finishes when repeated, as a
    // client would (same import id, after the time it names).
    for (let repeats = 0; response.status === 503 && repeats < 5; repeats++) {
      console.log(JSON.stringify({ msg: "import answered 503; repeating", details: (response.body as { error: { details?: unknown } }).error.details }));
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      response = await importFile(path, lines.join("\n"));
    }
    const elapsed = Date.now() - started;
    expect(response.status, JSON.stringify(response.body).slice(0, 500)).toBe(201);
    expect(response.body).toMatchObject({ lines: 10_000, applied: 10_000, failed: 0, invalid: 0 });
    console.log(JSON.stringify({ msg: "import of 10,000 lines", elapsedMs: elapsed }));
    expect(await readCell(storeId, "sku-9999")).toMatchObject({ onHand: 9999 % 50, lowStock: { overall: 3 } });

    const exported = await eventually(
      () => api("GET", `/v1/stores/${storeId}/skus:export`, { token: ADMIN }),
      (r) => typeof r.body === "string" && r.body.trim().split("\r\n").length === 10_001,
      120_000,
    );
    expect(exported.headers.get("content-type")).toMatch(/^text\/csv/);
    const rows = (exported.body as string).trim().split("\r\n");
    expect(rows[0]).toBe("storeId,sku,onHand,reserved,free,inTransit,incoming,soldOut,oversold,sharedPolicy,channels,low,version,updatedAt");
    const row = rows.find((r) => r.startsWith(`${storeId},sku-49,`))!;
    expect(row).toMatch(new RegExp(`^${storeId},sku-49,49,0,49,0,0,false,false,first-come,online:4:2 pos:0:1,low=3,1,`));
  }, 600_000);

  it("exports region-wide for a manager of the region only", async () => {
    const storeId = unique("store");
    await putStore(storeId, "oceania");
    expect((await importFile(`/v1/stores/${storeId}/skus:import?importId=${unique("imp")}`, "z,4")).status).toBe(201);
    const manager = await mint("manager", { regions: ["oceania"] });
    const exported = await eventually(
      () => api("GET", "/v1/skus:export?region=oceania", { token: manager }),
      (r) => typeof r.body === "string" && r.body.includes(`${storeId},z,4,`),
    );
    expect(exported.status).toBe(200);
    expect((await api("GET", "/v1/skus:export?region=eu-west", { token: manager })).status).toBe(403);
    expect((await api("GET", "/v1/skus:export?region=nowhere", { token: ADMIN })).status).toBe(400);
  });

  it("imports its own export as it is: a store's back into the store, a region's back into the region", async () => {
    const region = "ap-south";
    const [a, b] = [unique("store"), unique("store")];
    await putStore(a, region);
    await putStore(b, region);
    expect((await importFile(`/v1/stores/${a}/skus:import?importId=${unique("imp")}`, "milk,120,pos:40:1,online:30:2,policy=weighted,low=10,low.online=4\nbread,5")).status).toBe(201);
    expect((await importFile(`/v1/stores/${b}/skus:import?importId=${unique("imp")}`, "eggs,7,pos:2:3")).status).toBe(201);
    expect((await reserve({ reservationId: unique("o"), channel: "online", items: [{ storeId: a, sku: "milk", qty: 2 }] })).status).toBe(201);
    const exportOf = (path: string, rows: number) =>
      eventually(() => api("GET", path, { token: ADMIN }), (r) => typeof r.body === "string" && r.body.trim().split("\r\n").length === rows + 1).then((r) => r.body as string);
    const storeExport = await exportOf(`/v1/stores/${a}/skus:export`, 2);
    const regionExport = await exportOf(`/v1/skus:export?region=${region}`, 3);

    // Everything changes; then the store's export goes back into the store.
    await allocate(a, "milk", { onHand: 3 });
    await allocate(b, "eggs", { onHand: 1 });
    const back = await importFile(`/v1/stores/${a}/skus:import?importId=${unique("imp")}`, storeExport);
    expect(back.status, JSON.stringify(back.body)).toBe(201);
    expect(back.body).toMatchObject({ lines: 2, applied: 2, invalid: 0 });
    expect(await readCell(a, "milk")).toMatchObject({
      onHand: 120,
      reserved: 2,
      sharedPolicy: "weighted",
      channels: { pos: { quota: 40, weight: 1 }, online: { quota: 30, weight: 2 } },
      lowStock: { overall: 10, channels: { online: 4 } },
    });
    expect(await readCell(b, "eggs")).toMatchObject({ onHand: 1 });

    // The region's export restores every store of the region as it was exported.
    const restored = await importFile(`/v1/skus:import?region=${region}&importId=${unique("imp")}`, regionExport);
    expect(restored.status, JSON.stringify(restored.body)).toBe(201);
    expect(restored.body).toMatchObject({ lines: 3, applied: 3, invalid: 0 });
    const allocationColumns = (csv: string) =>
      csv.trim().split("\r\n").map((row) => {
        const [storeId, sku, onHand, , , , , , , sharedPolicy, channels, low] = row.split(",");
        return [storeId, sku, onHand, sharedPolicy, channels, low].join(",");
      });
    expect(allocationColumns(await exportOf(`/v1/skus:export?region=${region}`, 3))).toEqual(allocationColumns(regionExport));

    // Into another store, the export's storeId column must name that store: a wrong file is refused whole.
    const elsewhere = await importFile(`/v1/stores/${b}/skus:import?importId=${unique("imp")}`, storeExport);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.details.badLines).toEqual([
      { line: 2, errors: [`storeId ${a} is not this import's store ${b}`] },
      { line: 3, errors: [`storeId ${a} is not this import's store ${b}`] },
    ]);
  });
});
