#!/usr/bin/env node
// `npm run bench:cpu -- [hot|pairs|adjust|spread|pos|health] [seconds] [--no-profile] [--cells=N] [--no-queue]`: a V8 CPU profile
// of workerd (through its inspector) while the bench's load runs one scenario on the real
// Worker, queue consumer included (the Postgres named by DATABASE_URL, else an in-memory
// PGlite). Prints workerd CPU per request, the functions and the source modules with the
// most self time (native calls count to the module that made them), and writes the
// .cpuprofile (for DevTools) to bench/results/. `--no-profile` runs the same load without
// the inspector (which makes console.log dearer): for A/B comparisons of CPU per request.
// `--cells=N`: how many cells the spread load goes round (300; the bench's row uses 1,000).
// `--no-queue`: the queues unbound (no reporting path), to see what that path costs.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { startDatabase } from "../scripts/lib/database.mjs";
import { freePort } from "../scripts/lib/free-port.mjs";
import { buildWorker, cpuMsOf, startRuntime } from "../scripts/lib/workerd-runtime.mjs";
import { PROBE_SCENARIOS, setUpProbe } from "./lib/probe.mjs";

const here = join(fileURLToPath(import.meta.url), "..");
const args = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const scenario = args[0] ?? "hot";
const seconds = Number(args[1] ?? 8);
// --no-profile: the same load without the inspector attached (which makes console.log dearer), for CPU per request alone.
const profiling = !process.argv.includes("--no-profile");
const cellsFlag = process.argv.find((arg) => arg.startsWith("--cells="));
/** undefined: the probe's own default. */
const spreadCells = cellsFlag ? Number(cellsFlag.slice("--cells=".length)) : undefined;
if (!PROBE_SCENARIOS.includes(scenario)) {
  console.error(`usage: npm run bench:cpu -- [${PROBE_SCENARIOS.join("|")}] [seconds] [--no-profile] [--cells=N] [--no-queue]`);
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), "edge-inventory-cpuprofile-"));
const adminToken = randomBytes(18).toString("base64url");
const inspectorPort = await freePort();
const database = await startDatabase(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {});
const scriptPath = buildWorker(join(work, "bundle"));
const runtime = await startRuntime({
  queue: !process.argv.includes("--no-queue"),
  storageDir: join(work, "do"),
  scriptPath,
  ...(profiling ? { inspectorPort } : {}),
  bindings: { ADMIN_TOKEN: adminToken, TOKEN_SECRET: randomBytes(32).toString("base64url"), DATABASE_URL: database.databaseUrl, NEON_WS_PROXY: database.wsProxy },
});

/** The inspector session of the user worker (workerd lists one target per service). */
async function inspect() {
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const target = targets.find((entry) => entry.title?.includes("edge-inventory")) ?? targets[0];
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  let id = 0;
  const waiting = new Map();
  socket.on("message", (data) => {
    const message = JSON.parse(String(data));
    if (message.id && waiting.has(message.id)) waiting.get(message.id)(message);
  });
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      waiting.set(++id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => socket.close() };
}

/** Samples per profile node, and each node's parent. */
function sampled(profile) {
  const counts = new Map();
  for (const sample of profile.samples) counts.set(sample, (counts.get(sample) ?? 0) + 1);
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node);
  return { counts, parents, total: profile.samples.length };
}

const percent = (count, total) => `${((100 * count) / total).toFixed(1).padStart(5)}%`;
const top = (map, total, n) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([key, count]) => `${percent(count, total)}  ${key}`);

/** Self time per function. */
function byFunction(profile, { counts, total }) {
  const self = new Map();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || "(anonymous)"} ${url.split("/").pop()}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (counts.get(node.id) ?? 0));
  }
  return top(self, total, 30);
}

/** Self time per source module of the bundle (esbuild marks each with a `// path` line); native frames count to their JS caller. */
function byModule(profile, bundle, { counts, parents, total }) {
  const starts = [];
  bundle.split("\n").forEach((line, index) => {
    const match = /^\/\/ (\S+\.m?[jt]s)$/.exec(line);
    if (match) starts.push([index, match[1]]);
  });
  const moduleAt = (line) => {
    let found = "(bundle)";
    for (const [start, path] of starts) if (start <= line) found = path;
    return found;
  };
  const self = new Map();
  for (const node of profile.nodes) {
    const count = counts.get(node.id) ?? 0;
    if (!count) continue;
    let frame = node;
    while (frame && !frame.callFrame.url) frame = parents.get(frame.id);
    const key = frame ? moduleAt(frame.callFrame.lineNumber) : node.callFrame.functionName;
    self.set(key, (self.get(key) ?? 0) + count);
  }
  return top(self, total, 25);
}

try {
  const probe = await setUpProbe(runtime.url, adminToken, scenario, { spreadCells });
  // Warm up (shards, connections), then profile.
  await probe.drive({ duration: 2 });
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const inspector = profiling ? await inspect() : undefined;
  await inspector?.send("Profiler.enable");
  await inspector?.send("Profiler.setSamplingInterval", { interval: 200 });
  await inspector?.send("Profiler.start");
  const cpu0 = cpuMsOf(runtime.pid);
  const result = await probe.drive({ duration: seconds });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const cpu = cpuMsOf(runtime.pid) - cpu0;
  console.log(`${scenario}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${JSON.stringify(result.statuses)}; workerd CPU ${(cpu / result.requests).toFixed(2)} ms/request`);
  if (inspector) {
    const { result: { profile } } = await inspector.send("Profiler.stop");
    inspector.close();
    mkdirSync(join(here, "results"), { recursive: true });
    const file = join(here, "results", `${scenario}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    const samples = sampled(profile);
    console.log(`\nself time by function:\n${byFunction(profile, samples).join("\n")}`);
    console.log(`\nself time by module:\n${byModule(profile, readFileSync(scriptPath, "utf8"), samples).join("\n")}`);
    console.log(`profile: ${file}`);
  }
} finally {
  await runtime.stop();
  await database.stop();
  rmSync(work, { recursive: true, force: true });
}
