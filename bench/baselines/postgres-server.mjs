// Baseline (b): Node + Hono + PostgreSQL. One transaction per reservation: insert the
// reservation row (id primary key: a retry finds it and answers the same; expiry column),
// then a conditional `UPDATE … SET stock = stock - n WHERE sku = $1 AND stock >= n` per
// item; any item short rolls it all back. Committed with the server's default
// synchronous_commit (durable before the answer). Tables are the harness's own (bench_*).
import pg from "pg";
import { serveBaseline } from "./http.mjs";

const pool = new pg.Pool({ connectionString: process.env.BENCH_PG_URL, max: Number(process.env.BENCH_PG_POOL ?? 16) });

await pool.query(`
  DROP TABLE IF EXISTS bench_reservations, bench_stock;
  CREATE TABLE bench_stock (sku text PRIMARY KEY, stock integer NOT NULL CHECK (stock >= 0));
  CREATE TABLE bench_reservations (id text PRIMARY KEY, body jsonb NOT NULL, expires_at timestamptz NOT NULL);
  CREATE INDEX bench_reservations_expiry ON bench_reservations (expires_at);
`);

serveBaseline({
  async reserve({ reservationId, items, expiresAtMs, body }) {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const inserted = await client.query(
        "INSERT INTO bench_reservations (id, body, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id",
        [reservationId, body, new Date(expiresAtMs)],
      );
      if (inserted.rowCount === 0) {
        const existing = await client.query("SELECT expires_at FROM bench_reservations WHERE id = $1", [reservationId]);
        await client.query("COMMIT");
        return { status: "repeat", expiresAtMs: existing.rows[0].expires_at.getTime() };
      }
      for (const [index, item] of items.entries()) {
        const taken = await client.query("UPDATE bench_stock SET stock = stock - $2 WHERE sku = $1 AND stock >= $2", [item.sku, item.qty]);
        if (taken.rowCount === 0) {
          await client.query("ROLLBACK");
          return { status: "short", details: { item: index } };
        }
      }
      await client.query("COMMIT");
      return { status: "created" };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  },
  async setStock(sku, onHand) {
    await pool.query("INSERT INTO bench_stock (sku, stock) VALUES ($1, $2) ON CONFLICT (sku) DO UPDATE SET stock = excluded.stock", [sku, onHand]);
  },
  async getStock(sku) {
    const stock = await pool.query("SELECT stock FROM bench_stock WHERE sku = $1", [sku]);
    const count = await pool.query("SELECT count(*)::int AS n FROM bench_reservations");
    return { sku, stock: stock.rows[0]?.stock ?? null, reservations: count.rows[0].n };
  },
});
