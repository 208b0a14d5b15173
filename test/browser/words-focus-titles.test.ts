// The dashboard's smaller courtesies in Chromium: refusals said where they happen and in plain
// words, focus kept on something sensible after an action, and a title per view.
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { adminClient, browserPerFile, eventually, mint, newPage, signIn, stack } from "./helpers";

// The page-side callbacks run in Chromium; this project's types are the Workers', without the DOM.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

/** Waits until the focused element is the one with this accessible label (focus moves right after the page redraws). */
const focusOn = (page: Page, label: string) => page.waitForFunction((expected) => document.activeElement?.getAttribute("aria-label") === expected, label, { timeout: 5000 });

describe.skipIf(!stack)("the dashboard's words, focus and titles", () => {
  const browser = browserPerFile();

  test("the mint form's refusals are said at the mint form, about its own fields", async () => {
    const page = await newPage(browser());
    await page.goto(stack!.baseUrl + "/");
    await page.getByText("Admins: mint a manager token").click();
    const mintButton = page.getByRole("button", { name: "Mint a 7-day manager token" });
    await page.locator("#admin-token").fill("not-the-admin-token");
    await page.locator("#mint-regions").fill("eu-central");
    await mintButton.click();
    const refusal = page.locator("[data-testid=mint-error]");
    await refusal.getByText("That admin token was not accepted.").waitFor();
    expect(await refusal.getAttribute("role")).toBe("alert");
    // Not the sign-in box's words about a session that does not exist yet.
    expect(await page.locator("[data-testid=signin-error]").count()).toBe(0);
    expect(await page.locator("body").textContent()).not.toContain("Your sign-in is no longer valid");

    await page.locator("#admin-token").fill(stack!.adminToken);
    await page.locator("#mint-regions").fill("eu-central, mars");
    await mintButton.click();
    await refusal.getByText("Unknown region “mars”; choose one of").waitFor();
    const words = (await refusal.textContent()) ?? "";
    expect(words).toContain("eu-west");
    expect(words).not.toContain("json.regions");
    await page.context().close();
  });

  test("a refused sign-in puts focus back on the token, which its error describes", async () => {
    const page = await newPage(browser());
    await signIn(page, "not-a-token");
    await page.locator("[data-testid=signin-error]").waitFor();
    await page.waitForFunction(() => document.activeElement?.id === "token");
    const token = page.locator("#token");
    expect(await token.getAttribute("aria-invalid")).toBe("true");
    expect(await token.getAttribute("aria-describedby")).toBe("signin-error");
    await page.context().close();
  });

  test("each view has its own title", async () => {
    const page = await newPage(browser());
    await page.goto(stack!.baseUrl + "/");
    await page.waitForFunction(() => document.title === "Sign in · edge-inventory");
    await signIn(page, await mint({ role: "manager", regions: ["eu-central"] }));
    await page.locator("[data-testid=stores-table]").waitFor();
    expect(await page.title()).toBe("Overview · eu-central · edge-inventory");
    for (const [hash, title] of [
      ["#/store/berlin-01", "Store berlin-01 · edge-inventory"],
      ["#/oversells", "Oversells · edge-inventory"],
      ["#/movements", "Movements · edge-inventory"],
      ["#/movements/berlin-01", "Movements · berlin-01 · edge-inventory"],
      ["#/not-found", "Page not found · edge-inventory"],
    ] as const) {
      await page.goto(`${stack!.baseUrl}/${hash}`);
      await page.waitForFunction((expected) => document.title === expected, title);
    }
    await page.context().close();
  });

  test("the open-oversells figure leads to its region's oversells and says what it counts", async () => {
    const page = await newPage(browser());
    await signIn(page, await mint({ role: "manager", regions: ["eu-central"] }));
    await page.locator("[data-testid=stores-table]").waitFor();
    const figure = page.locator("[data-testid=kpi-oversells] a");
    await figure.waitFor();
    await page.waitForFunction(() => !document.querySelector("[data-testid=kpi-oversells] .figure-value")?.textContent.includes("…"));
    const count = Number(await figure.textContent());
    expect(await figure.getAttribute("href")).toBe("#/oversells?region=eu-central");
    expect(await figure.getAttribute("aria-label")).toBe(`${count} open oversell${count === 1 ? "" : "s"} in eu-central`);
    await figure.click();
    await page.getByRole("heading", { name: "Oversells", exact: true }).waitFor();
    expect(page.url()).toMatch(/#\/oversells\?region=eu-central$/);
    await page.context().close();
  });

  test("an admin following a region's open-oversells figure sees that region's filter chosen", async () => {
    const page = await newPage(browser());
    await signIn(page, stack!.adminToken);
    await page.locator("[data-testid=stores-table]").waitFor();
    await page.goto(`${stack!.baseUrl}/#/overview/na-east`);
    await page.locator("[data-testid=kpi-oversells] a[href='#/oversells?region=na-east']").click();
    await page.getByRole("heading", { name: "Oversells", exact: true }).waitFor();
    expect(await page.getByLabel("Region").inputValue()).toBe("na-east");
    await page.context().close();
  });

  test("an unknown region is one plain sentence with the regions to go to; a bad SKU filter is said at the filter", async () => {
    const page = await newPage(browser());
    await signIn(page, await mint({ role: "manager", regions: ["eu-central"] }));
    await page.locator("[data-testid=stores-table]").waitFor();
    await page.goto(`${stack!.baseUrl}/#/overview/mars`);
    const unknown = page.locator("[data-testid=unknown-region]");
    await unknown.getByText("There is no region “mars”").waitFor();
    expect(await page.locator("section[data-panel]").count()).toBe(0);
    expect(await page.locator("body").textContent()).not.toContain("query.region");
    await unknown.getByRole("link", { name: "eu-central" }).click();
    await page.locator("[data-testid=stores-table]").waitFor();

    await page.goto(`${stack!.baseUrl}/#/movements/berlin-01`);
    const sku = page.locator("[data-testid=movements-sku]");
    await sku.fill("milk 1l");
    await page.getByRole("button", { name: "Apply" }).click();
    const said = page.locator("#movements-sku-error");
    await said.getByText("“milk 1l” is not a SKU").waitFor();
    expect(await sku.getAttribute("aria-invalid")).toBe("true");
    expect(await sku.getAttribute("aria-describedby")).toBe("movements-sku-error");
    const ledger = page.locator('section[data-panel="Ledger"]');
    expect(await ledger.textContent()).not.toContain("query.sku");
    expect(await ledger.getByRole("button", { name: "Try again" }).count()).toBe(0);
    await page.context().close();
  });

  test("the quota editor takes focus on its first field, drops a stale refusal once edited, closes on Escape or Cancel, and gives focus back to its button", async () => {
    const page = await newPage(browser());
    await signIn(page, await mint({ role: "manager", regions: ["eu-central"] }));
    await page.locator("[data-testid=stores-table]").waitFor();
    await page.goto(`${stack!.baseUrl}/#/store/munich-01`);
    const sku = "coffee-beans-500g";
    const edit = page.locator(`tr[data-sku="${sku}"]`).getByRole("button", { name: `Edit quotas: ${sku}` });
    const form = page.getByRole("form", { name: `Quotas of ${sku}` });
    await edit.click();
    // Opened, focus is in its first field.
    await page.waitForFunction((id) => document.activeElement?.id === id, `alloc-${sku}-onhand`);
    await form.getByLabel("pos quota").fill("100000");
    await form.getByRole("button", { name: "Save quotas" }).click();
    await form.getByRole("alert").getByText("The channel quotas add up to more units than are on hand").waitFor();
    // Edited, the form no longer shows a refusal of values it no longer holds.
    await form.getByLabel("pos quota").fill("1");
    expect(await form.getByRole("alert").count()).toBe(0);
    await page.keyboard.press("Escape");
    await form.waitFor({ state: "detached" });
    await focusOn(page, `Edit quotas: ${sku}`);

    await edit.click();
    await form.getByRole("button", { name: "Cancel" }).click();
    await form.waitFor({ state: "detached" });
    await focusOn(page, `Edit quotas: ${sku}`);

    await edit.click();
    await form.getByRole("button", { name: "Save quotas" }).click();
    await form.waitFor({ state: "detached" });
    await focusOn(page, `Edit quotas: ${sku}`);
    await page.context().close();
  });

  test("marking or clearing sold-out keeps focus on the button", async () => {
    const page = await newPage(browser());
    await signIn(page, await mint({ role: "manager", regions: ["eu-central"] }));
    await page.locator("[data-testid=stores-table]").waitFor();
    await page.goto(`${stack!.baseUrl}/#/store/munich-01`);
    const sku = "coffee-beans-500g";
    const row = page.locator(`tr[data-sku="${sku}"]`);
    await row.getByRole("button", { name: `Mark sold out: ${sku}` }).click();
    await focusOn(page, `Clear sold-out: ${sku}`);
    await row.getByRole("button", { name: `Clear sold-out: ${sku}` }).click();
    await focusOn(page, `Mark sold out: ${sku}`);
    await page.context().close();
  });

  test("the ledger's Change column shows how on hand changed when a movement has no delta (an allocation)", async () => {
    const admin = adminClient();
    // A store and region of its own: a new SKU or store in eu-central would change the counts other tests check.
    const sku = `change-${Date.now().toString(36)}`;
    await admin.stores.put("ledger-01", { name: "Ledger test", region: "ap-south", timezone: "Asia/Kolkata" });
    await admin.cells.allocate("ledger-01", sku, { onHand: 99, channels: {}, sharedPolicy: "first-come" });
    const page = await newPage(browser());
    await signIn(page, await mint({ role: "manager", regions: ["ap-south"] }));
    await page.locator("[data-testid=stores-table]").waitFor();
    await page.goto(`${stack!.baseUrl}/#/movements/ledger-01`);
    await page.locator("[data-testid=movements-sku]").fill(sku);
    // The ledger reaches the reports through the queue: apply until the row is there.
    const row = page.locator("[data-testid=movements-table] tbody tr").first();
    await eventually(async () => {
      await page.getByRole("button", { name: "Apply" }).click();
      await row.waitFor({ timeout: 1000 });
      return true;
    }, "the allocation in the ledger");
    expect(await row.locator("td").nth(3).textContent()).toBe("allocate");
    expect(await row.locator("td").nth(7).textContent()).toBe("0 → 99");
    expect(await row.locator("td").nth(4).textContent()).toBe("+99");
    await page.context().close();
  });
});
