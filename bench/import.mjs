#!/usr/bin/env node
// `npm run bench:import`: how long a 10,000-line stock import takes (issue 9: "well under a
// minute locally"). The real Worker and Durable Objects on workerd (the bench's runtime:
// storage on local disk, the outbox draining to the queue), one store, every line a new
// cell, one request; the reports on the embedded default (an in-memory PGlite, as
// `npm start` has); then checks its own result (every line applied, a sample of cells).
//
//   node bench/import.mjs [--lines 10000] [--runs 1]
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startDatabase } from "../scripts/lib/database.mjs";
import { buildWorker, cpuMsOf, startRuntime } from "../scripts/lib/workerd-runtime.mjs";
import { call as callApi } from "./lib/api.mjs";

const { values: args } = parseArgs({ options: { lines: { type: "string", default: "10000" }, runs: { type: "string", default: "1" } } });
const lineCount = Number(args.lines);
const runs = Number(args.runs);

const work = mkdtempSync(join(tmpdir(), "edge-inventory-import-"));
const admin = "import-bench-admin";
const database = await startDatabase({});
const runtime = await startRuntime({
  storageDir: join(work, "do"),
  scriptPath: buildWorker(join(work, "bundle")),
  queue: true,
  log: process.env.BENCH_LOG === "1",
  bindings: { ADMIN_TOKEN: admin, TOKEN_SECRET: "import-bench-secret-import-bench-0", DATABASE_URL: database.databaseUrl, NEON_WS_PROXY: database.wsProxy },
});

const call = (method, path, body, contentType) => callApi(runtime.url, admin, method, path, body, contentType);

/**
 * SQLite databases workerd holds open (one per live object): too many at once ran its SQLite
 * out of memory (README, "Why the alarm is paced"). Linux only; null elsewhere.
 */
function openDatabases() {
  try {
    return readdirSync(`/proc/${runtime.pid}/fd`).filter((fd) => {
      try {
        return readlinkSync(`/proc/${runtime.pid}/fd/${fd}`).endsWith(".sqlite");
      } catch {
        return false;
      }
    }).length;
  } catch {
    return null;
  }
}

/** The same file shape as the import test: quotas on two channels where they fit, a low-stock threshold. */
function csv(lines) {
  const rows = ["sku,onHand"];
  for (let i = 0; i < lines; i++) {
    const onHand = i % 50;
    const pos = i % 7;
    const online = i % 5;
    rows.push(pos + online <= onHand ? `sku-${i},${onHand},pos:${pos}:1,online:${online}:2,low=3` : `sku-${i},${onHand},low=3`);
  }
  return rows.join("\n");
}

let failed = false;
try {
  const body = csv(lineCount);
  console.log(`import bench: ${lineCount.toLocaleString("en")} lines (${(body.length / 1024).toFixed(0)} KiB), every line a new SKU; workerd pid ${runtime.pid}; load average ${loadavg()[0].toFixed(1)}`);
  for (let run = 1; run <= runs; run++) {
    const storeId = `import-${run}`;
    await call("PUT", `/v1/stores/${storeId}`, { name: storeId, region: "eu-central", timezone: "Europe/Berlin" });
    const started = performance.now();
    const cpuAtStart = cpuMsOf(runtime.pid);
    // As a client should: a 503 `unavailable` (some cells could not be written yet, e.g. the
    // local runtime briefly out of memory for SQLite) is repeated with the same import id
    // after the time it names; the time below includes those waits.
    let result;
    let repeats = 0;
    for (;;) {
      try {
        result = await call("POST", `/v1/stores/${storeId}/skus:import?importId=bench-${run}`, body, "text/csv");
        break;
      } catch (error) {
        if (error.status !== 503 || repeats >= 10) throw error;
        repeats += 1;
        const details = error.body.error.details ?? {};
        console.log(`  503 unavailable: ${details.pending} lines pending; repeating in ${details.retryAfterSeconds ?? 10} s`);
        await new Promise((resolve) => setTimeout(resolve, (details.retryAfterSeconds ?? 10) * 1000));
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const cpuPerLine = (cpuMsOf(runtime.pid) - cpuAtStart) / lineCount;
    // The bench's own check: every line applied, and the cells hold what the file said.
    const sample = [0, 49, Math.floor(lineCount / 2), lineCount - 1];
    const cells = await Promise.all(sample.map((i) => call("GET", `/v1/stores/${storeId}/skus/sku-${i}`)));
    const wrong = cells.filter((cell, index) => cell.onHand !== sample[index] % 50 || cell.lowStock?.overall !== 3);
    const ok = result.applied === lineCount && result.failed === 0 && result.invalid === 0 && wrong.length === 0;
    failed ||= !ok;
    console.log(
      `run ${run}: ${seconds.toFixed(1)} s  (${Math.round(lineCount / seconds)} lines/s, workerd CPU ${cpuPerLine.toFixed(2)} ms/line)  applied ${result.applied}/${lineCount}, failed ${result.failed}, invalid ${result.invalid}, repeats after 503: ${repeats}` +
        `${ok ? "" : `  CHECK FAILED: ${wrong.length} sampled cells differ`}  load average ${loadavg()[0].toFixed(1)}`,
    );
    // The answer comes once every line is durable and readable; the cells' objects are then
    // created in the background and their changes reach the reports. Time that too.
    // (The embedded PGlite serves one connection at a time: a poll may find it busy, a 503.)
    const lagging = async () => {
      try {
        return (await call("GET", `/v1/reports/queue-lag?storeId=${storeId}`)).items[0]?.laggingSkus ?? lineCount;
      } catch (error) {
        if (error.status === 503) return lineCount;
        throw error;
      }
    };
    let behind = await lagging();
    let peakOpen = openDatabases();
    while (behind > 0 && performance.now() - started < 900_000) {
      // Not more often: the lag report reads every SKU's version, which loads the runtime.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      behind = await lagging();
      const open = openDatabases();
      if (open !== null) peakOpen = Math.max(peakOpen ?? 0, open);
    }
    const reportsSeconds = (performance.now() - started) / 1000;
    failed ||= behind > 0;
    console.log(`  reports (Postgres) hold every line ${reportsSeconds.toFixed(1)} s after the request${behind > 0 ? `  CHECK FAILED: ${behind} SKUs still behind` : ""}  (workerd CPU ${((cpuMsOf(runtime.pid) - cpuAtStart) / lineCount).toFixed(2)} ms/line in all; at most ${peakOpen ?? "?"} SQLite databases open at once)`);
  }
} finally {
  await runtime.stop();
  await database.stop();
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
