// Two builds of the dashboard at once (a second `npm start` or `npm test` on one checkout runs
// `build:web` while the first does) both succeed and leave one whole folder, not one build's
// half emptied by the other's (ENOTEMPTY before). WEB_DIST keeps web/dist out of it.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";

const parent = mkdtempSync(join(tmpdir(), "build-web-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

function buildWeb(dist: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["scripts/build-web.mjs"], { env: { ...process.env, WEB_DIST: dist }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, output })));
}

it("builds twice at once into one folder: both succeed, the folder is whole, nothing is left beside it", async () => {
  const dist = join(parent, "dist");
  const results = await Promise.all([buildWeb(dist), buildWeb(dist)]);
  for (const result of results) expect(result.code, result.output).toBe(0);
  expect(existsSync(join(dist, "index.html"))).toBe(true);
  expect(readdirSync(join(dist, "vendor", "swagger-ui")).sort()).toEqual(["init.js", "swagger-ui-bundle.js", "swagger-ui.css"]);
  expect(readdirSync(join(dist, "assets")).some((file) => file.endsWith(".js"))).toBe(true);
  expect(readdirSync(parent)).toEqual(["dist"]);
});
