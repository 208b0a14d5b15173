// Stores, cells and tokens for the benchmark, made through the product's real admin API.
import { call, inParallel } from "./api.mjs";

export const STORE = "bench";
export const POS_STORE = "bench-pos";
export const FLUSH_STORE = "bench-flush";
/** The flash-sale SKU, and a small one for the bench's own oversell check. */
export const HOT_SKU = "hot";
export const CHECK_SKU = "hot-check";
export const SPREAD_CELLS = 1000;
export const POS_SKUS = 100;

const big = (onHand) => ({ onHand, channels: { pos: { quota: Math.floor(onHand / 2), weight: 1 } }, sharedPolicy: "first-come" });

export async function setupProduct(baseUrl, adminToken, { checkStock, flushCells }) {
  const { token } = await call(baseUrl, adminToken, "POST", "/v1/admin/tokens", { role: "service", ttlSeconds: 86_400 });
  const { token: storeToken } = await call(baseUrl, adminToken, "POST", "/v1/admin/tokens", { role: "store", stores: [POS_STORE, FLUSH_STORE], ttlSeconds: 86_400 });
  for (const storeId of [STORE, POS_STORE, FLUSH_STORE]) {
    await call(baseUrl, adminToken, "PUT", `/v1/stores/${storeId}`, { name: storeId, region: "eu-central", timezone: "Europe/Berlin" });
  }
  const allocate = (storeId, sku, allocation) => call(baseUrl, adminToken, "PUT", `/v1/stores/${storeId}/skus/${sku}`, allocation);
  // The whole stock in the shared pool, so every channel's reservation takes from one place.
  await allocate(STORE, HOT_SKU, { onHand: 100_000_000, channels: {}, sharedPolicy: "first-come" });
  await allocate(STORE, CHECK_SKU, { onHand: checkStock, channels: {}, sharedPolicy: "first-come" });
  const cells = [
    ...Array.from({ length: SPREAD_CELLS }, (_, i) => [STORE, `c${i}`, big(10_000_000)]),
    ...Array.from({ length: POS_SKUS }, (_, i) => [POS_STORE, `p${i}`, big(10_000_000)]),
    ...Array.from({ length: flushCells }, (_, i) => [FLUSH_STORE, `f${i}`, big(10_000_000)]),
  ];
  await inParallel(cells, 16, ([storeId, sku, allocation]) => allocate(storeId, sku, allocation));
  return { token, storeToken, cellsAllocated: cells.length + 2 };
}
