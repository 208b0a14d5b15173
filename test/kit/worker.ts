// Where the built Worker is (dist/worker: the bundle `npm run build` makes with wrangler, and
// wrangler.json, the config it was built with), and the Miniflare options that wire it the
// way wrangler.toml does: Durable Objects (SQLite), queues and consumers, rate limits, assets.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Readable } from "node:stream";
import type { MiniflareOptions } from "miniflare";
import { durableObjectsOf, queueConsumersOf, queueProducersOf, type DurableObjectBinding, type QueueConsumer, type QueueProducer } from "../../scripts/lib/miniflare-wiring.mjs";

const here = dirname(fileURLToPath(import.meta.url));

/** The first of `candidates` (relative to this file) that exists: the package's layout, then the repo's. */
function locate(what: string, candidates: string[][]): string {
  for (const parts of candidates) {
    const path = join(here, ...parts);
    if (existsSync(path)) return path;
  }
  throw new Error(`edge-inventory/testing: cannot find ${what}; run \`npm run build\` first (looked in ${candidates.map((parts) => join(here, ...parts)).join(", ")})`);
}

/** dist/testing/index.js → dist/worker; test/kit/*.ts → dist/worker. */
export const workerDir = () => locate("the built Worker", [["..", "worker", "index.js"], ["..", "..", "dist", "worker", "index.js"]]).replace(/[\\/]index\.js$/, "");
export const migrationsDir = () => locate("the reporting migrations", [["..", "migrations"], ["..", "..", "schema", "migrations"]]);

/** The subset of wrangler's resolved config that the build writes next to the bundle. */
export interface BuiltConfig {
  compatibility_date: string;
  compatibility_flags: string[];
  durable_objects: DurableObjectBinding[];
  queues: { producers: QueueProducer[]; consumers: QueueConsumer[] };
  ratelimits: Array<{ name: string; simple: { limit: number; period: number } }>;
  vars: Record<string, string>;
  assets?: { binding?: string; directory: string };
}

export function readBuiltConfig(dir = workerDir()): BuiltConfig {
  return JSON.parse(readFileSync(join(dir, "wrangler.json"), "utf8")) as BuiltConfig;
}

export interface WorkerWiring {
  bindings: Record<string, string>;
  rateLimits?: Record<string, { limit: number; period?: number }>;
  port?: number;
  host?: string;
  handleRuntimeStdio?: (stdout: Readable, stderr: Readable) => void;
  /** Without a reporting database nothing can consume the queues: messages wait in them. */
  queueConsumers?: boolean;
}

export function miniflareOptions(wiring: WorkerWiring, dir = workerDir()): MiniflareOptions {
  const config = readBuiltConfig(dir);
  const assets = config.assets && existsSync(join(dir, config.assets.directory)) ? config.assets : undefined;
  // A limiter the Worker does not have would limit nothing: refused by name.
  const limiters = config.ratelimits.map((limiter) => limiter.name);
  for (const name of Object.keys(wiring.rateLimits ?? {})) {
    if (!limiters.includes(name)) throw new TypeError(`rateLimits.${name}: the limiters are ${limiters.join(" and ")}`);
  }
  return {
    host: wiring.host ?? "127.0.0.1",
    port: wiring.port ?? 0,
    modules: true,
    scriptPath: join(dir, "index.js"),
    // Module names are paths relative to this root (the working directory by default), and
    // workerd refuses a name with "..": a test run from outside the package failed to start.
    modulesRoot: dir,
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags,
    bindings: { ...config.vars, ...wiring.bindings },
    // No location on requests: Miniflare would otherwise fetch this machine's from Cloudflare
    // (the network) or make every caller Austin, Texas (na-east); unplaced callers get
    // DEFAULT_REGION, as at the edge, and x-inventory-region picks another.
    cf: {},
    durableObjects: durableObjectsOf(config.durable_objects),
    queueProducers: queueProducersOf(config.queues.producers),
    queueConsumers: queueConsumersOf(wiring.queueConsumers === false ? [] : config.queues.consumers),
    ratelimits: Object.fromEntries(
      config.ratelimits.map((limiter) => [limiter.name, { simple: { ...limiter.simple, ...wiring.rateLimits?.[limiter.name] } }]),
    ) as MiniflareOptions["ratelimits"],
    // The Worker runs first and hands non-API paths to the ASSETS binding itself (workers/app.ts).
    ...(assets
      ? { assets: { directory: join(dir, assets.directory), binding: assets.binding ?? "ASSETS", routerConfig: { has_user_worker: true, invoke_user_worker_ahead_of_assets: true } } }
      : {}),
    ...(wiring.handleRuntimeStdio ? { handleRuntimeStdio: wiring.handleRuntimeStdio } : {}),
  } as MiniflareOptions;
}
