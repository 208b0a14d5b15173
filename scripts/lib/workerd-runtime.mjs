// The project's real Worker and Durable Objects on workerd, without `wrangler dev` (its
// reload proxy caps throughput near 1k req/s) and without Miniflare's entry worker: the
// miniflare that wrangler ships is configured programmatically with a direct socket on the
// user worker, so requests go straight to workerd. Miniflare still provides the queue broker,
// so the INVENTORY_EVENTS outbox drains to the consumer. Durable Object storage is SQLite on
// local disk in `storageDir`; starting again on the same directory resumes the same data.
// Used by the benchmark (bench/) and meant for the crash test: `pid` is the workerd process.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { freePort } from "./free-port.mjs";
import { childWorkerdPids } from "./workerd-children.mjs";
import { scratchFolder } from "./scratch-folder.mjs";
import { durableObjectsOf, queueConsumersOf, queueProducersOf } from "./miniflare-wiring.mjs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(fileURLToPath(import.meta.url), "..", "..", "..");
const require = createRequire(import.meta.url);
// The miniflare that wrangler itself resolves (nested under wrangler or hoisted), so the
// runtime matches the one `wrangler dev` and the deploy bundle were made for.
const fromWrangler = createRequire(require.resolve("wrangler/package.json"));
const { Miniflare } = fromWrangler("miniflare");
/** The workerd binary that miniflare runs (unless MINIFLARE_WORKERD_PATH names another). */
export const WORKERD_BINARY = createRequire(fromWrangler.resolve("miniflare"))("workerd").default;

// The Worker's own configuration (as `npm run build` reads it): this runtime never lags
// behind wrangler.toml (a hand-kept list of objects once missed the ones added later; the
// queues' settings came from a hand-kept copy too).
const { unstable_readConfig } = fromWrangler("wrangler");
const config = unstable_readConfig({ config: join(root, "wrangler.toml") });
const COMPATIBILITY_DATE = config.compatibility_date;
const COMPATIBILITY_FLAGS = config.compatibility_flags;
const DURABLE_OBJECTS = durableObjectsOf(config.durable_objects.bindings);
const QUEUE_PRODUCERS = queueProducersOf(config.queues.producers);
const QUEUE_CONSUMERS = queueConsumersOf(config.queues.consumers);

/** Bundles the Worker exactly as a deploy would (`wrangler deploy --dry-run`); returns the script path. */
export function buildWorker(outdir = join(root, ".wrangler", "dry-run")) {
  // The deploy bundle names the dashboard's built assets: a fresh clone has none yet.
  if (!existsSync(join(root, "web", "dist"))) {
    const web = spawnSync(process.execPath, [join(root, "scripts", "build-web.mjs")], { cwd: root, stdio: "inherit" });
    if (web.status !== 0) throw new Error("building the dashboard (scripts/build-web.mjs) failed");
  }
  const wrangler = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
  const result = spawnSync(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outdir], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  if (result.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${result.stdout}\n${result.stderr}`);
  return join(outdir, "index.js");
}

/** A process's CPU time so far in ms (utime + stime from /proc, 10 ms ticks); 0 once it is gone. */
export function cpuMsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** Reads and drops workerd's output (one log line per request): an unread pipe would stall it. */
function drain(stdout, stderr) {
  stdout.resume();
  stderr.resume();
}

/** The request log's lines (workers/middleware/request-log.ts): everything else workerd writes is worth a look. */
const REQUEST_LOG_LINE = /^\{"msg":"request",/;

/** Reads workerd's output and hands every line that is not a request log line to `onLine`. */
function keepUnusual(onLine) {
  return (stdout, stderr) => {
    for (const stream of [stdout, stderr]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => {
        if (line && !REQUEST_LOG_LINE.test(line)) onLine(line);
      });
    }
  };
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function startMiniflare(options, port) {
  const before = new Set(childWorkerdPids());
  const scratch = scratchFolder("edge-inventory-runtime-");
  const mf = scratch.around(() => new Miniflare(options));
  try {
    await mf.ready;
  } catch (error) {
    await mf.dispose().catch(() => undefined);
    await scratch.remove();
    throw error;
  }
  const pids = childWorkerdPids().filter((pid) => !before.has(pid));
  if (pids.length !== 1) throw new Error(`expected one new workerd process, found ${pids.length}`);
  const pid = pids[0];
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    pid,
    miniflare: mf,
    /** Stops workerd (Miniflare's dispose), and makes sure the process is gone. */
    async stop() {
      try {
        await mf.dispose();
      } catch {
        /* already crashed or killed */
      }
      if (alive(pid)) process.kill(pid, "SIGKILL");
      await scratch.remove();
    },
  };
}

/**
 * Starts the real Worker (the deploy bundle at `scriptPath`, built if absent) with its
 * Durable Objects on disk in `storageDir` and the queue broker, serving on 127.0.0.1:`port`
 * (a free one if 0). `bindings` are plain-text vars (ADMIN_TOKEN, TOKEN_SECRET, DATABASE_URL,
 * NEON_WS_PROXY, ...). No rate-limiter bindings: they are optional in workers/env.ts, and a
 * benchmark must not be throttled. `queue: false` leaves the queues (INVENTORY_EVENTS, MAINTENANCE) unbound;
 * `inspectorPort` opens workerd's inspector there (bench/cpu-profile.mjs). `onUnusualOutput(line)`
 * gets each line workerd writes that is not a request log line (errors, warnings); otherwise
 * the output is dropped, unless `log` passes it all through.
 * Returns { url, port, pid, stop() }; SIGKILL `pid` to crash it, then start again on the same dir.
 */
export async function startRuntime({ storageDir, port = 0, bindings = {}, scriptPath, queue = true, log = false, inspectorPort, onUnusualOutput } = {}) {
  if (!storageDir) throw new Error("startRuntime needs a storageDir");
  mkdirSync(storageDir, { recursive: true });
  const script = scriptPath ?? join(root, ".wrangler", "dry-run", "index.js");
  if (!existsSync(script)) buildWorker(join(script, ".."));
  const listenPort = port || (await freePort());
  const queueOptions = queue ? { queueProducers: QUEUE_PRODUCERS, queueConsumers: QUEUE_CONSUMERS } : {};
  return startMiniflare(
    {
      name: "edge-inventory",
      modules: true,
      scriptPath: script,
      // Module names are paths relative to this root; workerd refuses names with "..".
      modulesRoot: dirname(script),
      compatibilityDate: COMPATIBILITY_DATE,
      compatibilityFlags: COMPATIBILITY_FLAGS,
      // LOCAL_RUNTIME stays "true" whatever a caller sets LOCAL_MODE to (the kit may run as production would): see drain-body.ts.
      bindings: { LOCAL_MODE: "true", ...bindings, LOCAL_RUNTIME: "true" },
      // The API never reaches for the dashboard's assets; anything that does gets a 404.
      serviceBindings: { ASSETS: () => new Response("not found", { status: 404 }) },
      durableObjects: DURABLE_OBJECTS,
      durableObjectsPersist: join(storageDir, "do"),
      ...queueOptions,
      unsafeDirectSockets: [{ host: "127.0.0.1", port: listenPort }],
      handleRuntimeStdio: log ? undefined : onUnusualOutput ? keepUnusual(onUnusualOutput) : drain,
      ...(inspectorPort ? { inspectorPort } : {}),
    },
    listenPort,
  );
}

/** A trivial Worker on the same runtime that answers at once: the ceiling of workerd here. */
export async function startTrivialRuntime({ port = 0 } = {}) {
  const listenPort = port || (await freePort());
  return startMiniflare(
    {
      name: "trivial",
      modules: true,
      script: `export default { fetch() { return new Response('{"ok":true}', { headers: { "content-type": "application/json" } }); } };`,
      compatibilityDate: COMPATIBILITY_DATE,
      unsafeDirectSockets: [{ host: "127.0.0.1", port: listenPort }],
      handleRuntimeStdio: drain,
    },
    listenPort,
  );
}
