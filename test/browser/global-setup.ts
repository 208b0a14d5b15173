// Starts the local stack the way `npm start` does (node scripts/start.mjs: PGlite, wrangler
// dev, demo data) on free ports with its data in a temporary folder, and stops it, with
// every process it started, when the browser tests end.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { freePort } from "../../scripts/lib/free-port.mjs";
import { exitedWithin, spawnStart } from "../support/local-start";
import { chromiumAvailable } from "./chromium";

export interface Stack {
  baseUrl: string;
  adminToken: string;
  /** The reporting database's proxy's fault switch (scripts/lib/ws-proxy.mjs): `{"down": true}`, then `{}`. */
  faultsUrl: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    stack: Stack | null;
  }
}

/** Every process below `pid` (start.mjs runs wrangler in a process group of its own). */
function descendants(pid: number): number[] {
  let table: Array<[number, number]>;
  try {
    table = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  } catch {
    return [];
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const [child, ppid] of table) if (ppid === parent) (found.push(child), queue.push(child));
  }
  return found;
}

export default async function setup(project: TestProject) {
  if (!chromiumAvailable()) {
    project.provide("stack", null);
    return;
  }
  const port = await freePort("127.0.0.1", { alsoFree: [1000] }); // and its inspector port
  const dataDir = mkdtempSync(join(tmpdir(), "dashboard-test-"));
  const adminToken = `test-admin-${randomBytes(12).toString("hex")}`;
  const baseUrl = `http://127.0.0.1:${port}`;
  const proxyPort = await freePort("127.0.0.1");
  const { child, ready, output } = spawnStart({ PORT: String(port), INSPECTOR_PORT: String(port + 1000), DATA_DIR: dataDir, ADMIN_TOKEN: adminToken, REPORTS_PROXY_PORT: String(proxyPort) });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the local stack was not ready within 150 s:\n${output().slice(-4000)}`)), 150_000).unref());

  const teardown = async () => {
    const stragglers = descendants(child.pid!);
    try {
      process.kill(-child.pid!, "SIGTERM"); // start.mjs stops wrangler and workerd, then the database
    } catch {
      /* already gone */
    }
    if (!(await exitedWithin(child, 20_000))) {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    // Anything start.mjs could not stop (wrangler has a process group of its own).
    for (const pid of [...stragglers, ...descendants(child.pid!)]) {
      try {
        process.kill(pid, 0);
        process.kill(pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await Promise.race([ready, timeout]);
  } catch (error) {
    await teardown();
    throw error;
  }
  project.provide("stack", { baseUrl, adminToken, faultsUrl: `http://127.0.0.1:${proxyPort}/__faults` });
  return teardown;
}
