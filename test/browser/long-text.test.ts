// Long names, ids, notes and numbers stay inside the page: nothing scrolls sideways from
// tablet portrait (768 px) up, as the README promises.
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { adminClient, browserPerFile, eventually, newPage, pageProblems, signIn, stack } from "./helpers";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

const run = Date.now().toString(36);
const LONG_NAME =
  "Supermercado Internacional de la Ciudad Autónoma — Sucursal Número Ciento Veintitrés, Planta Baja, Entrada por la Calle Lateral junto al Aparcamiento Subterráneo y la Parada de Autobús 42 ÄÖÜ";

/** How far the page is wider than its window (0 when it does not scroll sideways). */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth) as Promise<number>;

describe.skipIf(!stack)("long text", () => {
  const browser = browserPerFile();

  test("a long store name and id, a long SKU with a million units and a 2,000-character note do not widen any page", async () => {
    const admin = adminClient();
    // A region of its own, so other tests' overviews are untouched.
    const storeId = `long-${run}`.padEnd(64, "x"); // no break opportunity in 50-odd characters
    const sku = `L${"o".repeat(50)}ng-sku-${run}`.slice(0, 64);
    await admin.stores.put(storeId, { name: LONG_NAME, region: "oceania", timezone: "Australia/Sydney" });
    await admin.cells.allocate(storeId, sku, { onHand: 1_234_567, sharedPolicy: "weighted", channels: { online: { quota: 1_000_000, weight: 1 }, marketplace: { quota: 1, weight: 1 } } });
    // An oversell on a second SKU, resolved with the longest note there can be.
    await admin.cells.allocate(storeId, "short", { onHand: 10 });
    await admin.reservations.create({ reservationId: `long-${run}`, channel: "online", items: [{ storeId, sku: "short", qty: 10 }] });
    await admin.stores.events(storeId, { events: [{ eventId: `pos-long-${run}`, at: new Date().toISOString(), type: "set", sku: "short", onHand: 4 }] });
    const record = await eventually(async () => (await admin.oversells.list({ storeId, status: "open" })).items[0], "the oversell record");
    await admin.oversells.resolve(record.id, { note: "N".repeat(2000) });

    const page = await newPage(browser());
    await signIn(page, stack!.adminToken);
    await page.locator("[data-testid=stores-table]").waitFor();
    const pages: Array<[string, () => Promise<unknown>]> = [
      [`#/overview/oceania`, () => page.locator(`[data-testid=stores-table] tr[data-store="${storeId}"]`).waitFor()],
      [`#/store/${storeId}`, () => page.locator(`tr[data-sku="${sku}"]`).waitFor()],
      [`#/oversells/${storeId}`, async () => {
        await page.locator("[data-testid=oversell-status]").selectOption("");
        await page.locator(`li[data-oversell="${record.id}"] .resolution`).waitFor();
      }],
      [`#/movements/${storeId}`, () => page.locator("[data-testid=movements-table], section[data-panel=Ledger] .empty").first().waitFor()],
    ];
    const wide: string[] = [];
    for (const width of [768, 1366]) {
      await page.setViewportSize({ width, height: 1000 });
      for (const [hash, ready] of pages) {
        await page.goto(`${stack!.baseUrl}/${hash}`);
        await ready();
        const extra = await overflow(page);
        await page.screenshot({ path: `/tmp/long-${width}-${hash.split("/")[1]}.png`, fullPage: true });
        if (extra > 0) wide.push(`${hash.split("/")[1]} at ${width} px: ${extra} px too wide`);
        // Nor does a cell's content spill into the next one (1,000,000/1,000,000 over the state).
        const spilled = (await page.evaluate(() => [...document.querySelectorAll("td")].filter((cell: { scrollWidth: number; clientWidth: number }) => cell.scrollWidth > cell.clientWidth + 1).length)) as number;
        if (spilled > 0) wide.push(`${hash.split("/")[1]} at ${width} px: ${spilled} table cells overflow`);
      }
    }
    expect(wide).toEqual([]);
    await page.context().close();
  });

  test("no page had a script error or a CSP violation", () => {
    expect(pageProblems).toEqual([]);
  });
});
