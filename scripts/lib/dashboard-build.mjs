// `npm start` builds the dashboard first (its prestart script); started as
// `node scripts/start.mjs` on a fresh clone there is no web/dist yet, and wrangler refuses to
// start without its assets folder ("assets.directory … does not exist"). So the script builds
// it then, saying so.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** Builds `dist` with `build` unless it holds a built dashboard (its index.html); true when it does afterwards. */
export function ensureDashboard(dist, build, say = console.log) {
  if (existsSync(join(dist, "index.html"))) return true;
  say(`Building the dashboard first (${dist} is missing; npm start builds it before it starts)…`);
  build();
  return existsSync(join(dist, "index.html"));
}

/** The project's own build (scripts/build-web.mjs) into `dist`, its output shown. */
export function buildWeb(root, dist) {
  return () => spawnSync(process.execPath, [join(root, "scripts", "build-web.mjs")], { cwd: root, stdio: "inherit", env: { ...process.env, WEB_DIST: dist } });
}
