// `npm start` (scripts/start.mjs) leaves nothing behind: Ctrl-C stops wrangler and workerd and
// frees the data folder; killed outright (SIGKILL), its leash (scripts/lib/leash.mjs) stops
// them, so no orphan keeps serving the folder's Durable Object files.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { lockDataDir } from "../../scripts/lib/data-lock.mjs";
import { freePort, portIsFree } from "../../scripts/lib/free-port.mjs";

const root = join(import.meta.dirname, "..", "..");
const parent = mkdtempSync(join(tmpdir(), "start-lifecycle-"));
const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(parent, { recursive: true, force: true });
});

async function startService(name: string) {
  const port = await freePort("127.0.0.1", { alsoFree: [1000] });
  const dataDir = join(parent, name);
  const child = spawn(process.execPath, [join(root, "scripts", "start.mjs")], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PORT: String(port), INSPECTOR_PORT: String(port + 1000), DATA_DIR: dataDir, DATABASE_URL: "" },
  });
  started.push(child);
  let output = "";
  await new Promise<void>((resolve, reject) => {
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        output += chunk;
        if (output.includes("Press Ctrl-C to stop.")) resolve();
      });
    }
    child.once("exit", (code) => reject(new Error(`start.mjs exited (${code}) before it was ready:\n${output.slice(-3000)}`)));
  });
  const health = await fetch(`http://127.0.0.1:${port}/v1/health`);
  expect(health.status).toBe(200);
  return { child, port, dataDir };
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

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));

it("stops everything on Ctrl-C (SIGINT) and frees the data folder", { timeout: 120_000 }, async () => {
  const { child, port, dataDir } = await startService("interrupted");
  child.kill("SIGINT");
  expect(await exited(child)).toBe(0);
  expect(await portFreed(port, 20_000)).toBe(true);
  expect(await portFreed(port + 1000, 20_000)).toBe(true);
  const release = await lockDataDir(dataDir);
  expect(release).toBeTypeOf("function");
  await release!();
});

it("stops wrangler and workerd when it is killed outright (SIGKILL)", { timeout: 120_000 }, async () => {
  const { child, port } = await startService("killed");
  child.kill("SIGKILL");
  await exited(child);
  // The leash sends SIGTERM, then SIGKILL 5 s later; 20 s is the bound, not the expectation.
  expect(await portFreed(port, 20_000)).toBe(true);
  expect(await portFreed(port + 1000, 20_000)).toBe(true);
  const health = await fetch(`http://127.0.0.1:${port}/v1/health`).catch((error: unknown) => error);
  expect(health).toBeInstanceOf(Error);
});
