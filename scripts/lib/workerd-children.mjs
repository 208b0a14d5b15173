// The workerd processes this Node process started (through Miniflare, which spawns workerd as
// its child and does not say its pid). Linux only: elsewhere, none are found.
import { readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";

/**
 * Children of this Node process that run a workerd binary: workerd itself, or a tool that
 * runs it (valgrind for bench/instructions.mjs, whose process is named after the tool).
 */
export function childWorkerdPids() {
  const pids = [];
  let entries;
  try {
    entries = readdirSync("/proc");
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid ..." — comm may hold spaces, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== process.pid) continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (args.some((arg) => basename(arg) === "workerd")) pids.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}
