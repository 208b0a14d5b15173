// The store view's live socket when the connection goes quiet without closing (half-open):
// the page must notice, say so, and catch up, not keep saying "● Live" over stale numbers.
import type { WebSocketRoute } from "playwright-core";
import { describe, expect, test } from "vitest";
import { adminClient, browserPerFile, eventually, newPage, pageProblems, signIn, stack } from "./helpers";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const localStorage: any;

const run = Date.now().toString(36);
/** web/src/live-timings.ts (the page's code has the DOM's types, these tests do not). */
const LIVE_TIMINGS_KEY = "edge-inventory.live-timings";

describe.skipIf(!stack)("the live socket", () => {
  const browser = browserPerFile();

  test("a socket that stops delivering (pongs included) is dropped and reconnected from the same cursor", async () => {
    const admin = adminClient();
    const storeId = `live-${run}`;
    const sku = "tea-100g";
    await admin.stores.put(storeId, { name: "Live Stall Test", region: "middle-east", timezone: "Asia/Dubai" });
    await admin.cells.allocate(storeId, sku, { onHand: 10 });

    const page = await newPage(browser());
    // Every connection is proxied; the first one goes quiet on demand (server → page dropped).
    const connections: Array<{ url: string; quiet: boolean; pongs: number }> = [];
    await page.routeWebSocket(/\/live/, (ws: WebSocketRoute) => {
      const connection = { url: ws.url(), quiet: false, pongs: 0 };
      connections.push(connection);
      const server = ws.connectToServer();
      ws.onMessage((message) => server.send(message));
      server.onMessage((message) => {
        if (connection.quiet) return;
        if (String(message).includes("pong")) connection.pongs++;
        ws.send(message);
      });
      ws.onClose(() => server.close());
      server.onClose((code, reason) => ws.close({ code, reason }));
    });
    await signIn(page, stack!.adminToken);
    await page.locator("[data-testid=stores-table]").waitFor();
    // Pings every half second, dead after one unanswered second (the defaults are 25 s and 10 s).
    await page.evaluate(([key, value]: string[]) => localStorage.setItem(key, value), [LIVE_TIMINGS_KEY, JSON.stringify({ pingMs: 500, pongTimeoutMs: 1000 })]);
    await page.goto(`${stack!.baseUrl}/#/store/${storeId}`);
    await page.locator(`tr[data-sku="${sku}"]`).waitFor();
    await page.getByText("● Live").waitFor();
    // Answered pings keep the socket: a few rounds on one connection.
    await eventually(async () => (connections[0]!.pongs >= 3 ? true : undefined), "three pongs", 15_000);
    expect(connections).toHaveLength(1);

    connections[0]!.quiet = true;
    await admin.cells.adjust(storeId, sku, { delta: 5, reason: "receive" });
    // The page gives up on the quiet socket and resumes after the snapshot's cursor on a new one.
    await page.waitForFunction(
      (selector: string) => document.querySelector(selector)?.textContent === "15",
      `tr[data-sku="${sku}"] [data-field=onHand]`,
      { timeout: 30_000, polling: 100 },
    );
    expect(connections.length).toBeGreaterThanOrEqual(2);
    expect(connections[1]!.url).toMatch(/[?&]after=\d+/);
    await page.getByText("● Live").waitFor();
    await page.context().close();
  });

  test("no page had a script error or a CSP violation", () => {
    expect(pageProblems).toEqual([]);
  });
});
