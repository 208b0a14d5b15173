#!/usr/bin/env node
// `npm run bench` (full) / `npm run bench -- --quick` (under 2 minutes): the product's real
// Worker and Durable Objects on workerd (DO storage on local disk, queue to a real Postgres),
// side by side with Node+Hono+Redis Lua, Node+Hono+PostgreSQL and a trivial Worker, all
// driven by the same autocannon settings in one run. Prints a table, writes bench/results/latest.json.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startDatabase } from "../scripts/lib/database.mjs";
import { buildWorker, cpuMsOf, startRuntime, startTrivialRuntime } from "../scripts/lib/workerd-runtime.mjs";
import { startNodeServer } from "./baselines/node-server.mjs";
import { startRedis } from "./baselines/redis-process.mjs";
import { call, waitFor } from "./lib/api.mjs";
import { fsyncLatency } from "./lib/disk.mjs";
import { TIMEOUT_SECONDS } from "./lib/load.mjs";
import * as scenarios from "./lib/scenarios.mjs";
import { CHECK_SKU, FLUSH_STORE, HOT_SKU, STORE, setupProduct } from "./lib/setup.mjs";
import { printTable, targetsOf } from "./lib/report.mjs";

const here = join(fileURLToPath(import.meta.url), "..");
const quick = process.argv.includes("--quick");
const CONNECTIONS = 32;
const DURATION = quick ? 3 : 12;
const load = { connections: CONNECTIONS, duration: DURATION };
// Sized so that --quick stays under two minutes on a busy 2-core machine.
const CHECK_STOCK = quick ? 200 : 1000;
const FLUSH_EVENTS = quick ? 5_000 : 20_000;
const FLUSH_CELLS = quick ? 50 : 200;
const FLUSH_RUNS = 3;
/** The product's cursor write delay (SAVE_CURSORS_AFTER_MS, 10 s) and a second to spare. */
const DEFERRED_WRITES_MS = 11_000;
const POS_BATCHES = quick ? 3 : 15;
const PG = { host: "127.0.0.1", port: 5432, user: "postgres" };
const pgUrl = (database) => `postgres://${PG.user}@${PG.host}:${PG.port}/${database}`;

const work = mkdtempSync(join(tmpdir(), "edge-inventory-bench-"));
const stops = [];
const notes = [];
const rows = [];
const log = (line) => process.stderr.write(`[bench] ${new Date().toISOString().slice(11, 19)} ${line}\n`);

let cleaning;
/** Stops everything started, newest first; once, however many times it is asked (signal and main both ask). */
function cleanup() {
  cleaning ??= (async () => {
    for (const stop of [...stops].reverse()) await stop().catch((error) => log(`cleanup: ${error}`));
    rmSync(work, { recursive: true, force: true });
  })();
  return cleaning;
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => cleanup().finally(() => process.exit(130)));
/** Every process started, so that nothing outlives the bench even when something else calls process.exit (Miniflare's own signal hooks do). */
const pids = new Set();
process.on("exit", () => {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
  rmSync(work, { recursive: true, force: true });
});

/**
 * Waits (up to maxMs) until the runtime is idle: each scenario's writes leave outbox work
 * behind (hub, queue, consumer), and the next scenario should not be measured against it.
 */
async function settle(pid, maxMs) {
  const deadline = Date.now() + maxMs;
  let last = cpuMsOf(pid);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = cpuMsOf(pid);
    if (now - last <= 50) return true; // under 10% of a core for half a second
    last = now;
  }
  return false;
}

async function postgresReachable() {
  const client = new pg.Client({ ...PG, database: "postgres", connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch (error) {
    return String(error.message ?? error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The reporting database: its own database on this machine's Postgres, else an in-memory PGlite. */
async function reportingDatabase(reachable) {
  if (reachable === true) {
    const admin = new pg.Client({ ...PG, database: "postgres" });
    await admin.connect();
    await admin.query("DROP DATABASE IF EXISTS bench_reporting WITH (FORCE)");
    await admin.query("CREATE DATABASE bench_reporting");
    await admin.end();
    const database = await startDatabase({ databaseUrl: pgUrl("bench_reporting") });
    return { ...database, kind: `PostgreSQL ${PG.host}:${PG.port}/bench_reporting` };
  }
  notes.push(`reporting flush uses an in-memory PGlite: PostgreSQL at ${PG.host}:${PG.port} is unreachable (${reachable})`);
  return { ...(await startDatabase({})), kind: "PGlite (in memory)" };
}

async function main() {
  const startedAt = new Date().toISOString();
  const fsyncAtStart = fsyncLatency(work);
  log(`${quick ? "quick" : "full"} run: ${CONNECTIONS} connections, ${DURATION} s per target; work dir ${work}`);
  if (quick) notes.push("quick run: no wait for the cells' deferred cursor writes (10 s) between scenarios, so a row may carry some of the previous one's");
  const adminToken = randomBytes(18).toString("base64url");
  const tokenSecret = randomBytes(32).toString("base64url");

  log("bundling the Worker (wrangler deploy --dry-run)");
  const scriptPath = buildWorker(join(work, "bundle"));

  const reachable = await postgresReachable();
  const database = await reportingDatabase(reachable);
  stops.push(() => database.stop());
  const reporting = new pg.Client({ connectionString: database.databaseUrl });
  await reporting.connect();
  stops.push(() => reporting.end());
  const countMovements = async (storeId) => Number((await reporting.query("SELECT count(*)::int AS n FROM movements WHERE store_id = $1", [storeId])).rows[0].n);

  // What workerd writes besides the request log (errors, warnings) is kept, and counted in the notes.
  const unusual = [];
  const runtime = await startRuntime({
    storageDir: join(work, "workerd"),
    scriptPath,
    onUnusualOutput: (line) => unusual.push(`${new Date().toISOString()} ${line}`),
    bindings: { ADMIN_TOKEN: adminToken, TOKEN_SECRET: tokenSecret, DATABASE_URL: database.databaseUrl, NEON_WS_PROXY: database.wsProxy },
  });
  stops.push(() => runtime.stop());
  pids.add(runtime.pid);
  log(`edge-inventory on workerd pid ${runtime.pid} at ${runtime.url}`);
  const trivial = await startTrivialRuntime();
  stops.push(() => trivial.stop());
  pids.add(trivial.pid);

  const redis = await startRedis();
  stops.push(() => redis.stop());
  pids.add(redis.pid);
  const redisApi = await startNodeServer(join(here, "baselines", "redis-lua-server.mjs"), { REDIS_PORT: String(redis.port), TOKEN_SECRET: tokenSecret });
  stops.push(() => redisApi.stop());
  pids.add(redisApi.pid);

  let postgresApi;
  if (reachable === true) {
    postgresApi = await startNodeServer(join(here, "baselines", "postgres-server.mjs"), { BENCH_PG_URL: pgUrl("test"), TOKEN_SECRET: tokenSecret }).catch((error) => {
      notes.push(`PostgreSQL baseline could not be started: ${String(error.message).split("\n")[0]}`);
      return undefined;
    });
    if (postgresApi) {
      stops.push(() => postgresApi.stop());
      pids.add(postgresApi.pid);
    }
  } else {
    notes.push(`PostgreSQL baseline SKIPPED: PostgreSQL at ${PG.host}:${PG.port} cannot be reached (${reachable})`);
  }

  let cpuAtLastQuiet = cpuMsOf(runtime.pid);
  const quiet = async () => {
    const calledAt = Date.now();
    const active = cpuMsOf(runtime.pid) - cpuAtLastQuiet > 100;
    if (!(await settle(runtime.pid, quick ? 3_000 : 30_000))) notes.push("workerd was still busy with earlier outbox work when a scenario started");
    // A stock cell writes its outbox cursors 10 s after a delivery unless a commit of the
    // cell carries them first (CURSOR_SAVE_MS): those writes belong to the scenario that
    // caused them, so after any work the full run waits until they are done too. The quick
    // run does not (it would take over two minutes): its rows may carry some of the
    // previous scenario's cursor writes.
    const rest = calledAt + DEFERRED_WRITES_MS - Date.now();
    if (!quick && active && rest > 0) {
      await new Promise((resolve) => setTimeout(resolve, rest));
      await settle(runtime.pid, 30_000);
    }
    cpuAtLastQuiet = cpuMsOf(runtime.pid);
  };
  /**
   * Runs a scenario of the product and adds the workerd CPU it cost per request, counted
   * until workerd is idle again, so the outbox work each request leaves behind is included.
   */
  const withCpu = async (run, requestsOf = (result) => result.requests) => {
    const before = cpuMsOf(runtime.pid);
    const result = await run();
    await quiet();
    return { ...result, cpuMsPerRequest: (cpuMsOf(runtime.pid) - before) / requestsOf(result) };
  };

  log("allocating cells through the API");
  const setupStarted = performance.now();
  const { token, storeToken, cellsAllocated } = await setupProduct(runtime.url, adminToken, { checkStock: CHECK_STOCK, flushCells: FLUSH_CELLS });
  log(`${cellsAllocated} cells in ${Math.round(performance.now() - setupStarted)} ms`);

  // Let the allocations' own events reach the reporting database before the flush is timed.
  const flushBaseline = await waitFor(async () => ((await countMovements(FLUSH_STORE)) >= FLUSH_CELLS ? FLUSH_CELLS : 0), { timeoutMs: 30_000, intervalMs: 200 });
  if (!flushBaseline) notes.push("the allocation events of the flush store did not all reach Postgres within 30 s");

  log(`reporting flush: ${FLUSH_EVENTS} changes`);
  const flush = await scenarios.reportingFlush({ url: runtime.url, token: storeToken, countMovements: () => countMovements(FLUSH_STORE), baseline: FLUSH_CELLS, events: FLUSH_EVENTS, cells: FLUSH_CELLS, timeoutMs: quick ? 30_000 : 90_000 });
  rows.push({ scenario: "changes made → Postgres rows (POS batches, end to end)", target: "edge-inventory", rps: flush.eventsPerSecond, unit: "events/s", p50: null, p99: null, ok: `${flush.delivered}/${flush.events} rows`, note: `changes generated in ${Math.round(flush.generateMs)} ms (${flush.rowsAtGenerated} rows by then), the rest ${Math.round(flush.afterLastCommitMs)} ms after the last commit: drain ${Math.round(flush.drainPerSecond)} events/s; ${database.kind}` });

  await quiet();
  // Three times, the median reported: one flush is about a second, and this machine's
  // speed wanders by ±20 % from one second to the next.
  const backlogs = [];
  for (let run = 1; run <= FLUSH_RUNS; run++) {
    if (run > 1) await quiet();
    log(`reporting flush ${run}/${FLUSH_RUNS}: the flush store's outboxes resent to an emptied movements table`);
    backlogs.push(
      await scenarios.outboxBacklog({
        url: runtime.url,
        adminToken,
        storeId: FLUSH_STORE,
        countMovements: () => countMovements(FLUSH_STORE),
        deleteMovements: () => reporting.query("DELETE FROM movements WHERE store_id = $1", [FLUSH_STORE]),
        timeoutMs: quick ? 30_000 : 90_000,
      }),
    );
  }
  const backlog = [...backlogs].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond)[Math.floor(FLUSH_RUNS / 2)];
  const everyBacklog = backlogs.map((run) => Math.round(run.eventsPerSecond).toLocaleString("en-US")).join(", ");
  rows.push({ scenario: "reporting flush (outbox → queue → Postgres)", target: "edge-inventory", rps: backlog.eventsPerSecond, unit: "events/s", p50: null, p99: null, ok: `${backlog.delivered}/${backlog.events} rows`, note: `median of ${FLUSH_RUNS} (${everyBacklog} events/s): a backlog in ${backlog.cellsResent} cells' outboxes, resent by reconciliation's repair (${Math.round(backlog.repairMs)} ms of the time); ${database.kind}` });

  await quiet();
  log("hot SKU correctness check");
  const check = await scenarios.hotSkuCorrectness({ url: runtime.url, token, checkStock: CHECK_STOCK, connections: CONNECTIONS });
  const checks = [{ name: `hot SKU: ${Math.round(CHECK_STOCK * 1.5)} one-unit reservations on ${CHECK_STOCK} units → exactly ${CHECK_STOCK} succeed, no oversell, retries idempotent`, passed: check.passed, detail: check.passed ? `201: ${check.run.statuses[201]}, 409: ${check.run.statuses[409]}, reserved ${check.cell.reserved}, ${check.retried} retries → 200` : check.failures.join("; ") }];

  const hot = {};
  await quiet();
  log("hot SKU: edge-inventory");
  hot.product = await withCpu(() => scenarios.reserveOne({ url: runtime.url, token, sku: HOT_SKU, load }));
  const hotCell = await call(runtime.url, token, "GET", `/v1/stores/${STORE}/skus/${HOT_SKU}`);
  checks.push({ name: "hot SKU edge-inventory: units taken match the 201s", ...scenarios.countsAddUp(hotCell.reserved, hot.product, CONNECTIONS) });
  rows.push({ scenario: "hot SKU, 1-unit reservations", target: "edge-inventory", ...hot.product });

  await quiet();
  log("hot SKU: Redis + Lua");
  await call(redisApi.url, undefined, "PUT", `/stock/${HOT_SKU}`, { onHand: 100_000_000 });
  hot.redis = await scenarios.reserveOne({ url: redisApi.url, token, sku: HOT_SKU, load });
  const redisStock = await call(redisApi.url, undefined, "GET", `/stock/${HOT_SKU}`);
  checks.push({ name: "hot SKU Redis+Lua: units taken match the 201s", ...scenarios.countsAddUp(100_000_000 - redisStock.stock, hot.redis, CONNECTIONS) });
  rows.push({ scenario: "hot SKU, 1-unit reservations", target: "Node+Hono+Redis Lua (AOF everysec)", ...hot.redis });

  if (postgresApi) {
    await quiet();
    log("hot SKU: PostgreSQL");
    await call(postgresApi.url, undefined, "PUT", `/stock/${HOT_SKU}`, { onHand: 100_000_000 });
    hot.postgres = await scenarios.reserveOne({ url: postgresApi.url, token, sku: HOT_SKU, load });
    const pgStock = await call(postgresApi.url, undefined, "GET", `/stock/${HOT_SKU}`);
    checks.push({ name: "hot SKU PostgreSQL: units taken match the 201s", ...scenarios.countsAddUp(100_000_000 - pgStock.stock, hot.postgres, CONNECTIONS) });
    rows.push({ scenario: "hot SKU, 1-unit reservations", target: "Node+Hono+PostgreSQL (conditional UPDATE)", ...hot.postgres });
  } else {
    rows.push({ scenario: "hot SKU, 1-unit reservations", target: "Node+Hono+PostgreSQL (conditional UPDATE)", skipped: "PostgreSQL unreachable: baseline skipped" });
  }

  // Profiling row, not a target: the same hot cell taken through the adjustments route, which
  // goes Worker → StockCell with no Reservation object, to show what the Reservation hop costs.
  await quiet();
  log("profile: hot cell without the Reservation object");
  const direct = await withCpu(() => scenarios.cellOnly({ url: runtime.url, token: adminToken, sku: HOT_SKU, load }));
  rows.push({ scenario: "profile: hot cell, 1-unit adjustments (no Reservation DO)", target: "edge-inventory", ...direct });

  await quiet();
  log("trivial Worker (runtime ceiling)");
  const ceiling = await scenarios.ceiling({ url: trivial.url, load });
  rows.push({ scenario: "trivial Worker (runtime ceiling)", target: "workerd", ...ceiling });

  await quiet();
  log("1,000 cells spread");
  const spread = await withCpu(() => scenarios.spread({ url: runtime.url, token, load }));
  rows.push({ scenario: "1,000 cells spread, 1-unit reservations", target: "edge-inventory", ...spread });

  await quiet();
  log("five-item orders");
  const five = await withCpu(() => scenarios.fiveItems({ url: runtime.url, token, load }));
  rows.push({ scenario: "five-item orders over five cells", target: "edge-inventory", ...five });

  await quiet();
  log("availability reads");
  const reads = await withCpu(() => scenarios.availability({ url: runtime.url, token, load }));
  rows.push({ scenario: "availability reads (3 SKUs)", target: "edge-inventory", ...reads });

  await quiet();
  log("reserve → confirm pairs");
  const pairs = await withCpu(() => scenarios.reserveConfirm({ url: runtime.url, token, load }));
  rows.push({ scenario: "reserve → confirm pairs", target: "edge-inventory", ...pairs, rps: pairs.rps / 2, unit: "pairs/s", note: "p50/p99 per request" });

  await quiet();
  log(`POS batches of 1,000 events × ${POS_BATCHES}`);
  const diskBeforePos = fsyncLatency(work);
  const pos = await withCpu(() => scenarios.posBatches({ url: runtime.url, token: storeToken, batches: POS_BATCHES }), (result) => result.batches);
  rows.push({ scenario: "POS batch of 1,000 events (100 SKUs)", target: "edge-inventory", rps: pos.rps, unit: "batches/s", p50: pos.p50, p99: pos.p99, cpuMsPerRequest: pos.cpuMsPerRequest, ok: `${pos.applied}/${pos.events} applied`, note: `${Math.round(pos.eventsPerSecond)} events/s, one batch at a time; 4 KB write+fdatasync p50/p99 ${diskBeforePos.p50.toFixed(2)}/${diskBeforePos.p99.toFixed(2)} ms just before` });
  checks.push({ name: "POS batches: every event applied", passed: pos.applied === pos.events, detail: `${pos.applied}/${pos.events}` });
  checks.push({ name: "changes made → Postgres: every change reached Postgres", passed: flush.complete, detail: `${flush.delivered}/${flush.events}` });
  checks.push({ name: "reporting flush: every resent outbox row is back in Postgres", passed: backlogs.every((run) => run.complete && run.cellsResent === FLUSH_CELLS), detail: backlogs.map((run) => `${run.delivered}/${run.events} rows, ${run.cellsResent}/${FLUSH_CELLS} cells resent`).join("; ") });

  const targets = targetsOf({ hot, spread, ceiling, flush: backlog, endToEnd: flush, pos });
  mkdirSync(join(here, "results"), { recursive: true });
  if (unusual.length) {
    writeFileSync(join(here, "results", "workerd.log"), `${unusual.join("\n")}\n`);
    notes.push(`workerd wrote ${unusual.length} lines besides the request log: bench/results/workerd.log`);
  }
  const result = {
    startedAt,
    finishedAt: new Date().toISOString(),
    mode: quick ? "quick" : "full",
    command: quick ? "npm run bench -- --quick" : "npm run bench",
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadavgAtStart, loadavgAtEnd: loadavg(), fsyncMsAtStart: fsyncAtStart, fsyncMsAtEnd: fsyncLatency(work) },
    loadGenerator: { tool: "autocannon", connections: CONNECTIONS, durationSeconds: DURATION, timeoutSeconds: TIMEOUT_SECONDS },
    runtime: "edge-inventory bundle (wrangler deploy --dry-run) on workerd via miniflare (wrangler's) with a direct socket; DO storage SQLite on local disk",
    reportingDatabase: database.kind,
    rows,
    checks,
    targets,
    notes,
  };
  printTable(result);
  writeFileSync(join(here, "results", "latest.json"), `${JSON.stringify(result, null, 2)}\n`);
  log("wrote bench/results/latest.json");
  return result;
}

const loadavgAtStart = loadavg();
let exitCode = 0;
try {
  const result = await main();
  if (result.checks.some((check) => !check.passed)) exitCode = 1;
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
