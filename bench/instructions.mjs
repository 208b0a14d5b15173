#!/usr/bin/env node
// `npm run bench:instructions -- [pos|hot|pairs|adjust|spread|health] [count]`: the
// instructions workerd executes per request, counted by valgrind's callgrind. Unlike CPU
// time, the count does not move with this machine's speed: a POS batch counts the same within
// 1 % run after run, the hot SKU within 1–4 % (how many of its concurrent requests share a
// commit varies), so it can tell a change of a few percent from noise. Runs the real Worker
// on the bench's runtime with workerd under callgrind (about 50 times slower: keep counts
// small), queues unbound (their timers would make the count vary), counts only the timed
// requests (after a warm-up), and prints where the instructions went: the runtime's functions
// that matter for this Worker, inclusive. Keeps callgrind's data in
// bench/results/<scenario>.callgrind for a closer look.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildWorker, startRuntime, WORKERD_BINARY } from "../scripts/lib/workerd-runtime.mjs";
import { PROBE_SCENARIOS, setUpProbe } from "./lib/probe.mjs";

const scenario = process.argv[2] ?? "pos";
/** Requests counted per run where 400 would be too many (a POS batch) or too few (a health check). */
const COUNTS = { pos: 3, health: 2000 };
const count = Number(process.argv[3] ?? COUNTS[scenario] ?? 400);

function valgrindMissing() {
  try {
    execFileSync("valgrind", ["--version"], { stdio: "ignore" });
    return false;
  } catch {
    return true;
  }
}

/** What the count is split into: inclusive shares of these runtime functions. */
const PARTS = [
  ["SQL statements from JavaScript (sql.exec)", /workerd::api::SqlStorage::exec\(/],
  ["  binding their parameters", /workerd::SqliteDatabase::Query::bind\(/],
  ["    of which building an error message", /dbErrorMessage\(/],
  ["  SQLite running them (sqlite3_step)", /^sqlite3_step$/],
  ["garbage collection", /v8::internal::Heap::CollectGarbage\(/],
  ["JSON.parse", /v8::internal::JsonParser<unsigned char>::Parse\(/],
  ["JSON.stringify", /v8::internal::JsonStringify\(/],
  ["structured clone in (RPC arguments, replies)", /v8::ValueDeserializer::ReadValue\(/],
  ["structured clone out", /v8::ValueSerializer::WriteValue\(/],
];

/** Inclusive instruction counts per function name, from callgrind_annotate. */
function inclusive(file) {
  const text = execFileSync("callgrind_annotate", ["--inclusive=yes", "--threshold=100", file], { maxBuffer: 256 * 1024 * 1024 }).toString();
  const total = Number(/([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS/.exec(text)?.[1].replaceAll(",", ""));
  const rows = [];
  for (const line of text.split("\n")) {
    const match = /^\s*([\d,]+) \([\s\d.]+%\)\s+[^:]*:(.*?)(?: \[.*\])?$/.exec(line);
    if (match) rows.push({ ir: Number(match[1].replaceAll(",", "")), name: match[2] });
  }
  return { total, rows };
}

if (valgrindMissing()) {
  console.error("valgrind is not installed: this tool counts instructions with valgrind's callgrind (apt-get install valgrind)");
  process.exit(1);
}
if (!PROBE_SCENARIOS.includes(scenario) || !(count > 0)) {
  console.error(`usage: npm run bench:instructions -- [${PROBE_SCENARIOS.join("|")}] [count]`);
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), "edge-inventory-instructions-"));
const wrapper = join(work, "workerd");
writeFileSync(
  wrapper,
  `#!/bin/sh\nexec valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=${work}/callgrind.%p --log-file=${work}/valgrind.log ${WORKERD_BINARY} "$@"\n`,
);
chmodSync(wrapper, 0o755);
process.env.MINIFLARE_WORKERD_PATH = wrapper;

const adminToken = randomBytes(18).toString("base64url");
const runtime = await startRuntime({
  queue: false,
  storageDir: join(work, "do"),
  scriptPath: buildWorker(join(work, "bundle")),
  bindings: { ADMIN_TOKEN: adminToken, TOKEN_SECRET: randomBytes(32).toString("base64url") },
});
const control = (...args) => execFileSync("callgrind_control", [...args, String(runtime.pid)], { stdio: "ignore" });

try {
  const url = runtime.url;
  const probe = await setUpProbe(url, adminToken, scenario);
  const run = (amount) => probe.drive({ amount });
  await run(scenario === "pos" ? 2 : 200); // warm-up: shards created, code optimised
  await new Promise((resolve) => setTimeout(resolve, 1000));
  control("-z");
  control("-i", "on");
  const result = await run(count);
  await new Promise((resolve) => setTimeout(resolve, 1000)); // the deliveries a request leaves behind
  control("-i", "off");
  control("-d", "measured");
  const answered = Object.values(result.statuses).reduce((sum, n) => sum + n, 0);
  const dump = readdirSync(work).find((name) => name.startsWith("callgrind.") && name.endsWith(".1"));
  if (!dump) throw new Error("callgrind wrote no dump");
  const kept = join(fileURLToPath(new URL("results", import.meta.url)), `${scenario}.callgrind`);
  mkdirSync(join(kept, ".."), { recursive: true });
  copyFileSync(join(work, dump), kept);
  const { total, rows } = inclusive(kept);
  const per = (ir) => `${(ir / answered / 1e6).toFixed(3)} M`;
  console.log(`${scenario}: ${answered} requests ${JSON.stringify(result.statuses)}; workerd executed ${per(total)} instructions per request (${total.toLocaleString("en-US")} in all)`);
  for (const [label, pattern] of PARTS) {
    const ir = Math.max(0, ...rows.filter((row) => pattern.test(row.name)).map((row) => row.ir));
    console.log(`  ${label.padEnd(48)} ${per(ir).padStart(9)}  ${((100 * ir) / total).toFixed(1).padStart(5)} %`);
  }
  console.log(`callgrind's data: ${kept} (callgrind_annotate, or kcachegrind)`);
} finally {
  await runtime.stop();
  rmSync(work, { recursive: true, force: true });
}
