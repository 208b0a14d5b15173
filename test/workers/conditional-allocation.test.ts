import { describe, expect, it } from "vitest";
import { ADMIN, api, damage, freshCell, readCell } from "./helpers";

const ALLOCATION = { onHand: 100, channels: { pos: { quota: 40, weight: 1 }, online: { quota: 20, weight: 1 } } };
const cellPath = (storeId: string, sku: string) => `/v1/stores/${storeId}/skus/${sku}`;
const allocateIf = (storeId: string, sku: string, ifMatch: string, body: unknown = ALLOCATION) =>
  api("PUT", cellPath(storeId, sku), { token: ADMIN, body, headers: { "if-match": ifMatch } });

describe("a conditional allocation (If-Match on the cell's ETag)", () => {
  it("is refused with 412 once the cell changed since it was read, so a stale form cannot undo a sale", async () => {
    const { storeId, sku } = await freshCell();
    const read = await api("GET", cellPath(storeId, sku), { token: ADMIN });
    const etag = read.headers.get("etag");
    expect(etag).toBe(`"${read.body.version}"`);

    // A sale while the manager's form is open.
    const sold = await damage(storeId, sku);
    expect(sold.onHand).toBe(99);

    const stale = await allocateIf(storeId, sku, etag!);
    expect(stale.status).toBe(412);
    expect(stale.body.error).toMatchObject({ code: "precondition_failed", details: { version: sold.version, expectedVersion: read.body.version, onHand: 99 } });
    expect(await readCell(storeId, sku)).toEqual(sold);

    // Read again, decide again: it applies, and the answer carries the new ETag.
    const fresh = await allocateIf(storeId, sku, `"${sold.version}"`, { ...ALLOCATION, onHand: 99 });
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(200);
    expect(fresh.body).toMatchObject({ onHand: 99, channels: { online: { quota: 20 } } });
    expect(fresh.headers.get("etag")).toBe(`"${fresh.body.version}"`);
    expect(fresh.body.version).toBeGreaterThan(sold.version);
  });

  it("refuses an If-Match that is not the cell's ETag as sent, and changes nothing; without one it is unconditional", async () => {
    const { storeId, sku } = await freshCell();
    const before = await readCell(storeId, sku);
    for (const bad of [String(before.version), `W/"${before.version}"`, "*", `"v${before.version}"`, `"${before.version}", "1"`]) {
      const response = await allocateIf(storeId, sku, bad, { ...ALLOCATION, onHand: 5 });
      expect(response.status, bad).toBe(400);
      expect(response.body.error.details.issues[0].path, bad).toBe("header.if-match");
    }
    expect(await readCell(storeId, sku)).toEqual(before);
    const plain = await api("PUT", cellPath(storeId, sku), { token: ADMIN, body: { ...ALLOCATION, onHand: 5, channels: {} } });
    expect(plain.status).toBe(200);
    expect(plain.body.onHand).toBe(5);
  });

  it("for a cell never allocated, version 0 is its ETag (allocate only if nobody did meanwhile)", async () => {
    const { storeId } = await freshCell();
    const sku = `new-${crypto.randomUUID().slice(0, 8)}`;
    const first = await allocateIf(storeId, sku, '"0"');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const second = await allocateIf(storeId, sku, '"0"');
    expect(second.status).toBe(412);
    expect(second.body.error.details).toMatchObject({ version: first.body.version, expectedVersion: 0 });
  });
});
