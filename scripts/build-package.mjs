#!/usr/bin/env node
// `npm run build`: the installable package in dist/.
//   dist/worker/      the Worker bundled by wrangler (as `wrangler deploy` would upload it),
//                     wrangler.json (the resolved config the test kit wires Miniflare from)
//                     and assets/ (the dashboard)
//   dist/migrations/  the reporting database's migrations (the test kit applies them to PGlite)
//   dist/client/      edge-inventory/client (no runtime dependency: fetch only)
//   dist/testing/     edge-inventory/testing (Miniflare, PGlite; Node only)
//   dist/types/       the .d.ts of both
// `--worker-only` builds only dist/worker (what the e2e tests need); `--client-only` only
// dist/client (what `npm run demo` needs).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const workerOnly = process.argv.includes("--worker-only");
const clientOnly = process.argv.includes("--client-only");
const common = { bundle: true, format: "esm", target: "es2022", sourcemap: true, logLevel: "warning" };

function run(command, args) {
  const result = spawnSync(process.execPath, [join(root, "node_modules", ...command), ...args], { cwd: root, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
  if (result.status !== 0) {
    process.stdout.write(result.stdout ?? "");
    throw new Error(`${command.at(-1)} ${args.join(" ")} failed (${result.status})`);
  }
}

async function buildWorker() {
  const out = join(dist, "worker");
  rmSync(out, { recursive: true, force: true });
  // wrangler wants the assets directory to exist: the dashboard's build.
  if (!existsSync(join(root, "web", "dist", "index.html"))) {
    const web = spawnSync(process.execPath, [join(root, "scripts", "build-web.mjs")], { cwd: root, stdio: "inherit" });
    if (web.status !== 0) throw new Error("build:web failed");
  }
  run(["wrangler", "bin", "wrangler.js"], ["deploy", "--dry-run", "--outdir", out]);
  rmSync(join(out, "README.md"), { force: true });
  const { unstable_readConfig } = await import("wrangler");
  const config = unstable_readConfig({ config: join(root, "wrangler.toml") });
  const assetsDir = config.assets?.directory ? join(root, "web", "dist") : undefined;
  if (assetsDir && existsSync(assetsDir)) cpSync(assetsDir, join(out, "assets"), { recursive: true });
  const built = {
    compatibility_date: config.compatibility_date,
    compatibility_flags: config.compatibility_flags,
    durable_objects: config.durable_objects.bindings.map(({ name, class_name }) => ({ name, class_name })),
    queues: { producers: config.queues.producers ?? [], consumers: config.queues.consumers ?? [] },
    ratelimits: (config.ratelimits ?? []).map(({ name, simple }) => ({ name, simple })),
    vars: config.vars,
    ...(config.assets ? { assets: { binding: config.assets.binding, directory: "assets" } } : {}),
  };
  writeFileSync(join(out, "wrangler.json"), `${JSON.stringify(built, null, 2)}\n`);
  rmSync(join(dist, "migrations"), { recursive: true, force: true });
  cpSync(join(root, "schema", "migrations"), join(dist, "migrations"), { recursive: true });
}

async function buildClient() {
  const { build } = await import("esbuild");
  // The client: fetch only, types only from the schemas, so nothing external at all.
  await build({ ...common, entryPoints: [join(root, "workers", "client", "index.ts")], outfile: join(dist, "client", "index.js"), platform: "neutral" });
}

async function buildLibraries() {
  const { build } = await import("esbuild");
  await buildClient();
  // The kit: its npm dependencies stay imports (installed with the package).
  // The kit's client is the package's client (one InventoryApiError class, one copy).
  const clientFromPackage = {
    name: "client-from-package",
    setup(build) {
      build.onResolve({ filter: /workers\/client$/ }, () => ({ path: "../client/index.js", external: true }));
    },
  };
  await build({
    ...common,
    entryPoints: [join(root, "test", "kit", "index.ts")],
    outfile: join(dist, "testing", "index.js"),
    platform: "node",
    packages: "external",
    plugins: [clientFromPackage],
  });

  rmSync(join(dist, "types"), { recursive: true, force: true });
  run(["typescript", "bin", "tsc"], ["-p", "tsconfig.build.json"]);
  // Relative imports in the emitted .d.ts get their extension, so `moduleResolution: node16`
  // finds them as well as `bundler` does.
  for (const file of walk(join(dist, "types"))) {
    if (!file.endsWith(".d.ts")) continue;
    const text = readFileSync(file, "utf8");
    const fixed = text.replace(/(from\s+["']|import\(["'])(\.{1,2}\/[^"']+?)(["'])/g, (match, head, path, tail) => {
      if (/\.(m?js|json)$/.test(path)) return match;
      const base = join(dirname(file), path);
      if (existsSync(`${base}.d.ts`)) return `${head}${path}.js${tail}`;
      if (existsSync(join(base, "index.d.ts"))) return `${head}${path}/index.js${tail}`;
      if (existsSync(`${base}.d.mts`)) return `${head}${path}.mjs${tail}`;
      return match;
    });
    if (fixed !== text) writeFileSync(file, fixed);
  }
  // tsc does not copy hand-written declarations of .mjs files.
  for (const file of ["scripts/lib/database.d.mts", "scripts/lib/miniflare-wiring.d.mts"]) {
    mkdirSync(dirname(join(dist, "types", file)), { recursive: true });
    cpSync(join(root, file), join(dist, "types", file));
  }
}

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

if (clientOnly) await buildClient();
else {
  await buildWorker();
  if (!workerOnly) await buildLibraries();
}
console.log(`built ${relative(process.cwd(), dist) || "dist"}${workerOnly ? " (worker only)" : clientOnly ? " (client only)" : ""}`);
