// At tablet portrait (768 px, the README's minimum) every table fits its panel: none is wider
// than its container (that clipped "Reports behind" and the ledger's Reference column), and no
// ordinary word is broken across lines ("berli n-01", "rele ase"); ids wrap only after - _ / …
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { adminClient, browserPerFile, eventually, newPage, pageProblems, signIn, stack } from "./helpers";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const NodeFilter: any;

const run = Date.now().toString(36);
const REGION = "ap-southeast"; // a region of its own: other tests' overviews are untouched
const BERLIN = `berlin-${run}`;
const MUNICH = `munich-${run}`;
const SKUS = ["bread-sourdough", "coffee-beans-500g", "eggs-12", "milk-1l", "olive-oil-750ml"];

/** Tables wider than their container, and words (no separator, at most 20 letters) broken across lines. */
function problems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const table of document.querySelectorAll("table")) {
      const container = table.parentElement;
      if (table.getClientRects().length === 0) continue; // in a closed <details>
      if (table.scrollWidth > container.clientWidth) found.push(`${table.dataset.testid ?? table.className ?? "table"}: ${table.scrollWidth} px in ${container.clientWidth} px`);
      const walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement.closest(".sr-only")) continue;
        for (const match of node.textContent.matchAll(/[^\s\-_/.:@#()→,]+/g)) {
          if (match[0].length > 20) continue;
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          if (range.getClientRects().length > 1) found.push(`"${match[0]}" broken across lines in ${table.dataset.testid ?? "a table"}`);
        }
      }
    }
    return [...new Set(found)];
  }) as Promise<string[]>;
}

describe.skipIf(!stack)("tables at tablet width", () => {
  const browser = browserPerFile();

  test("at 768 px no table is wider than its container and no word breaks mid-word, on the overview, a store and Movements", async () => {
    const admin = adminClient();
    // Two stores like the demo's, then a ledger with most kinds of movement.
    await admin.stores.put(BERLIN, { name: "Berlin Mitte", region: REGION, timezone: "Europe/Berlin" });
    await admin.stores.put(MUNICH, { name: "München Hbf", region: REGION, timezone: "Europe/Berlin" });
    for (const storeId of [BERLIN, MUNICH])
      for (const sku of SKUS)
        await admin.cells.allocate(storeId, sku, { onHand: 60, sharedPolicy: "weighted", channels: { online: { quota: 20, weight: 1 }, pos: { quota: 20, weight: 1 }, marketplace: { quota: 10, weight: 1 } } });
    await admin.reservations.create({ reservationId: `r1-${run}`, channel: "online", items: [{ storeId: BERLIN, sku: "coffee-beans-500g", qty: 2 }] });
    await admin.reservations.confirm(`r1-${run}`);
    await admin.reservations.create({ reservationId: `r2-${run}`, channel: "marketplace", items: [{ storeId: BERLIN, sku: "eggs-12", qty: 1 }] });
    await admin.reservations.release(`r2-${run}`);
    await admin.reservations.create({ reservationId: `r3-${run}`, channel: "online", items: [{ storeId: BERLIN, sku: "bread-sourdough", qty: 3 }] });
    await admin.cells.adjust(BERLIN, "milk-1l", { delta: -3, reason: "damage" });
    await admin.cells.setSoldOut(BERLIN, "milk-1l", { soldOut: true });
    await admin.cells.setLowStock(BERLIN, "eggs-12", { overall: 80 });
    await admin.stores.returns(BERLIN, { returnId: `rma-${run}`, items: [{ sku: "coffee-beans-500g", qty: 1 }], reason: "customer_return" });
    // A stocktake below what is reserved: the cell is oversold (an Oversold badge).
    await admin.stores.events(BERLIN, { events: [{ eventId: `pos-${run}`, at: new Date().toISOString(), type: "set", sku: "bread-sourdough", onHand: 1 }] });
    await admin.transfers.create({ transferId: `tr-${run}`, from: { storeId: BERLIN }, to: { storeId: MUNICH }, items: [{ sku: "olive-oil-750ml", qty: 3 }] });
    await admin.transfers.receive(`tr-${run}`, { items: [{ sku: "olive-oil-750ml", qty: 2, reason: "damaged_in_transit" }] });
    await admin.transfers.create({ transferId: `tc-${run}`, from: { storeId: BERLIN }, to: { storeId: MUNICH }, items: [{ sku: "milk-1l", qty: 1 }] });
    await admin.transfers.cancel(`tc-${run}`);
    await eventually(async () => {
      const kinds = new Set<string>((await admin.reports.movements({ storeId: BERLIN, limit: 100 })).items.map((row) => row.kind));
      return ["release", "sold_out", "low_stock_set", "transfer_out", "transfer_cancel", "return", "set"].every((kind) => kinds.has(kind)) ? true : undefined;
    }, "the movements in the reports");

    const page = await newPage(browser(), { width: 768, height: 1000 });
    await signIn(page, stack!.adminToken);
    await page.locator("[data-testid=stores-table]").waitFor();
    const views: Array<[string, () => Promise<unknown>]> = [
      [`#/overview/${REGION}`, () => page.locator(`[data-testid=stores-table] tr[data-store="${MUNICH}"] td:last-child:not(:has-text("…"))`).waitFor()],
      [`#/store/${BERLIN}`, () => page.locator(`[data-testid=cells-table] tr[data-sku="milk-1l"]`).waitFor()],
      [`#/movements/${BERLIN}`, () => page.locator("[data-testid=movements-table] tbody tr").first().waitFor()],
      [`#/movements/${MUNICH}`, () => page.locator("[data-testid=movements-table] tbody tr").first().waitFor()],
    ];
    const found: string[] = [];
    for (const [hash, ready] of views) {
      await page.goto(`${stack!.baseUrl}/${hash}`);
      await ready();
      await page.screenshot({ path: `/tmp/tablet-768-${hash.split("/")[1]}.png`, fullPage: true });
      found.push(...(await problems(page)).map((problem) => `${hash}: ${problem}`));
    }
    expect(found).toEqual([]);
    await page.context().close();
  });

  test("no page had a script error or a CSP violation", () => {
    expect(pageProblems).toEqual([]);
  });
});
