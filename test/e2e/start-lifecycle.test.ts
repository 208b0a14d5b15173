// `npm start` (scripts/start.mjs) leaves nothing behind: Ctrl-C stops wrangler and workerd and
// frees the data folder; killed outright (SIGKILL), its leash (scripts/lib/leash.mjs) stops
// them, so no orphan keeps serving the folder's Durable Object files.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { DATA_LOCK_STALE_MS, lockDataDir } from "../../scripts/lib/data-lock.mjs";
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
  expect(output()).toContain("stopping (SIGINT)");
  expect(await portFreed(port, 20_000)).toBe(true);
  expect(await portFreed(port + 1000, 20_000)).toBe(true);
  const release = await lockDataDir(dataDir);
  expect(release).toBeTypeOf("function");
  await release!();
});

/** The processes started under `pid`, each with its command line (Linux /proc). */
function descendants(pid: number): Array<{ pid: number; args: string }> {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      // The fields after the command's closing parenthesis: state, then the parent's pid.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(parent, [...(parents.get(parent) ?? []), Number(entry)]);
    } catch {
      /* ended meanwhile */
    }
  }
  const found: Array<{ pid: number; args: string }> = [];
  const queue = [...(parents.get(pid) ?? [])];
  while (queue.length > 0) {
    const next = queue.shift()!;
    try {
      found.push({ pid: next, args: readFileSync(`/proc/${next}/cmdline`, "utf8").replaceAll("\0", " ") });
    } catch {
      continue;
    }
    queue.push(...(parents.get(next) ?? []));
  }
  return found;
}

it("keeps the admin token, the signing secret and the database URL out of every process's arguments (ps shows them to all), and the Worker still gets them", { timeout: 120_000 }, async () => {
  // What a dotenv file could misread: a $NAME (expanded), a quote, a # (a comment).
  const adminToken = "local$HOME-it's#1";
  const { child, port, dataDir } = await startService("private", { ADMIN_TOKEN: adminToken });
  try {
    const secrets = { ADMIN_TOKEN: adminToken, TOKEN_SECRET: (JSON.parse(readFileSync(join(dataDir, "local-secrets.json"), "utf8")) as { TOKEN_SECRET: string }).TOKEN_SECRET };
    const processes = descendants(child.pid!);
    expect(processes.some(({ args }) => /workerd/.test(args)), processes.map(({ args }) => args).join("\n")).toBe(true);
    for (const { args } of processes) {
      expect(args).not.toContain(secrets.ADMIN_TOKEN);
      expect(args).not.toContain(secrets.TOKEN_SECRET);
      expect(args).not.toMatch(/postgres(ql)?:\/\//);
    }
    // The Worker has them: the admin token signs in, a minted token verifies, the reports answer, local mode is on.
    const admin = { authorization: `Bearer ${secrets.ADMIN_TOKEN}`, "content-type": "application/json" };
    const minted = await fetch(`http://127.0.0.1:${port}/v1/admin/tokens`, { method: "POST", headers: admin, body: JSON.stringify({ role: "manager", regions: ["eu-central"] }) });
    expect(minted.status).toBe(201);
    const { token } = (await minted.json()) as { token: string };
    expect((await fetch(`http://127.0.0.1:${port}/v1/reports/stock?limit=1`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/v1/admin/local/cron`, { method: "POST", headers: admin })).status).toBe(200);
  } finally {
    child.kill("SIGINT");
    await exitedWithin(child, 30_000);
  }
});

it("stops when the npm that launched it is stopped without it (a signal to npm's pid alone), and frees the data folder", { timeout: 120_000 }, async () => {
  const port = await freePort("127.0.0.1", { alsoFree: [1000] });
  const dataDir = join(parent, "launched");
  // npm runs a script as npm → sh → node and, stopped by a signal of its own, leaves the script running.
  const npm = spawn(
    process.execPath,
    ["-e", "const c = require('node:child_process').spawn('sh', ['-c', process.argv[1]], { stdio: 'inherit' }); c.on('exit', (code) => process.exit(code ?? 1));", `"${process.execPath}" scripts/start.mjs`],
    { cwd: join(fileURLToPath(import.meta.url), "..", "..", ".."), stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, DATABASE_URL: "", npm_lifecycle_event: "start", PORT: String(port), INSPECTOR_PORT: String(port + 1000), DATA_DIR: dataDir } },
  );
  started.push(npm);
  let output = "";
  for (const stream of [npm.stdout!, npm.stderr!]) stream.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 90_000;
  while (!output.includes("Press Ctrl-C to stop.") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
  expect(output).toContain("Press Ctrl-C to stop.");
  npm.kill("SIGTERM");
  expect(await portFreed(port, 20_000), output.slice(-2000)).toBe(true);
  expect(await portFreed(port + 1000, 20_000)).toBe(true);
  // The script lets go of the folder when it exits, a moment after its runtime's ports. Waited
  // for less than a dead holder's lock takes to go stale: only the script's own exit frees it.
  let release: Awaited<ReturnType<typeof lockDataDir>> = null;
  for (const deadline = Date.now() + DATA_LOCK_STALE_MS - 2_000; !release && Date.now() < deadline; ) {
    release = await lockDataDir(dataDir);
    if (!release) await new Promise((resolve) => setTimeout(resolve, 250));
  }
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

it("started with node from a shell that then exits (no npm), keeps running until it is stopped", { timeout: 120_000 }, async () => {
  const port = await freePort("127.0.0.1", { alsoFree: [1000] });
  const dataDir = join(parent, "from-a-shell");
  const log = join(parent, "from-a-shell.log");
  // The shell starts it in the background, waits until it serves, prints its pid and ends.
  const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: "", PORT: String(port), INSPECTOR_PORT: String(port + 1000), DATA_DIR: dataDir };
  delete env.npm_lifecycle_event; // run as `node scripts/start.mjs`, not by npm
  const shell = spawn(
    "sh",
    ["-c", `"${process.execPath}" scripts/start.mjs > "${log}" 2>&1 < /dev/null & echo $!; while ! grep -q "Press Ctrl-C to stop." "${log}" 2>/dev/null; do sleep 0.2; done`],
    { cwd: join(fileURLToPath(import.meta.url), "..", "..", ".."), stdio: ["ignore", "pipe", "inherit"], env },
  );
  let printed = "";
  shell.stdout!.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  expect(await exitedWithin(shell, 90_000)).toBe(true);
  const pid = Number(printed.trim());
  expect(pid).toBeGreaterThan(1);
  try {
    // The launcher watch looked every second: three of its looks after the shell is gone.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect((await fetch(`http://127.0.0.1:${port}/v1/health`)).status, readFileSync(log, "utf8").slice(-2000)).toBe(200);
    expect(readFileSync(log, "utf8")).not.toContain("launcher has gone");
  } finally {
    try {
      process.kill(pid, "SIGINT");
    } catch {
      /* it had stopped: the expectations above say why */
    }
  }
  expect(await portFreed(port, 30_000)).toBe(true);
});

it("says so and stops when workerd dies under a wrangler that stays up (a segfault), instead of keeping a dead port", { timeout: 120_000 }, async () => {
  const { child, port, output } = await startService("runtime-died", { HEALTH_WATCH_MS: "500" });
  // start.mjs → leash → wrangler → workerd: the binary, not an argument (a data folder's path may say "workerd").
  const runtimes = descendants(child.pid!)
    .filter(({ args }) => args.split(" ")[0]!.endsWith("/workerd"))
    .map(({ pid }) => pid);
  expect(runtimes.length).toBeGreaterThan(0);
  for (const pid of runtimes) process.kill(pid, "SIGSEGV");
  expect(await exitedWithin(child, 60_000), output().slice(-2000)).toBe(true);
  expect(child.exitCode).toBe(1);
  expect(output()).toMatch(/The Worker has not answered .*\/v1\/health for about \d+ s: workerd has stopped/);
  expect(await portFreed(port, 20_000)).toBe(true);
});
