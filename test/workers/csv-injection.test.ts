// Every CSV the service writes neutralises text a spreadsheet would run as a formula
// (OWASP CSV Injection), and keeps numbers plain.
import { describe, expect, it } from "vitest";
import { parseCsv } from "../support/csv";
import { ADMIN, allocate, api, eventually, putStore, unique } from "./helpers";

describe("CSV formula injection", () => {
  it("neutralises a return's reason in the movements CSV, keeps negative deltas plain, and keeps the export's negative levels plain", async () => {
    const storeId = unique("csv");
    const sku = unique("sku");
    await putStore(storeId);
    await allocate(storeId, sku, { onHand: 1 });
    const reasons = ["@SUM(1+1)*cmd|/C calc!A0", '=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3+cmd|' /C calc'!A0"];
    for (const reason of reasons) {
      const response = await api("POST", `/v1/stores/${storeId}/returns`, { token: ADMIN, body: { returnId: unique("rma"), items: [{ sku, qty: 1 }], reason } });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
    }
    const damaged = await api("POST", `/v1/stores/${storeId}/skus/${sku}/adjustments`, { token: ADMIN, body: { delta: -10, reason: "damage" } });
    expect(damaged.status, JSON.stringify(damaged.body)).toBe(200);

    const csv = await eventually(
      () => api("GET", `/v1/reports/movements?storeId=${storeId}&limit=1000&format=csv`, { token: ADMIN }),
      (answer) => answer.status === 200 && parseCsv(answer.body as string).length === 1 + 1 + reasons.length + 1,
      20_000,
    );
    const [header, ...rows] = parseCsv(csv.body as string);
    const column = (name: string) => header!.indexOf(name);
    const reasonsInCsv = rows.map((row) => row[column("reason")]);
    for (const reason of reasons) expect(reasonsInCsv).toContain(`'${reason}`);
    expect(reasonsInCsv).toContain("damage");
    for (const value of reasonsInCsv) expect(value ?? "").not.toMatch(/^[=+\-@\t\r]/);
    // A number stays a number: the damage's delta and the levels it left, negative.
    const damage = rows.find((row) => row[column("reason")] === "damage")!;
    expect([damage[column("delta")], damage[column("onHandAfter")]]).toEqual(["-10", "-5"]);
    expect(csv.body as string).toContain(",-10,");
    // The raw text never starts a cell.
    expect(csv.body as string).not.toContain(`,${reasons[0]}`);
    expect(csv.body as string).not.toContain(`,"${reasons[1]!.slice(0, 10)}`);

    // The stock export: the oversold level is a plain negative number.
    const exported = await eventually(
      () => api("GET", `/v1/stores/${storeId}/skus:export`, { token: ADMIN }),
      (answer) => answer.status === 200 && parseCsv(answer.body as string).length === 2,
    );
    const [exportHeader, line] = parseCsv(exported.body as string);
    expect(line![exportHeader!.indexOf("onHand")]).toBe("-5");
  });
});
