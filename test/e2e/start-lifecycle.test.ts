// `npm start` (scripts/start.mjs) leaves nothing behind: Ctrl-C stops wrangler and workerd and
// frees the data folder; killed outright (SIGKILL), its leash (scripts/lib/leash.mjs) stops
// them, so no orphan keeps serving the folder's Durable Object files.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { lockDataDir } from "../../scripts/lib/data-lock.mjs";
import { freePort, portIsFree } from "../../scripts/lib/free-port.mjs";
import { exitedWithin, spawnStart } from "../support/local-start";

const parent = mkdtempSync(join(tmpdir(), "start-lifecycle-"));
const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(parent, { recursive: true, force: true });
});

async function startService(name: string, env: Record<string, string> = {}) {
  const port = await freePort("127.0.0.1", { alsoFree: [1000] });
  const dataDir = join(parent, name);
  const { child, ready, output } = spawnStart({ PORT: String(port), INSPECTOR_PORT: String(port + 1000), DATA_DIR: dataDir, ...env });
  started.push(child);
  await ready;
  const health = await fetch(`http://127.0.0.1:${port}/v1/health`);
  expect(health.status).toBe(200);
  // wrangler's request.cf places no local caller (not its placeholder Austin, Texas): DEFAULT_REGION.
  expect(health.headers.get("x-inventory-region")).toBe("eu-central");
  return { child, port, dataDir, output };
}

/** Waits (up to `ms`) until nothing listens on the port any more. */
async function portFreed(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await portIsFree(port, "127.0.0.1")) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

it("runs the cron's work on its schedule (wrangler dev never fires crons), then stops everything on Ctrl-C (SIGINT) and frees the data folder", { timeout: 120_000 }, async () => {
  const { child, port, dataDir, output } = await startService("interrupted", { LOCAL_CRON_SECONDS: "2" });
  expect(output()).toContain("Cron         every 2 s (reconciliation, sweep)");
  const deadline = Date.now() + 20_000;
  while (!/\[cron\] store maintenance queued for \d+ stores/.test(output()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  expect(output()).toMatch(/\[cron\] store maintenance queued for 6 stores/);
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  expect(output()).not.toContain("[cron] the cron's run failed");
  child.kill("SIGINT");
  expect(await exitedWithin(child, 30_000)).toBe(true);
  expect(child.exitCode).toBe(0);
  expect(await portFreed(port, 20_000)).toBe(true);
  expect(await portFreed(port + 1000, 20_000)).toBe(true);
  const release = await lockDataDir(dataDir);
  expect(release).toBeTypeOf("function");
  await release!();
});

it("stops wrangler and workerd when it is killed outright (SIGKILL)", { timeout: 120_000 }, async () => {
  const { child, port } = await startService("killed");
  child.kill("SIGKILL");
  await exitedWithin(child, 30_000);
  // The leash sends SIGTERM, then SIGKILL 5 s later; 20 s is the bound, not the expectation.
  expect(await portFreed(port, 20_000)).toBe(true);
  expect(await portFreed(port + 1000, 20_000)).toBe(true);
  const health = await fetch(`http://127.0.0.1:${port}/v1/health`).catch((error: unknown) => error);
  expect(health).toBeInstanceOf(Error);
});
