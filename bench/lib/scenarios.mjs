// The scenarios: each drives one target with the shared load generator and returns a row
// (req/s, p50/p99 ms, status counts, and a check of its own results where one applies).
import { call, inParallel, percentile, waitFor } from "./api.mjs";
import { drive, nextId } from "./load.mjs";
import { CHECK_SKU, FLUSH_STORE, HOT_SKU, POS_SKUS, POS_STORE, SPREAD_CELLS, STORE } from "./setup.mjs";

const reservationBody = (items) => JSON.stringify({ reservationId: nextId("r"), channel: "online", items });
const ok = (statuses, code) => statuses[code] ?? 0;

/** autocannon's request for a reservation under a fresh id; `itemsOf()` gives each one's items. */
export function reservationRequest(itemsOf) {
  return { method: "POST", path: "/v1/reservations", setupRequest: (request) => ({ ...request, body: reservationBody(itemsOf()) }) };
}

/** Drives a target with the scenario's load, every request carrying the bearer token. */
export function driveWith({ url, token, load }, requests) {
  return drive({ ...load, url, headers: { authorization: `Bearer ${token}` }, requests });
}

/** One-unit reservations with unique ids on one SKU, against any target speaking POST /v1/reservations. */
export function reserveOne({ sku, ...target }) {
  return driveWith(target, [reservationRequest(() => [{ storeId: STORE, sku, qty: 1 }])]);
}

/**
 * The bench's own correctness check on the hot-SKU path: 1.5 × onHand one-unit
 * reservations at full concurrency must give exactly onHand 201s, the rest 409, a cell with
 * reserved = onHand and nothing left to offer; a retry of a created id answers 200 and takes nothing.
 */
export async function hotSkuCorrectness({ url, token, checkStock, connections }) {
  const created = [];
  const run = await drive({
    url,
    connections,
    amount: Math.round(checkStock * 1.5),
    headers: { authorization: `Bearer ${token}` },
    requests: [
      {
        method: "POST",
        path: "/v1/reservations",
        setupRequest: (request, context) => {
          context.body = reservationBody([{ storeId: STORE, sku: CHECK_SKU, qty: 1 }]);
          return { ...request, body: context.body };
        },
        onResponse: (status, _body, context) => {
          if (status === 201) created.push(context.body);
        },
      },
    ],
  });
  const retries = await inParallel(created.slice(0, 50), 8, async (body) => {
    const response = await fetch(`${url}/v1/reservations`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body });
    await response.text();
    return response.status;
  });
  const cell = await call(url, token, "GET", `/v1/stores/${STORE}/skus/${CHECK_SKU}`);
  const failures = [];
  if (ok(run.statuses, 201) !== checkStock) failures.push(`${ok(run.statuses, 201)} reservations succeeded, expected exactly ${checkStock}`);
  if (ok(run.statuses, 409) !== run.requests - checkStock) failures.push(`${ok(run.statuses, 409)} answered 409, expected ${run.requests - checkStock}`);
  if (cell.reserved !== checkStock) failures.push(`cell reserved ${cell.reserved}, expected ${checkStock}`);
  if (cell.oversold || cell.onHand !== checkStock) failures.push(`cell oversold=${cell.oversold} onHand=${cell.onHand}`);
  if (Object.values(cell.channels).some((channel) => channel.available !== 0) || cell.free.shared !== 0) failures.push("cell still offers units");
  if (retries.some((status) => status !== 200)) failures.push(`a retry of a created reservation answered ${retries.find((status) => status !== 200)}`);
  return { run, cell, retried: retries.length, passed: failures.length === 0, failures };
}

/**
 * Counts add up after a timed hot-SKU run: units taken = 201s, plus at most the requests
 * whose outcome the client never learnt (cut off in flight at the end, failed, or left
 * unanswered on a connection the server closed).
 */
export function countsAddUp(taken, run, connections) {
  const created = ok(run.statuses, 201);
  const unknown = connections + run.errors + (run.unanswered ?? 0);
  const passed = taken >= created && taken <= created + unknown && ok(run.statuses, 409) === 0;
  return { passed, detail: `${taken} units taken, ${created} × 201 (${run.errors} errors, ${run.unanswered ?? 0} unanswered, non-201: ${JSON.stringify(run.statuses)})` };
}

/** One-unit reservations spread evenly over the 1,000 cells (round robin). */
export function spread(target) {
  let next = 0;
  return driveWith(target, [reservationRequest(() => [{ storeId: STORE, sku: `c${next++ % SPREAD_CELLS}`, qty: 1 }])]);
}

/** Five-item orders over five distinct cells (consecutive SKUs from a random start). */
export function fiveItems(target) {
  return driveWith(target, [
    reservationRequest(() => {
      const start = Math.floor(Math.random() * SPREAD_CELLS);
      return Array.from({ length: 5 }, (_, i) => ({ storeId: STORE, sku: `c${(start + i) % SPREAD_CELLS}`, qty: 1 }));
    }),
  ]);
}

/** Availability of three cells per read, with a token (so the edge cache is not what is measured). */
export function availability(target) {
  return driveWith(target, [
    {
      method: "GET",
      setupRequest: (request) => {
        const start = Math.floor(Math.random() * SPREAD_CELLS);
        const skus = [0, 1, 2].map((i) => `c${(start + i) % SPREAD_CELLS}`).join(",");
        return { ...request, path: `/v1/availability?storeId=${STORE}&skus=${skus}&channel=online` };
      },
    },
  ]);
}

/** Reserve, then confirm the same id, on each connection in turn; a pair is two requests. */
export function reserveConfirm(target) {
  let next = 0;
  return driveWith(target, reserveConfirmRequests(() => ({ storeId: STORE, sku: `c${next++ % SPREAD_CELLS}`, qty: 1 })));
}

/** autocannon's request list for reserve → confirm pairs: `nextItem()` is each reservation's one item. */
export function reserveConfirmRequests(nextItem) {
  return [
    {
      method: "POST",
      path: "/v1/reservations",
      setupRequest: (request, context) => {
        context.id = nextId("pair");
        return { ...request, body: JSON.stringify({ reservationId: context.id, channel: "online", items: [nextItem()] }) };
      },
    },
    {
      method: "POST",
      setupRequest: (request, context) => ({ ...request, path: `/v1/reservations/${context.id}/confirm`, body: undefined }),
    },
  ];
}

/** One-unit damage adjustments on one cell: Worker → StockCell only (profiling). */
export function cellOnly({ sku, ...target }) {
  return driveWith(target, [{ method: "POST", path: `/v1/stores/${STORE}/skus/${sku}/adjustments`, body: JSON.stringify({ delta: -1, reason: "damage" }) }]);
}

/** The trivial Worker: the runtime's ceiling on this machine. */
export function ceiling({ url, load }) {
  return drive({ ...load, url, requests: [{ method: "GET", path: "/" }] });
}

/** `size` one-unit sales under event ids `<prefix>-<i>`, the i-th on `skuOf(i)`. */
export function saleBatch(prefix, size, skuOf) {
  const at = new Date().toISOString();
  return Array.from({ length: size }, (_, i) => ({ eventId: `${prefix}-${i}`, at, type: "sale", sku: skuOf(i), qty: 1 }));
}

/** POS batches of 1,000 sales over 100 SKUs, one after another: time per batch, all applied. */
export async function posBatches({ url, token, batches }) {
  const times = [];
  let applied = 0;
  for (let b = 0; b < batches; b++) {
    const body = JSON.stringify({ events: saleBatch(nextId("pos"), 1000, (i) => `p${i % POS_SKUS}`) });
    const started = performance.now();
    const response = await fetch(`${url}/v1/stores/${POS_STORE}/events`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body });
    const result = await response.json();
    times.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`POS batch → ${response.status} ${JSON.stringify(result).slice(0, 300)}`);
    applied += result.results.filter((r) => r.outcome === "applied").length;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const total = times.reduce((a, b) => a + b, 0);
  return { batches, events: batches * 1000, applied, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1), rps: batches / (total / 1000), eventsPerSecond: (batches * 1000) / (total / 1000) };
}

/** Polls `countMovements` until it reaches `expected` (or `timeoutMs` passes); the last count seen. */
async function untilRows(countMovements, expected, timeoutMs) {
  let seen = 0;
  const complete = await waitFor(async () => {
    seen = await countMovements();
    return seen >= expected;
  }, { timeoutMs, intervalMs: 20 });
  return { seen, complete: Boolean(complete) };
}

/**
 * The reporting flush: N cell changes (POS sales over the flush store's cells, a few batches
 * in flight) and the time until the reporting Postgres's movements table holds all of them.
 * events/s = N / (first batch sent → last row visible); also how long after the last change was committed.
 */
export async function reportingFlush({ url, token, countMovements, baseline, events, cells, timeoutMs }) {
  const batchCount = Math.ceil(events / 1000);
  const started = performance.now();
  await inParallel(Array.from({ length: batchCount }, (_, b) => b), 4, async (b) => {
    const body = JSON.stringify({ events: saleBatch(nextId("flush"), 1000, (i) => `f${(b * 1000 + i) % cells}`) });
    const response = await fetch(`${url}/v1/stores/${FLUSH_STORE}/events`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`flush batch → ${response.status} ${text.slice(0, 300)}`);
  });
  const generated = performance.now();
  const rowsAtGenerated = (await countMovements()) - baseline;
  const expected = baseline + batchCount * 1000;
  const { seen, complete } = await untilRows(countMovements, expected, timeoutMs);
  const finished = performance.now();
  return {
    events: batchCount * 1000,
    delivered: seen - baseline,
    complete,
    generateMs: generated - started,
    totalMs: finished - started,
    afterLastCommitMs: finished - generated,
    rowsAtGenerated,
    /** Rows written per second after the last change was committed (the pipeline alone). */
    drainPerSecond: (seen - baseline - rowsAtGenerated) / Math.max(0.001, (finished - generated) / 1000),
    eventsPerSecond: (batchCount * 1000) / ((finished - started) / 1000),
  };
}

/**
 * The reporting flush proper, from outbox to Postgres rows: the flush store's movements are
 * deleted from the reporting database, and reconciliation's repair (the product's own path
 * for a reporting database that lost rows) has every cell send its retained outbox again.
 * Timed from the repair request until `movements` holds every row again; no change is made
 * while it runs, so this is the pipeline alone (cell → hub → queue → consumer → Postgres).
 */
export async function outboxBacklog({ url, adminToken, storeId, countMovements, deleteMovements, timeoutMs }) {
  const expected = await countMovements();
  await deleteMovements();
  const started = performance.now();
  const repaired = await call(url, adminToken, "POST", "/v1/admin/reconcile", { storeIds: [storeId], repair: true });
  const asked = performance.now();
  const { seen, complete } = await untilRows(countMovements, expected, timeoutMs);
  const finished = performance.now();
  return {
    events: expected,
    delivered: seen,
    complete,
    cellsResent: repaired.repairs?.filter((repair) => repair.resentFrom !== null).length ?? 0,
    repairMs: asked - started,
    eventsPerSecond: seen / ((finished - started) / 1000),
  };
}
