#!/usr/bin/env node
// `npm start`: the whole service on this machine, on embedded defaults. Starts the
// reporting Postgres (embedded PGlite in .data/pglite, or DATABASE_URL), runs the Worker,
// its Durable Objects and its queue in `wrangler dev` (workerd), seeds demo data on the
// first run, prints the URLs and the admin token, and stops everything on Ctrl-C.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { seedDemoData } from "./demo-data.mjs";
import { buildWeb, ensureDashboard } from "./lib/dashboard-build.mjs";
import { startDatabase } from "./lib/database.mjs";
import { lockDataDir, DATA_LOCK_STALE_MS } from "./lib/data-lock.mjs";
import { writeEnvFile } from "./lib/env-file.mjs";
import { portIsFree } from "./lib/free-port.mjs";
import { watchHealth } from "./lib/health-watch.mjs";
import { watchLaunchers } from "./lib/launcher-watch.mjs";
import { startLocalCron } from "./lib/local-cron.mjs";
import { localSecrets } from "./local-secrets.mjs";

const root = join(fileURLToPath(import.meta.url), "..", "..");
const port = Number(process.env.PORT || 8787);
const host = "127.0.0.1";
const inspectorPort = Number(process.env.INSPECTOR_PORT || port + 1000);
// REPORTS_PROXY_PORT fixes the reporting database's WebSocket proxy's port (free by default): the
// browser tests take the database down through it (`POST /__faults`, scripts/lib/ws-proxy.mjs).
const reportsProxyPort = Number(process.env.REPORTS_PROXY_PORT || 0);
const baseUrl = `http://${host}:${port}`;

// Checked before anything starts: wrangler, or the reporting database's proxy, would only
// fail once the database is up, with a stack trace.
for (const [what, taken, given, hint] of [
  ["port", port, process.env.PORT, "PORT=9000 npm start"],
  ["inspector port", inspectorPort, process.env.INSPECTOR_PORT, `INSPECTOR_PORT=${(Number.isInteger(inspectorPort) ? inspectorPort : port + 1000) + 1} npm start`],
  ...(reportsProxyPort !== 0 ? [["reports proxy port (REPORTS_PROXY_PORT)", reportsProxyPort, process.env.REPORTS_PROXY_PORT, "leave REPORTS_PROXY_PORT unset (a free port is taken)"]] : []),
]) {
  if (!Number.isInteger(taken) || taken < 1 || taken > 65535) {
    console.error(`The ${what} must be a number from 1 to 65535, not ${JSON.stringify(given)}: ${hint}`);
    process.exit(1);
  }
  if (!(await portIsFree(taken, host))) {
    console.error(`The ${what} ${taken} on ${host} is already in use (another \`npm start\`?). Stop that server, or choose another: ${hint}`);
    process.exit(1);
  }
}

const webDist = join(root, "web", "dist");
if (!ensureDashboard(webDist, buildWeb(root, webDist))) {
  console.error("The dashboard could not be built (see above): npm run build:web says why.");
  process.exit(1);
}

const dataDir = process.env.DATA_DIR ? resolve(process.env.DATA_DIR) : join(root, ".data");
if (!(await lockDataDir(dataDir))) {
  console.error(
    `The data folder ${dataDir} is in use by another \`npm start\` (one that was killed frees it within ${DATA_LOCK_STALE_MS / 1000} s). ` +
      "Stop it, or give this one its own: DATA_DIR=/tmp/edge-inventory-2 PORT=9000 npm start",
  );
  process.exit(1);
}
const secrets = localSecrets(dataDir);

const database = await startDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: join(dataDir, "pglite"), proxyPort: reportsProxyPort }).catch((error) => {
  // Its message says what and where (the password left out); a stack would bury it.
  console.error(`${error?.message ?? error}\nCheck DATABASE_URL, or leave it unset for the embedded PGlite.`);
  process.exit(1);
});

// The `request.cf` wrangler gives local requests: none with a location. Otherwise it fetches
// this machine's from Cloudflare (the network) or, offline, makes every caller Austin, Texas
// (na-east); so unplaced callers get DEFAULT_REGION, as at the edge (x-inventory-region picks
// another). Written each start: Miniflare fetches again when the file is days old.
const requestCf = join(dataDir, "request-cf.json");
writeFileSync(requestCf, "{}\n");

// The Worker's values go in a file only this user can read (not `--var`, which `ps` shows to all).
const workerVars = join(dataDir, "worker-vars.env");
writeEnvFile(workerVars, {
  ADMIN_TOKEN: secrets.ADMIN_TOKEN,
  TOKEN_SECRET: secrets.TOKEN_SECRET,
  LOCAL_MODE: "true",
  LOCAL_RUNTIME: "true",
  DATABASE_URL: database.databaseUrl,
  NEON_WS_PROXY: database.wsProxy,
});

const wrangler = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const args = [
  wrangler, "dev",
  "--ip", host,
  "--port", String(port),
  "--inspector-port", String(inspectorPort),
  "--persist-to", join(dataDir, "wrangler"),
  "--show-interactive-dev-session=false",
  // Given a file, wrangler reads neither .dev.vars nor .env: a developer's own cannot override these.
  "--env-file", workerVars,
];

// Through the leash, which stops wrangler and the workerd it started when its stdin closes:
// when `stop` ends it, and when this process is killed outright (SIGKILL, the OOM killer),
// before the data folder's lock goes stale. Otherwise they would keep serving the folder's
// Durable Object files.
const child = spawn(process.execPath, [join(root, "scripts", "lib", "leash.mjs"), process.execPath, ...args], {
  cwd: root,
  // A process group of its own, which the leash stops whole.
  detached: true,
  stdio: ["pipe", "pipe", "pipe"],
  env: {
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    NO_D1_WARNING: "true",
    CLOUDFLARE_CF_FETCH_PATH: requestCf,
    // The env file is read only when this is not "false"; the process's own environment stays out.
    CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true",
    CLOUDFLARE_INCLUDE_PROCESS_ENV: "false",
  },
});

// The Worker's log lines go through, minus wrangler's own noise about being offline.
const quiet = /Request\.cf|cf object|telemetry|metrics|getaddrinfo|GetAddrInfoReqWrap|workers\.cloudflare\.com|\[wrangler:info\] (GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS) /i;
for (const stream of [child.stdout, child.stderr]) {
  stream.setEncoding("utf8");
  stream.on("data", (chunk) => {
    for (const line of chunk.split("\n")) if (line.trim() && !quiet.test(line)) process.stdout.write(`[worker] ${line}\n`);
  });
}

let stopping = false;
let cron = { stop: () => {}, periodMs: 0 };
let stopHealthWatch = () => {};
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  cron.stop();
  stopHealthWatch();
  // Letting go of the leash is how it is stopped on Ctrl-C too: one way for both.
  child.stdin.end();
  child.once("exit", () => database.stop().finally(() => process.exit(code)));
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    // Said, so that a stop is told apart from a crash in the log.
    if (!stopping) console.log(`stopping (${signal})`);
    stop(0);
  });
}
watchLaunchers(() => {
  console.error("npm start's launcher has gone (npm was stopped without this process); stopping");
  stop(0);
});
child.on("exit", (code) => {
  if (!stopping) {
    console.error(`wrangler dev exited (${code}); stopping`);
    database.stop().finally(() => process.exit(code ?? 1));
  }
});

async function waitForHealth(timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseUrl}/v1/health`);
      await response.text();
      if (response.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the Worker did not answer on ${baseUrl} within ${timeoutMs / 1000}s`);
}

try {
  await waitForHealth();
  const demo = await seedDemoData(baseUrl, secrets.ADMIN_TOKEN);
  cron = startLocalCron(baseUrl, secrets.ADMIN_TOKEN);
  // HEALTH_WATCH_MS: the period (and each check's timeout); the e2e test shortens it.
  const healthMs = Number(process.env.HEALTH_WATCH_MS) || 10_000;
  stopHealthWatch = watchHealth(
    `${baseUrl}/v1/health`,
    (seconds) => {
      console.error(`The Worker has not answered ${baseUrl}/v1/health for about ${seconds} s: workerd has stopped (see the log above); stopping. Run npm start again: the data is kept.`);
      stop(1);
    },
    { periodMs: healthMs, timeoutMs: healthMs },
  );
  console.log(`
edge-inventory is running (local mode, data in ${dataDir})

  API          ${baseUrl}/v1/…  (every route in the API docs below; e.g. ${baseUrl}/v1/stores)
  Dashboard    ${baseUrl}/   (sign in with the admin token, or mint a manager token on the page)
  API docs     ${baseUrl}/docs
  OpenAPI      ${baseUrl}/openapi.json
  Health       ${baseUrl}/v1/health
  Reports DB   ${database.kind}${process.env.DATABASE_URL ? "" : ` (${join(dataDir, "pglite")})`}

  Admin token  ${secrets.ADMIN_TOKEN}
  Demo data    ${demo.seeded ? `seeded: ${demo.stores} stores` : `already there (${demo.stores} stores)`}
  Cron         every ${cron.periodMs % 60_000 === 0 ? `${cron.periodMs / 60_000} minutes` : `${cron.periodMs / 1000} s`} (reconciliation, sweep); now: POST ${baseUrl}/v1/admin/local/cron

  Try:  curl -s '${baseUrl}/v1/availability?storeId=berlin-01&skus=milk-1l,eggs-12&channel=online'

Press Ctrl-C to stop.
`);
} catch (error) {
  console.error(String(error));
  stop(1);
}
