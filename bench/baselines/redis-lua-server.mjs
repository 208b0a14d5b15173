// Baseline (a): Node + Hono + one Redis Lua script per reservation. The script checks every
// item's stock, takes it all or nothing, and records the reservation (its body, for an
// idempotent retry) with its expiry in a sorted set a sweeper would use: the same work as
// the product's reservation, atomically inside Redis (AOF, fsync every second).
import Redis from "ioredis";
import { serveBaseline } from "./http.mjs";

const redis = new Redis({ host: "127.0.0.1", port: Number(process.env.REDIS_PORT), enableAutoPipelining: true });

redis.defineCommand("reserve", {
  lua: `
-- KEYS[1] reservation, KEYS[2..] stock keys; ARGV[1] expiresAt ms, ARGV[2] body, ARGV[3..] quantities
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {1, redis.call('HGET', KEYS[1], 'expiresAt')}
end
for i = 2, #KEYS do
  local stock = tonumber(redis.call('GET', KEYS[i]) or '0')
  if stock < tonumber(ARGV[i + 1]) then return {2, i - 1, stock} end
end
for i = 2, #KEYS do redis.call('DECRBY', KEYS[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[1], 'body', ARGV[2], 'expiresAt', ARGV[1])
redis.call('ZADD', 'bench:expiries', ARGV[1], KEYS[1])
return {0}
`,
});

serveBaseline({
  async reserve({ reservationId, items, expiresAtMs, body }) {
    const keys = [`bench:res:${reservationId}`, ...items.map((item) => `bench:stock:${item.sku}`)];
    const reply = await redis.reserve(keys.length, ...keys, expiresAtMs, body, ...items.map((item) => item.qty));
    if (reply[0] === 0) return { status: "created" };
    if (reply[0] === 1) return { status: "repeat", expiresAtMs: Number(reply[1]) };
    return { status: "short", details: { item: reply[1] - 1, available: reply[2] } };
  },
  async setStock(sku, onHand) {
    await redis.set(`bench:stock:${sku}`, onHand);
  },
  async getStock(sku) {
    return { sku, stock: Number(await redis.get(`bench:stock:${sku}`)), reservations: await redis.zcard("bench:expiries") };
  },
});
