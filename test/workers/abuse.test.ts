import { env, runInDurableObject, SELF } from "cloudflare:test";
import { cellStub } from "../../durable-objects/stubs";
import { describe, expect, it, vi } from "vitest";
import { ADMIN, allocate, api, freshCell, mint, putStore, readCell, unique } from "./helpers";

/**
 * Requests to send before a limit of `limit` must have answered 429: the local limiter
 * counts in fixed windows (`Date.now()` / period), and one may turn during the loop and
 * start the count again, so the loop allows for a second window.
 */
const tries = (limit: number) => 2 * limit + 10;

/** The tables a cell's SQLite holds: none until the cell first writes. */
function cellTables(storeId: string, sku: string): Promise<string[]> {
  return runInDurableObject(cellStub(env, { storeId, sku }), (_instance, state) =>
    state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").toArray().map((row) => row.name),
  );
}

describe("abuse controls", () => {
  it("stores nothing for public reads of SKUs a store never allocated; the first write makes the cell", async () => {
    const storeId = unique("store");
    await putStore(storeId);
    const [never, later] = [unique("never"), unique("later")];
    const read = await SELF.fetch(`http://inventory.test/v1/availability?storeId=${storeId}&skus=${never},${later}&channel=online`);
    expect(read.status).toBe(200);
    expect((await read.json()) as unknown).toMatchObject({ items: [{ sku: never, available: 0, reason: "not_allocated" }, { sku: later, available: 0, reason: "not_allocated" }] });
    expect((await api("GET", `/v1/stores/${storeId}/skus/${never}`, { token: ADMIN })).status).toBe(404);
    expect(await cellTables(storeId, never)).toEqual([]);

    await allocate(storeId, later, { onHand: 5 });
    expect(await cellTables(storeId, later)).toContain("cell");
    expect((await readCell(storeId, later)).onHand).toBe(5);
    const again = await SELF.fetch(`http://inventory.test/v1/availability?storeId=${storeId}&skus=${later}&channel=online`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect((await again.json()) as unknown).toMatchObject({ items: [{ sku: later, available: 5 }] });
  });

  it("limits anonymous callers per address on public routes: 429 with Retry-After and the error body", async () => {
    const address = `203.0.113.${Math.floor(Math.random() * 250)}`;
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < tries(100) && !limited; i++) {
      const response = await SELF.fetch("http://inventory.test/v1/health", { headers: { "cf-connecting-ip": address } });
      statuses.push(response.status);
      if (response.status === 429) limited = response;
      else await response.text();
    }
    expect(limited).toBeDefined();
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(90);
    expect(limited!.headers.get("retry-after")).toBe("60");
    expect(await limited!.json()).toMatchObject({ error: { code: "rate_limited" } });
    // Another address is not affected.
    const other = await SELF.fetch("http://inventory.test/v1/health", { headers: { "cf-connecting-ip": "198.51.100.7" } });
    expect(other.status).toBe(200);
    await other.text();
  });

  it("limits each minted token on its own, and never the bootstrap admin token", async () => {
    const busy = await mint("service");
    const calm = await mint("service");
    let limitedAt = -1;
    for (let i = 0; i < tries(200) && limitedAt < 0; i++) {
      const response = await api("GET", "/v1/health", { token: busy });
      if (response.status === 429) limitedAt = i;
    }
    expect(limitedAt).toBeGreaterThanOrEqual(150);
    expect((await api("GET", "/v1/health", { token: calm })).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await api("GET", "/v1/health", { token: ADMIN })).status).toBe(200);
  });

  it("counts the live feed's access_token as that token, not as the caller's address", async () => {
    const address = `203.0.113.${Math.floor(Math.random() * 250)}`;
    let limited = false;
    for (let i = 0; i < tries(100) && !limited; i++) {
      const response = await SELF.fetch("http://inventory.test/v1/health", { headers: { "cf-connecting-ip": address } });
      limited = response.status === 429;
      await response.text();
    }
    expect(limited).toBe(true);
    const { storeId } = await freshCell();
    const store = await mint("store", { stores: [storeId] });
    const live = await SELF.fetch(`http://inventory.test/v1/stores/${storeId}/live?access_token=${store}`, { headers: { upgrade: "websocket", "cf-connecting-ip": address } });
    expect(live.status).toBe(101);
    live.webSocket!.accept();
    live.webSocket!.close(1000);
    // And a token used up through the header is used up as access_token too: one count per token.
    let limited429 = false;
    for (let i = 0; i < tries(200) && !limited429; i++) limited429 = (await api("GET", "/v1/health", { token: store })).status === 429;
    expect(limited429).toBe(true);
    const again = await SELF.fetch(`http://inventory.test/v1/stores/${storeId}/live?access_token=${store}`, { headers: { upgrade: "websocket" } });
    expect(again.status).toBe(429);
    await again.text();
  });

  it("grants CORS only to the configured origins", async () => {
    const preflight = (origin: string) =>
      SELF.fetch("http://inventory.test/v1/reservations", {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
      });
    const partner = await preflight("https://partner.example");
    expect(partner.headers.get("access-control-allow-origin")).toBe("https://partner.example");
    await partner.text();
    // Every method and request header the API reads: a dashboard deletes webhooks and names imports by header.
    const full = await SELF.fetch("http://inventory.test/v1/webhooks/x", {
      method: "OPTIONS",
      headers: { origin: "https://partner.example", "access-control-request-method": "DELETE", "access-control-request-headers": "idempotency-key,x-import-id,x-inventory-region,if-match" },
    });
    expect(full.headers.get("access-control-allow-methods")).toContain("DELETE");
    expect(full.headers.get("access-control-allow-headers")?.split(",")).toEqual(expect.arrayContaining(["idempotency-key", "x-import-id", "x-inventory-region", "if-match"]));
    await full.text();
    const evil = await preflight("https://evil.example");
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
    await evil.text();
  });

  it("answers a request without an Origin with no CORS grant, only Vary: Origin; an allowed origin gets the grant", async () => {
    const plain = await api("GET", "/v1/stores", { token: ADMIN });
    expect(plain.status).toBe(200);
    expect(plain.headers.get("vary")).toBe("Origin");
    expect(plain.headers.get("access-control-allow-origin")).toBeNull();
    expect(plain.headers.get("access-control-expose-headers")).toBeNull();
    expect(plain.headers.get("x-request-id")).toBeTruthy();
    expect(plain.headers.get("x-inventory-region")).toBeTruthy();
    const partner = await SELF.fetch("http://inventory.test/v1/stores", { headers: { origin: "https://partner.example" } });
    expect(partner.status).toBe(200);
    expect(partner.headers.get("access-control-allow-origin")).toBe("https://partner.example");
    expect(partner.headers.get("access-control-expose-headers")).toContain("x-request-id");
    expect(partner.headers.get("vary")).toBe("Origin");
    await partner.text();
  });

  it("sends security headers and a content security policy on pages and API answers", async () => {
    const docs = await SELF.fetch("http://inventory.test/docs");
    expect(docs.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(docs.headers.get("x-content-type-options")).toBe("nosniff");
    await docs.text();
    const dashboard = await SELF.fetch("http://inventory.test/");
    expect(dashboard.status).toBe(200);
    expect(dashboard.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(dashboard.headers.get("x-frame-options")).toBe("DENY");
    expect(dashboard.headers.get("referrer-policy")).toBe("no-referrer");
    await dashboard.text();
    // API answers: JSON no browser renders, so OWASP's REST set (nothing may load or frame them).
    const answers = [await api("GET", "/v1/health"), await api("GET", "/v1/stores", { token: ADMIN }), await api("POST", "/v1/admin/tokens", { body: { role: "service" } })];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 401]);
    for (const answer of answers) {
      expect(answer.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
      expect(answer.headers.get("x-frame-options")).toBe("DENY");
      expect(answer.headers.get("strict-transport-security")).toContain("max-age=");
      expect(answer.headers.get("referrer-policy")).toBeNull();
    }
  });

  it("never writes a token or secret to the log", async () => {
    const lines: string[] = [];
    const capture = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
    const spies = [vi.spyOn(console, "log").mockImplementation(capture), vi.spyOn(console, "warn").mockImplementation(capture), vi.spyOn(console, "error").mockImplementation(capture)];
    try {
      const store = await mint("store", { stores: [unique("s")] });
      const { storeId, sku } = await freshCell();
      await api("GET", `/v1/stores/${storeId}/skus/${sku}`, { token: store });
      await api("GET", `/v1/stores/${storeId}/changes?after=0&access_token=${store}`, { token: store });
      await api("POST", "/v1/admin/tokens", { token: ADMIN, body: { role: "service" } });
      await api("GET", "/v1/health", { headers: { authorization: `Bearer ${store}x` } });
      const live = await SELF.fetch(`http://inventory.test/v1/stores/${storeId}/live?access_token=${store}`, { headers: { upgrade: "websocket" } });
      await live.text();
      expect(lines.length).toBeGreaterThan(4);
      for (const secret of [ADMIN, store, "test-token-secret"]) {
        for (const line of lines) expect(line).not.toContain(secret);
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
