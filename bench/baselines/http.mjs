// What both Node baselines share: the same request shape as POST /v1/reservations, the same
// bearer-token check (HS256, Hono's JWT helper, like the product), and stock setup routes.
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { verify } from "hono/jwt";

const SECRET = process.env.TOKEN_SECRET ?? "bench-secret";

/** `reserve({reservationId, items, expiresAtMs, body})` → {status: "created"|"repeat"|"short", ...}. */
export function serveBaseline({ reserve, setStock, getStock }) {
  const app = new Hono();
  app.use("/v1/*", async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    try {
      await verify(header.replace(/^Bearer /, ""), SECRET, "HS256");
    } catch {
      return c.json({ error: { code: "unauthorized", message: "bad token" } }, 401);
    }
    await next();
  });
  app.post("/v1/reservations", async (c) => {
    const input = await c.req.json().catch(() => null);
    const items = input?.items;
    if (!input || typeof input.reservationId !== "string" || !Array.isArray(items) || items.length === 0 || items.length > 100) {
      return c.json({ error: { code: "invalid_request", message: "bad reservation" } }, 400);
    }
    for (const item of items) {
      if (typeof item?.sku !== "string" || !Number.isInteger(item.qty) || item.qty < 1) {
        return c.json({ error: { code: "invalid_request", message: "bad item" } }, 400);
      }
    }
    const ttlSeconds = Number.isInteger(input.ttlSeconds) ? input.ttlSeconds : 900;
    const expiresAtMs = Date.now() + ttlSeconds * 1000;
    const result = await reserve({ reservationId: input.reservationId, items, expiresAtMs, body: JSON.stringify(input) });
    if (result.status === "short") return c.json({ error: { code: "insufficient_stock", message: "not enough stock", details: result.details ?? {} } }, 409);
    const view = { reservationId: input.reservationId, status: "pending", expiresAt: new Date(result.expiresAtMs ?? expiresAtMs).toISOString(), items };
    return c.json(view, result.status === "created" ? 201 : 200);
  });
  app.put("/stock/:sku", async (c) => {
    const { onHand } = await c.req.json();
    await setStock(c.req.param("sku"), onHand);
    return c.json({ ok: true });
  });
  app.get("/stock/:sku", async (c) => c.json(await getStock(c.req.param("sku"))));

  const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, (info) => {
    console.log(`listening on http://127.0.0.1:${info.port}`);
  });
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}
