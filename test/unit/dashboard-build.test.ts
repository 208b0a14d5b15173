// scripts/lib/dashboard-build.mjs: `node scripts/start.mjs` on a fresh clone builds the
// dashboard first (wrangler refuses to start without its assets folder).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { buildWeb, ensureDashboard } from "../../scripts/lib/dashboard-build.mjs";

const root = join(import.meta.dirname, "..", "..");

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
function dist(): string {
  const folder = mkdtempSync(join(tmpdir(), "dashboard-build-"));
  folders.push(folder);
  return join(folder, "dist");
}

test("a missing dashboard is built (the project's real build, into a folder of the test's), and said so", () => {
  const target = dist();
  const said: string[] = [];
  let builds = 0;
  const build = buildWeb(root, target);
  const built = ensureDashboard(target, () => {
    builds += 1;
    return build();
  }, (line) => said.push(line));
  expect([built, builds]).toEqual([true, 1]);
  expect(said).toEqual([expect.stringContaining("Building the dashboard first")]);
  // The whole of it: the dashboard and the vendored Swagger UI for /docs.
  expect(readdirSync(join(target, "vendor", "swagger-ui"))).toEqual(expect.arrayContaining(["swagger-ui-bundle.js", "swagger-ui.css"]));
});

test("a built dashboard is not built again", () => {
  const target = dist();
  mkdirSync(target, { recursive: true });
  writeFileSync(join(target, "index.html"), "<!doctype html>");
  let builds = 0;
  expect(ensureDashboard(target, () => (builds += 1), () => undefined)).toBe(true);
  expect(builds).toBe(0);
});

test("a build that leaves no dashboard is a failure (an empty folder is not a dashboard)", () => {
  const target = dist();
  mkdirSync(target, { recursive: true });
  expect(ensureDashboard(target, () => undefined, () => undefined)).toBe(false);
});
