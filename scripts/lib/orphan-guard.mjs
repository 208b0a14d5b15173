// Stops the workerd processes a Node process started, and removes their folder, if that Node
// process is killed outright (SIGKILL, the OOM killer, a CI job cancelled): no handler in it
// runs then, and workerd, a child of its own, would go on serving on its port. The guard is
// a small detached Node process holding a pipe from this one; the kernel closes the pipe
// however this process ends. A normal stop says "release" first, and the guard leaves quietly.
import { spawn } from "node:child_process";

// Runs as `node -e GUARD <folder> <pid>…`: no file to ship beside the package's bundle.
const GUARD = `
const { readFileSync, rmSync } = require("node:fs");
const [folder, ...pids] = process.argv.slice(1);
let said = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { said += chunk; });
process.stdin.on("close", () => {
  if (said.includes("release")) process.exit(0);
  for (const pid of pids.map(Number)) {
    try {
      // Only a workerd still: the pid may have been reused since.
      if (!readFileSync("/proc/" + pid + "/cmdline", "utf8").includes("workerd")) continue;
      process.kill(pid, "SIGKILL");
    } catch {}
  }
  try { rmSync(folder, { recursive: true, force: true }); } catch {}
  process.exit(0);
});
process.stdin.resume();
`;

/**
 * Guards `pids` (and `folder`) until `release()`; does nothing when there are none to guard.
 * The guard does not keep this process alive.
 */
export function guardAgainstOrphans(pids, folder) {
  if (pids.length === 0) return { release() {} };
  const guard = spawn(process.execPath, ["-e", GUARD, folder, ...pids.map(String)], { detached: true, stdio: ["pipe", "ignore", "ignore"] });
  guard.on("error", () => undefined);
  guard.stdin.on("error", () => undefined);
  guard.unref();
  guard.stdin.unref?.();
  return {
    release() {
      if (guard.stdin.writable) guard.stdin.end("release");
    },
  };
}
