#!/usr/bin/env node
// `npm run demo`: traffic for a running `npm start`, so the dashboard shows a living chain.
// Shoppers in every region the stores serve reserve what that region's stores carry (the
// service picks the store), then confirm, cancel or walk away (their reservation expires);
// stores sell at the till, restock, and now and then go offline, keep selling, and replay
// what they recorded when they come back (sometimes selling units an online order holds: an
// oversell). Refusals are counted by their cause. Uses the typed client.
//
//   npm run demo -- --url http://127.0.0.1:8787 --token <admin> --rate 5 --seconds 60
//
// --rate: actions per second (default 5); --seconds: how long (default 60); --token: the
// admin token (default ADMIN_TOKEN, else the one `npm start` keeps in .data).
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createClient, isInventoryApiError, pagesOf } from "../dist/client/index.js";

const root = join(fileURLToPath(import.meta.url), "..", "..");
const { values: args } = parseArgs({
  options: {
    url: { type: "string", default: `http://127.0.0.1:${process.env.PORT ?? 8787}` },
    token: { type: "string" },
    rate: { type: "string", default: "5" },
    seconds: { type: "string", default: "60" },
    seed: { type: "string", default: "" },
  },
});
const rate = Number(args.rate);
const seconds = Number(args.seconds);
if (!(rate > 0 && rate <= 1000) || !(seconds > 0 && seconds <= 86_400)) {
  console.error("--rate must be in (0, 1000] actions per second and --seconds in (0, 86400]");
  process.exit(2);
}

function adminToken() {
  if (args.token) return args.token;
  if (process.env.ADMIN_TOKEN) return process.env.ADMIN_TOKEN;
  const file = join(process.env.DATA_DIR ? resolve(process.env.DATA_DIR) : join(root, ".data"), "local-secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")).ADMIN_TOKEN;
  console.error("no admin token: pass --token, set ADMIN_TOKEN, or start the service with `npm start` first");
  process.exit(2);
}

// A seeded generator (--seed) makes a run repeatable; otherwise each run differs.
let state = args.seed ? [...args.seed].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) >>> 0, 7) : (Math.random() * 2 ** 32) >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (list) => list[Math.floor(random() * list.length)];
const between = (low, high) => low + Math.floor(random() * (high - low + 1));
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

const admin = createClient({ baseUrl: args.url, token: adminToken() });
const tally = new Map();
const count = (what, by = 1) => tally.set(what, (tally.get(what) ?? 0) + by);
/** Why the service cannot be used, in words: a refused token, a token that is not an admin's, or nothing answering. */
function unusable(error) {
  if (isInventoryApiError(error, "unauthorized")) {
    return `the service at ${args.url} refused the token (${error.status} ${error.code}: ${error.apiMessage}); pass the admin token with --token or ADMIN_TOKEN`;
  }
  if (isInventoryApiError(error, "forbidden")) {
    return `not an admin token (${error.status} ${error.code}: ${error.apiMessage}); the demo mints tokens and reads every store, so it needs the admin token`;
  }
  if (isInventoryApiError(error)) return `the service at ${args.url} answered ${error.status} ${error.code}: ${error.apiMessage}`;
  return `nothing answers at ${args.url} (${error?.cause?.code ?? error?.message ?? error}); start the service with \`npm start\``;
}

/** A failure that is about reaching the service or the token (not about stock): the run exits non-zero. */
let lostService;
const failed = (what, error) => {
  if (!isInventoryApiError(error) || isInventoryApiError(error, "unauthorized", "forbidden")) lostService ??= error;
  count(`${what} failed: ${isInventoryApiError(error) ? error.code : String(error?.cause?.code ?? error?.message ?? error)}`);
};

/** The chain's stocked stores, their SKUs, and tokens for the checkout and each till. Any refusal here ends the demo. */
async function prepare() {
  await admin.health();
  const stores = (await admin.stores.list()).items;
  const skusOf = new Map();
  for (const store of stores) skusOf.set(store.storeId, (await admin.stores.stock(store.storeId)).items.map((cell) => cell.sku));
  const active = stores.filter((store) => skusOf.get(store.storeId).length > 0);
  const checkout = createClient({ baseUrl: args.url, token: (await admin.admin.mintToken({ role: "service", ttlSeconds: 3600 + seconds })).token });
  const tills = new Map();
  for (const store of active) {
    tills.set(store.storeId, createClient({ baseUrl: args.url, token: (await admin.admin.mintToken({ role: "store", stores: [store.storeId], ttlSeconds: 3600 + seconds })).token }));
  }
  return { skusOf, active, checkout, tills };
}

/** Ends the demo on a failure to reach or use the service before the run, saying why. */
const fatal = (error) => {
  console.error(`demo: ${unusable(error)}`);
  process.exit(1);
};

const { skusOf, active, checkout, tills } = await prepare().catch(fatal);
if (active.length === 0) {
  console.error("no store has stock yet: `npm start` seeds demo data on its first run");
  process.exit(1);
}
const regions = [...new Set(active.flatMap((store) => [store.region, ...store.covers]))];

const runId = Date.now().toString(36);
let sequence = 0;
const nextId = (prefix) => `${prefix}-${runId}-${++sequence}`;
const inFlight = new Set();
const track = (promise) => {
  inFlight.add(promise);
  promise.finally(() => inFlight.delete(promise));
};
/** Stores that are offline now, with what their till recorded meanwhile. */
const offline = new Map();

/** The stocked stores that serve each region (its own, and those that cover it from elsewhere). */
const servingStores = new Map(regions.map((region) => [region, active.filter((store) => store.region === region || store.covers.includes(region))]));

/**
 * A refused reservation by its real cause: for insufficient stock, each shortage's reason (a
 * SKU the store does not carry is `not_allocated`, as are sold-out and oversold cells their
 * own), else too few units; any other code as it is.
 */
function refusalOf(error) {
  if (!isInventoryApiError(error, "insufficient_stock")) return error.code;
  const reasons = new Set((error.details?.shortages ?? []).map((shortage) => shortage.reason ?? "too few units"));
  return `${error.code} (${[...reasons].sort().join(", ") || "too few units"})`;
}

async function shopper() {
  const region = pick(regions);
  // The service fills a basket from one store that serves the region: pick the SKUs of one of
  // those, not of the whole chain (another region's SKUs would only ever be refused).
  const skus = skusOf.get(pick(servingStores.get(region)).storeId);
  const basket = [...new Set(Array.from({ length: between(1, 3) }, () => pick(skus)))];
  const reservationId = nextId("demo-order");
  const channel = pick(["online", "online", "app", "marketplace", "kiosk"]);
  try {
    const reservation = await checkout.reservations.create({
      reservationId,
      channel,
      region,
      ttlSeconds: between(20, 90),
      items: basket.map((sku) => ({ sku, qty: between(1, 2) })),
    });
    count(`reservations made (${region})`);
    await sleep(between(500, 4000));
    const fate = random();
    if (fate < 0.6) {
      await checkout.reservations.confirm(reservation.reservationId);
      count("orders confirmed");
    } else if (fate < 0.8) {
      await checkout.reservations.release(reservation.reservationId);
      count("carts cancelled (released)");
    } else count("carts abandoned (left to expire)");
  } catch (error) {
    if (isInventoryApiError(error, "insufficient_stock")) count(`reservations refused: ${refusalOf(error)}`);
    else failed("shopper", error);
  }
}

function saleEvent(storeId) {
  return { eventId: nextId(`till-${storeId}`), at: new Date().toISOString(), type: "sale", sku: pick(skusOf.get(storeId)), qty: between(1, 3) };
}

async function tillSale() {
  const storeId = pick(active).storeId;
  if (offline.has(storeId)) {
    offline.get(storeId).push(saleEvent(storeId));
    count("sales recorded offline");
    return;
  }
  try {
    const { results } = await tills.get(storeId).stores.events(storeId, { events: [saleEvent(storeId)] });
    count(`till sales ${results[0].outcome}`);
  } catch (error) {
    failed("till sale", error);
  }
}

async function goOfflineAndReplay() {
  const candidates = active.filter((store) => !offline.has(store.storeId));
  if (candidates.length === 0) return;
  const { storeId } = pick(candidates);
  const recorded = [];
  offline.set(storeId, recorded);
  count("stores went offline");
  // While offline the till keeps selling: a burst that may take units online orders hold.
  const sku = pick(skusOf.get(storeId));
  const cell = await admin.cells.get(storeId, sku).catch(() => undefined);
  if (cell && random() < 0.3) {
    recorded.push({ eventId: nextId(`till-${storeId}`), at: new Date().toISOString(), type: "sale", sku, qty: Math.max(1, cell.onHand - cell.reserved + between(1, 3)) });
    count("big offline sales (may oversell)");
  }
  await sleep(between(3000, 10_000));
  offline.delete(storeId);
  if (recorded.length === 0) return;
  try {
    const { results, cells } = await tills.get(storeId).stores.events(storeId, { events: recorded });
    count("offline replays");
    for (const result of results) count(`replayed events ${result.outcome}${result.reason ? ` (${result.reason})` : ""}`);
    const oversold = cells.filter((touched) => touched.oversold);
    if (oversold.length) count("cells oversold after a replay", oversold.length);
  } catch (error) {
    failed("replay", error);
  }
}

async function restock() {
  const store = pick(active);
  const sku = pick(skusOf.get(store.storeId));
  try {
    const cell = await admin.cells.get(store.storeId, sku);
    if (cell.onHand - cell.reserved > 15 && !cell.oversold) return;
    await tills.get(store.storeId).cells.adjust(store.storeId, sku, { delta: between(20, 60), reason: "receive" });
    count("restocks received");
  } catch (error) {
    failed("restock", error);
  }
}

/** Open oversells across the chain. The list pages (500 at most a page): every page, to the end. */
async function countOpenOversells() {
  let count = 0;
  for await (const page of pagesOf((after) => admin.oversells.list({ status: "open", limit: 500, ...(after ? { after } : {}) }))) count += page.items.length;
  return count;
}

const openBefore = await countOpenOversells().catch(fatal);
console.log(`demo: ${active.length} stores, ${regions.length} regions (${regions.join(", ")}), ${rate}/s for ${seconds}s against ${args.url}`);
const started = Date.now();
const ends = started + seconds * 1000;
let actions = 0;
let lastReport = started;
while (Date.now() < ends) {
  const roll = random();
  const action = roll < 0.5 ? shopper : roll < 0.78 ? tillSale : roll < 0.92 ? restock : goOfflineAndReplay;
  track(action());
  actions += 1;
  if (Date.now() - lastReport >= 10_000) {
    lastReport = Date.now();
    console.log(`  ${Math.round((lastReport - started) / 1000)}s: ${actions} actions, ${inFlight.size} in flight, ${offline.size} stores offline`);
  }
  // Exponential gaps: arrivals at `rate` per second on average, like real traffic.
  await sleep(Math.min(5000, (-Math.log(1 - random()) / rate) * 1000));
}
console.log("demo: time is up; finishing what is in flight…");
while (inFlight.size) await Promise.allSettled([...inFlight]);
const openAfter = await countOpenOversells().catch((error) => {
  lostService ??= error;
  return "unknown";
});

console.log(`\ndemo: ${actions} actions in ${Math.round((Date.now() - started) / 1000)}s`);
for (const [what, n] of [...tally.entries()].sort(([a], [b]) => a.localeCompare(b))) console.log(`  ${String(n).padStart(6)}  ${what}`);
console.log(`  open oversells: ${openBefore} before, ${openAfter} after`);
if (lostService) {
  console.error(`demo: ${unusable(lostService)}`);
  process.exitCode = 1;
}
