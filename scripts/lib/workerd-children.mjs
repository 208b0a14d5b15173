// The workerd processes this Node process started (through Miniflare, which spawns workerd as
// its child and does not say its pid). Linux only: elsewhere, none are found.
import { readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { parentOf } from "./launcher-watch.mjs";

/** Whether the process runs a workerd binary: workerd itself, or a tool that runs it (valgrind for bench/instructions.mjs, named after the tool). */
function runsWorkerd(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").some((arg) => basename(arg) === "workerd");
  } catch {
    return false; // exited meanwhile
  }
}

function processIds() {
  try {
    return readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).map(Number);
  } catch {
    return [];
  }
}

/** Children of this Node process that run workerd. */
export function childWorkerdPids() {
  return processIds().filter((pid) => parentOf(pid) === process.pid && runsWorkerd(pid));
}
