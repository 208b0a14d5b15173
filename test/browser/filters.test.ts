// The filters and refusals a black-box probe found wrong: a reason or reference the ledger
// shows is a filter, a store list narrows to the chosen region, a store that does not exist is
// said to be so, and a till's later sold-out decision is said in plain words.
import { describe, expect, test } from "vitest";
import { adminClient, browserPerFile, eventually, mint, newPage, pageProblems, signIn, stack } from "./helpers";

const run = Date.now().toString(36);
// A region no other browser test (nor the demo data) uses, so its stores are this file's.
const REGION = "ap-southeast";
const storeId = `filters-${run}`;
const sku = "tea-500g";

describe.skipIf(!stack)("filters, unknown stores and a till's later decision", () => {
  const browser = browserPerFile();

  async function store() {
    const admin = adminClient();
    await admin.stores.put(storeId, { name: "Singapore Filters", region: REGION, timezone: "Asia/Singapore" });
    await admin.cells.allocate(storeId, sku, { onHand: 40 });
    return admin;
  }

  /** The ledger's rows as [kind, reason, reference] once the reports have `count` of them after Apply. */
  async function ledgerRows(page: import("playwright-core").Page, count: number) {
    return eventually(async () => {
      await page.getByRole("button", { name: "Apply" }).click();
      await page.waitForFunction(() => document.querySelector('section[data-panel="Ledger"]')?.getAttribute("aria-busy") === "false");
      const rows = await page.locator("[data-testid=movements-table] tbody tr").evaluateAll((trs: Array<{ querySelectorAll: (s: string) => Array<{ textContent: string }> }>) =>
        trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)).map((cells) => [cells[3], cells[6], cells[9]]),
      );
      return rows.length === count ? rows : undefined;
    }, `${count} ledger rows`);
  }

  test("the reason filter takes a return's free-text reason, and says a reason the API would refuse", async () => {
    const admin = await store();
    const reason = "Customer return - broken seal";
    await admin.stores.returns(storeId, { returnId: `rma-${run}`, items: [{ sku, qty: 2 }], reason });
    const page = await newPage(browser());
    await signIn(page, stack!.adminToken);
    await page.locator("[data-testid=stores-table]").waitFor();
    await page.goto(`${stack!.baseUrl}/#/movements/${storeId}`);
    await page.getByTestId("movements-reason").fill(reason);
    expect(await ledgerRows(page, 1)).toEqual([["return", reason, `return:rma-${run}`]]);

    await page.getByTestId("movements-reason").fill("Beschädigt");
    await page.getByRole("button", { name: "Apply" }).click();
    const said = page.locator("#movements-reason-error");
    await said.waitFor();
    expect(await said.textContent()).toContain("printable ASCII");
    expect(await page.getByTestId("movements-reason").getAttribute("aria-invalid")).toBe("true");
    await page.context().close();
  });

  test("a till's offline sale is listed when it was synced and says when it happened", async () => {
    const admin = await store();
    const eventId = `offline-${run}`;
    const at = new Date(Date.now() - 3 * 3_600_000).toISOString();
    await admin.stores.events(storeId, { events: [{ eventId, at, type: "sale", sku, qty: 1 }] });
    const page = await newPage(browser());
    await signIn(page, stack!.adminToken);
    await page.locator("[data-testid=stores-table]").waitFor();
    await page.goto(`${stack!.baseUrl}/#/movements/${storeId}`);
    await page.getByTestId("movements-reference").fill(eventId);
    expect(await ledgerRows(page, 1)).toEqual([["adjust", "sale", eventId]]);
    const happened = page.locator("[data-testid=movements-table] tbody tr .happened time");
    expect(await happened.getAttribute("datetime")).toBe(at);
    // A movement recorded as it happened (the cell's allocations) says nothing more.
    await page.getByTestId("movements-reference").fill("");
    await page.getByTestId("movements-kind").selectOption("allocate");
    // Until the table shows the allocations alone (the page before may still be drawn when the new one is asked for).
    await eventually(async () => {
      await page.getByRole("button", { name: "Apply" }).click();
      await page.waitForFunction(() => document.querySelector('section[data-panel="Ledger"]')?.getAttribute("aria-busy") === "false");
      const kinds = await page.locator("[data-testid=movements-table] tbody tr td:nth-child(4)").allTextContents();
      return kinds.length > 0 && kinds.every((kind) => kind === "allocate") ? kinds : undefined;
    }, "the store's allocations alone");
    expect(await page.locator("[data-testid=movements-table] .happened").count()).toBe(0);
    await page.context().close();
  });

  test("the reference filter finds an order's movements by its reservation id, as the Reference column shows it", async () => {
    const admin = await store();
    const reservationId = `order-${run}`;
    await admin.reservations.create({ reservationId, channel: "online", items: [{ storeId, sku, qty: 3 }] });
    await admin.reservations.confirm(reservationId);
    const page = await newPage(browser());
    await signIn(page, stack!.adminToken);
    await page.locator("[data-testid=stores-table]").waitFor();
    await page.goto(`${stack!.baseUrl}/#/movements/${storeId}`);
    await page.getByTestId("movements-reference").fill(reservationId);
    const rows = await ledgerRows(page, 2);
    expect(rows.map(([kind]) => kind).sort()).toEqual(["confirm", "hold"]);
    expect(rows.every(([, , reference]) => reference === reservationId)).toBe(true);
    expect(await page.locator("#movements-reference-error").count()).toBe(0);
    await page.context().close();
  });

  test("a manager of two regions chooses among the chosen region's stores; a store of another region is dropped", async () => {
    await store();
    // ap-northeast has the demo's Tokyo Shibuya (tokyo-01).
    const token = await mint({ role: "manager", regions: [REGION, "ap-northeast"] });
    const page = await newPage(browser());
    await signIn(page, token);
    for (const [view, prefix] of [["oversells", "oversell"], ["movements", "movements"]] as const) {
      await page.goto(`${stack!.baseUrl}/#/${view}`);
      const stores = page.getByTestId(`${prefix}-store`);
      await stores.locator(`option[value="tokyo-01"]`).waitFor({ state: "attached" });
      await stores.selectOption("tokyo-01");
      await page.getByTestId(`${prefix}-region`).selectOption(REGION);
      expect(await stores.inputValue(), view).toBe("");
      expect(await stores.locator("option").evaluateAll((options: Array<{ value: string }>) => options.map((option) => option.value)), view).toEqual(["", storeId]);
      await page.getByTestId(`${prefix}-region`).selectOption("");
      expect(await stores.locator("option").count(), view).toBeGreaterThan(2);
    }
    await page.context().close();
  });

  test("a store that does not exist is said to be so, with a way back, not as the token's fault", async () => {
    const token = await mint({ role: "manager", regions: [REGION] });
    const page = await newPage(browser());
    await signIn(page, token);
    await page.locator("[data-testid=stores-table]").waitFor();
    for (const view of ["store", "oversells", "movements"]) {
      await page.goto(`${stack!.baseUrl}/#/${view}/nope-99`);
      const said = page.getByTestId("unknown-store");
      await said.waitFor();
      expect(await said.getByRole("heading").textContent(), view).toBe("There is no store “nope-99”");
      expect(await page.title(), view).toBe("No store nope-99 · edge-inventory");
      expect(await page.getByText("Your token does not give access").count(), view).toBe(0);
      await said.getByRole("link", { name: "Go to the overview" }).waitFor();
    }
    await page.getByTestId("unknown-store").getByRole("link", { name: "See every movement" }).click();
    await page.getByTestId("movements-table").or(page.locator('section[data-panel="Ledger"] .empty')).first().waitFor();
    await page.context().close();
  });

  test("clearing sold-out while a till's later decision stands says until when, in the store's time and the reader's", async () => {
    const admin = await store();
    const ahead = new Date(Date.now() + 3 * 60_000);
    ahead.setUTCMilliseconds(0);
    await admin.stores.events(storeId, { events: [{ eventId: `till-${run}`, at: ahead.toISOString(), type: "soldOut", sku, value: true }] });
    const page = await newPage(browser());
    await signIn(page, stack!.adminToken);
    await page.locator("[data-testid=stores-table]").waitFor();
    await page.goto(`${stack!.baseUrl}/#/store/${storeId}`);
    await page.getByRole("button", { name: `Clear sold-out: ${sku}` }).click();
    const alert = page.locator(`tr[data-sku="${sku}"]`).locator("xpath=following-sibling::tr[1]").getByRole("alert").or(page.getByRole("alert").filter({ hasText: "sold-out decision" }));
    await alert.first().waitFor();
    const text = (await alert.first().textContent()) ?? "";
    // The reader is in UTC (newPage), the store in Singapore (UTC+8): both times, neither as ISO.
    const hours = (zone: string) => new Intl.DateTimeFormat("en-US", { hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: zone }).format(ahead);
    expect(text).toContain("A till's sold-out decision (sold out)");
    expect(text).toContain(hours("Asia/Singapore"));
    expect(text).toContain(hours("UTC"));
    expect(text).toContain("Try again after that time.");
    expect(text).not.toContain("Someone changed this");
    expect(text).not.toContain(ahead.toISOString());
    await page.context().close();
  });

  test("no page had a script error or a CSP violation", () => {
    expect(pageProblems).toEqual([]);
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;
