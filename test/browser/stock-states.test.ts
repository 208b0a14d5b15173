// A cell's state as the store view and the overview show it: an empty cell (nothing free to
// sell) is out of stock, a problem sorted and counted as sold out, whatever its thresholds.
import { describe, expect, test } from "vitest";
import { adminClient, browserPerFile, eventually, newPage, pageProblems, signIn, stack } from "./helpers";

const run = Date.now().toString(36);

describe.skipIf(!stack)("stock states", () => {
  const browser = browserPerFile();

  test("an empty cell with low-stock thresholds is out of stock: badged, sorted first and counted as sold out", async () => {
    const admin = adminClient();
    // A region of its own, so the counts are this test's.
    const storeId = `states-${run}`;
    await admin.stores.put(storeId, { name: "States Test", region: "sa-east", timezone: "America/Sao_Paulo" });
    const csv = ["sku-0035,0,online:0:1,pos:0:1,low=35", "sku-0030,30,low=30", "sku-fine,50"].join("\n");
    await admin.skus.import(storeId, { format: "csv", body: csv }, { importId: `states-${run}` });
    // Channel thresholds read what the channel can take, as the alerts do: a full cell whose
    // online threshold equals its quota can still borrow 50 (not low); an online channel that
    // can take nothing while the till still sells is low.
    await admin.cells.allocate(storeId, "sku-full", { onHand: 80, channels: { online: { quota: 30, weight: 1 } }, lowStock: { channels: { online: 30 } } });
    await admin.cells.allocate(storeId, "sku-chan-out", { onHand: 10, sharedPolicy: "weighted", channels: { pos: { quota: 10, weight: 1 }, online: { quota: 0, weight: 1 } }, lowStock: { channels: { online: 2 } } });

    const page = await newPage(browser());
    await signIn(page, stack!.adminToken);
    await page.locator("[data-testid=stores-table]").waitFor();
    await page.goto(`${stack!.baseUrl}/#/store/${storeId}`);
    const state = (sku: string) => page.locator(`tr[data-sku="${sku}"] [data-field=state]`);
    await state("sku-0035").getByText("Out of stock", { exact: true }).waitFor();
    expect(await state("sku-0035").textContent()).not.toContain("Selling");
    expect(await state("sku-0030").textContent()).toContain("Low stock");
    expect(await state("sku-fine").textContent()).toBe("Selling");
    expect(await state("sku-full").textContent()).toBe("Selling");
    expect(await state("sku-chan-out").textContent()).toBe("SellingLow stock");
    // Problems first: out of stock before low stock before the rest.
    expect(await page.locator("[data-testid=cells-table] tbody tr[data-sku]").evaluateAll((rows: Array<{ dataset: { sku?: string } }>) => rows.map((row) => row.dataset.sku))).toEqual(["sku-0035", "sku-0030", "sku-chan-out", "sku-fine", "sku-full"]);

    // The overview counts it as sold out (the reports fill from the queue: refresh until they have it).
    await page.goto(`${stack!.baseUrl}/#/overview/sa-east`);
    const row = page.locator(`[data-testid=stores-table] tr[data-store="${storeId}"]`);
    const counts = await eventually(async () => {
      const cells = await row.locator("td").allTextContents();
      if (cells[0] === "5") return cells;
      await page.getByRole("button", { name: "Refresh" }).click();
      return undefined;
    }, "the store's 5 cells in the stock report");
    expect(counts[3]).toBe("1"); // sold out
    expect(counts[4]).toBe("2"); // low stock: sku-0030 and sku-chan-out
    expect(await page.locator("[data-testid=kpi-soldout] .figure-value").textContent()).toBe("1");
    await page.context().close();
  });

  test("no page had a script error or a CSP violation", () => {
    expect(pageProblems).toEqual([]);
  });
});
