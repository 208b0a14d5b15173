#!/usr/bin/env node
// `node bench/profile.mjs`: what one request of each kind costs the runtime, measured on the
// real Worker on workerd (same runtime as the bench): workerd CPU ms per request (from
// /proc/<pid>/stat, including the background outbox work each one causes) and, with
// `--strace`, the fsync/openat calls per request (strace slows workerd: its req/s are then
// not comparable). 8 requests in flight, on a fresh storage dir.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWorker, cpuMsOf, startRuntime } from "../scripts/lib/workerd-runtime.mjs";
import { call as callApi } from "./lib/api.mjs";

const work = mkdtempSync(join(tmpdir(), "edge-inventory-profile-"));
const haveStrace = process.argv.includes("--strace") && spawnSync("strace", ["-V"]).status === 0;
const runtime = await startRuntime({ storageDir: join(work, "do"), scriptPath: buildWorker(join(work, "bundle")), bindings: { ADMIN_TOKEN: "profile-admin", TOKEN_SECRET: "profile-secret-profile-secret-00" } });
// Admin first; the reservation rows below switch to a service token.
let token = "profile-admin";
const call = (method, path, body) => callApi(runtime.url, token, method, path, body);
const cpuMs = () => cpuMsOf(runtime.pid);
const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

async function measure(label, n, request) {
  await settle();
  const tracer = haveStrace ? spawn("strace", ["-f", "-c", "-e", "trace=fsync,fdatasync,openat", "-p", String(runtime.pid)], { stdio: ["ignore", "ignore", "pipe"] }) : undefined;
  let traced = "";
  tracer?.stderr.on("data", (chunk) => (traced += chunk));
  if (tracer) await new Promise((resolve) => setTimeout(resolve, 500));
  const cpu0 = cpuMs();
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < n) await request(next++);
  }));
  const wall = performance.now() - started;
  await settle(); // the outbox work each request caused (hub, queue) counts too
  const cpu = (cpuMs() - cpu0) / n;
  let syscalls = "";
  if (tracer) {
    tracer.kill("SIGINT");
    await new Promise((resolve) => tracer.once("exit", resolve));
    // strace -c rows: % time, seconds, usecs/call, calls, [errors,] syscall.
    const count = (name) => {
      const row = traced.split("\n").map((line) => line.trim().split(/\s+/)).find((fields) => fields.at(-1) === name);
      return row ? Number(row[3]) : 0;
    };
    syscalls = `  fsync ${((count("fsync") + count("fdatasync")) / n).toFixed(1)}/req  openat ${(count("openat") / n).toFixed(1)}/req`;
  }
  console.log(`${label.padEnd(44)} ${(n / (wall / 1000)).toFixed(0).padStart(6)} req/s  cpu ${cpu.toFixed(2)} ms/req${syscalls}`);
}

try {
  await call("PUT", "/v1/stores/p", { name: "p", region: "eu-central", timezone: "Europe/Berlin" });
  await call("PUT", "/v1/stores/p/skus/hot", { onHand: 10_000_000 });
  const service = await call("POST", "/v1/admin/tokens", { role: "service" });
  console.log(`workerd pid ${runtime.pid}; 8 in flight; strace ${haveStrace ? "on" : "off"}`);
  await measure("GET /v1/health (no object)", 400, () => fetch(`${runtime.url}/v1/health`).then((r) => r.text()));
  await measure("GET cell (Directory + StockCell read)", 200, () => call("GET", "/v1/stores/p/skus/hot"));
  await measure("adjustment on one cell (existing object)", 200, () => call("POST", "/v1/stores/p/skus/hot/adjustments", { delta: -1, reason: "damage" }));
  await measure("allocate a new cell (creates an object)", 100, (i) => call("PUT", `/v1/stores/p/skus/new${i}`, { onHand: 100 }));
  token = service.token;
  // The first reservations also create the RESERVATION_SHARDS objects they live in.
  await measure("reservation, 1 item (shards created)", 200, (i) => call("POST", "/v1/reservations", { reservationId: `p${i}`, channel: "online", items: [{ storeId: "p", sku: "hot", qty: 1 }] }));
  await measure("reservation, 1 item (warm shards)", 400, (i) => call("POST", "/v1/reservations", { reservationId: `w${i}`, channel: "online", items: [{ storeId: "p", sku: "hot", qty: 1 }] }));
  await measure("confirm (its Reservation shard)", 100, (i) => call("POST", `/v1/reservations/p${i}/confirm`));
} finally {
  await runtime.stop();
  rmSync(work, { recursive: true, force: true });
}
