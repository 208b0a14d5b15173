// `npm start` (scripts/start.mjs) as the tests run it: the browser tests' stack, and the
// tests of what start.mjs refuses and how it stops.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const startScript = fileURLToPath(new URL("../../scripts/start.mjs", import.meta.url));

export interface LocalStart {
  child: ChildProcess;
  /** Resolves when start.mjs says it is serving; rejects if it exits first. */
  ready: Promise<void>;
  /** Everything it printed so far, stdout and stderr together. */
  output: () => string;
}

/**
 * Starts scripts/start.mjs with these environment variables on top of this process's (the
 * reports on its embedded PGlite unless DATABASE_URL is given), in a process group of its own.
 */
export function spawnStart(env: Record<string, string>): LocalStart {
  const child = spawn(process.execPath, [startScript], {
    cwd: join(startScript, "..", ".."),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DATABASE_URL: "", ...env },
  });
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        output += chunk;
        if (output.includes("Press Ctrl-C to stop.")) resolve();
      });
    }
    // "close", not "exit": by then every line it printed has been read.
    child.once("close", (code) => reject(new Error(`scripts/start.mjs exited (${code}) before it was ready:\n${output.slice(-4000)}`)));
  });
  ready.catch(() => {}); // a caller that only waits for the exit need not await it
  return { child, ready, output: () => output };
}

/** Whether the process has exited (and its output has been read) within `ms`. */
export function exitedWithin(child: ChildProcess, ms: number): Promise<boolean> {
  if ((child.exitCode !== null || child.signalCode !== null) && child.stdout?.readableEnded !== false) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("close", () => (clearTimeout(timer), resolve(true)));
  });
}
