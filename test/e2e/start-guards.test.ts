// `npm start` (scripts/start.mjs) refuses a port it cannot have, and a data folder another
// `npm start` is using, before it starts anything: no database, no wrangler, and a message
// that says what is taken and what to do.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { lockDataDir } from "../../scripts/lib/data-lock.mjs";
import { freePort } from "../../scripts/lib/free-port.mjs";
import { exitedWithin, spawnStart } from "../support/local-start";

const parent = mkdtempSync(join(tmpdir(), "start-guards-"));
const dataDir = join(parent, "data");
let occupied: Server;
let port: number;

beforeAll(async () => {
  port = await freePort("127.0.0.1", { alsoFree: [1000] });
  occupied = createServer();
  await new Promise<void>((resolve) => occupied.listen(port, "127.0.0.1", resolve));
});
afterAll(async () => {
  await new Promise((resolve) => occupied?.close(resolve));
  rmSync(parent, { recursive: true, force: true });
});

/** Runs start.mjs to its end: each case here stops before serving. */
async function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const { child, output } = spawnStart({ DATA_DIR: dataDir, ...env });
  if (!(await exitedWithin(child, 30_000))) child.kill("SIGKILL");
  return { code: child.exitCode, stderr: output() };
}

it("stops at once when the port is taken, naming it and the way out", async () => {
  const { code, stderr } = await start({ PORT: String(port), INSPECTOR_PORT: String(port + 1000) });
  expect(code).toBe(1);
  expect(stderr).toContain(`The port ${port} on 127.0.0.1 is already in use`);
  expect(stderr).toContain("PORT=9000 npm start");
  expect(existsSync(dataDir)).toBe(false);
});

it("stops at once when the inspector port is taken", async () => {
  const { code, stderr } = await start({ PORT: String(port + 1000), INSPECTOR_PORT: String(port) });
  expect(code).toBe(1);
  expect(stderr).toContain(`The inspector port ${port} on 127.0.0.1 is already in use`);
  expect(stderr).toContain(`INSPECTOR_PORT=${port + 1} npm start`);
  expect(existsSync(dataDir)).toBe(false);
});

it("refuses a port that is not a number", async () => {
  const { code, stderr } = await start({ PORT: "eighty" });
  expect(code).toBe(1);
  expect(stderr).toContain('The port must be a number from 1 to 65535, not "eighty"');
  expect(existsSync(dataDir)).toBe(false);
});

it("stops at once when REPORTS_PROXY_PORT is taken or not a port, before the database starts", async () => {
  const free = await freePort("127.0.0.1", { alsoFree: [1000] });
  const taken = await start({ PORT: String(free), INSPECTOR_PORT: String(free + 1000), REPORTS_PROXY_PORT: String(port) });
  expect(taken.code).toBe(1);
  expect(taken.stderr).toContain(`The reports proxy port (REPORTS_PROXY_PORT) ${port} on 127.0.0.1 is already in use`);
  expect(taken.stderr).not.toMatch(/EADDRINUSE|Unhandled/);
  expect(existsSync(dataDir)).toBe(false);
  const word = await start({ PORT: String(free), INSPECTOR_PORT: String(free + 1000), REPORTS_PROXY_PORT: "abc" });
  expect(word.code).toBe(1);
  expect(word.stderr).toContain('The reports proxy port (REPORTS_PROXY_PORT) must be a number from 1 to 65535, not "abc"');
  expect(existsSync(dataDir)).toBe(false);
});

it("stops with one clear line when DATABASE_URL cannot be used, not a stack trace", async () => {
  const free = await freePort("127.0.0.1", { alsoFree: [1000] });
  const { code, stderr } = await start({ PORT: String(free), INSPECTOR_PORT: String(free + 1000), DATA_DIR: join(parent, "bad-database"), DATABASE_URL: "postgres://someone:secret@127.0.0.1:1/none" });
  expect(code).toBe(1);
  expect(stderr).toContain("could not migrate the reporting database at postgres://someone:***@127.0.0.1:1/none");
  expect(stderr).toContain("Check DATABASE_URL");
  expect(stderr).not.toContain("secret");
  expect(stderr).not.toMatch(/^\s+at /m);
});

it("refuses a data folder another npm start holds, and starts nothing in it", async () => {
  const shared = join(parent, "shared");
  const release = await lockDataDir(shared);
  expect(release).toBeTypeOf("function");
  try {
    const free = await freePort("127.0.0.1", { alsoFree: [1000] });
    const { code, stderr } = await start({ PORT: String(free), INSPECTOR_PORT: String(free + 1000), DATA_DIR: shared });
    expect(code).toBe(1);
    expect(stderr).toContain(`The data folder ${shared} is in use by another \`npm start\``);
    expect(stderr).toContain("DATA_DIR=");
    expect(readdirSync(shared)).toEqual(["npm-start.lock"]);
  } finally {
    await release!();
  }
  // Once released, the folder can be taken again.
  const again = await lockDataDir(shared);
  expect(again).toBeTypeOf("function");
  await again!();
});
