// One scenario on a fresh runtime, for the tools that look inside workerd while it runs
// (cpu-profile.mjs: a V8 profile and CPU per request; instructions.mjs: callgrind's count).
import { call } from "./api.mjs";
import { nextId } from "./load.mjs";
import { driveWith, reservationRequest, reserveConfirmRequests, saleBatch } from "./scenarios.mjs";

const STORE = "prof";
const POS_CELLS = 100;

/**
 * Each scenario: how many cells it goes round (`spread`: the caller's choice), its requests
 * given that, and, where not the defaults (32 connections, a service token), how it is driven.
 */
const SCENARIOS = {
  hot: { requests: () => reservationRequest(() => [{ storeId: STORE, sku: "hot", qty: 1 }]) },
  spread: {
    cells: (spreadCells) => spreadCells,
    requests: (cells) => {
      let n = 0;
      return reservationRequest(() => [{ storeId: STORE, sku: `c${n++ % cells}`, qty: 1 }]);
    },
  },
  // Reserve on the hot cell, then confirm the same id: a pair is two requests.
  pairs: { requests: () => reserveConfirmRequests(() => ({ storeId: STORE, sku: "hot", qty: 1 })) },
  adjust: {
    admin: true,
    requests: () => ({ method: "POST", path: `/v1/stores/${STORE}/skus/hot/adjustments`, body: JSON.stringify({ delta: -1, reason: "damage" }) }),
  },
  // The Worker's own request handling alone (no object): against the trivial Worker's ~0.06 ms.
  health: { requests: () => ({ method: "GET", path: "/v1/health" }) },
  // As the bench's POS batches: 1,000 sales over 100 SKUs, one batch at a time.
  pos: {
    cells: () => POS_CELLS,
    connections: 1,
    admin: true,
    requests: (cells) => ({
      method: "POST",
      path: `/v1/stores/${STORE}/events`,
      setupRequest: (r) => ({ ...r, body: JSON.stringify({ events: saleBatch(nextId("pos"), 1000, (i) => `c${i % cells}`) }) }),
    }),
  },
};

/** The scenarios a probe can run. */
export const PROBE_SCENARIOS = Object.keys(SCENARIOS);

/**
 * Creates the store, the hot SKU and the cells the scenario goes round, and returns how to
 * drive it: `drive(load)` sends the scenario's requests with the right token and connection
 * count (`load`: { duration } or { amount }). `spreadCells`: how many cells `spread` uses.
 */
export async function setUpProbe(url, adminToken, scenario, { spreadCells = 300 } = {}) {
  const plan = SCENARIOS[scenario];
  if (!plan) throw new Error(`unknown scenario ${scenario}`);
  const { token } = await call(url, adminToken, "POST", "/v1/admin/tokens", { role: "service", ttlSeconds: 86_400 });
  await call(url, adminToken, "PUT", `/v1/stores/${STORE}`, { name: STORE, region: "eu-central", timezone: "Europe/Berlin" });
  await call(url, adminToken, "PUT", `/v1/stores/${STORE}/skus/hot`, { onHand: 100_000_000, channels: {}, sharedPolicy: "first-come" });
  const cells = plan.cells?.(spreadCells) ?? 0;
  for (let i = 0; i < cells; i++) await call(url, adminToken, "PUT", `/v1/stores/${STORE}/skus/c${i}`, { onHand: 100_000_000 });
  const request = plan.requests(cells);
  const requests = Array.isArray(request) ? request : [request];
  const connections = plan.connections ?? 32;
  const bearer = plan.admin ? adminToken : token;
  return { drive: (load) => driveWith({ url, token: bearer, load: { connections, ...load } }, requests) };
}
