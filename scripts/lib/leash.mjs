#!/usr/bin/env node
// `node leash.mjs <command> [args…]`: runs the command and stops it, with every process it
// started, when the parent that spawned the leash goes away. The parent holds the leash's
// stdin open; the kernel closes it however the parent ends, SIGKILL included, which no
// handler in the parent could cover. Spawn the leash detached, so that it leads a process
// group of its own, and stop it by signalling that group.
import { spawn } from "node:child_process";

const STOP_GRACE_MS = 5_000;
const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("usage: node leash.mjs <command> [args…]");
  process.exit(2);
}

const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });

let stopping = false;
function signalGroup(signal) {
  try {
    process.kill(-process.pid, signal);
  } catch {
    child.kill(signal); // not a group leader (spawned without `detached`)
  }
}
function stopGroup() {
  if (stopping) return;
  stopping = true;
  signalGroup("SIGTERM");
  setTimeout(() => signalGroup("SIGKILL"), STOP_GRACE_MS).unref();
}

child.on("exit", (code, signal) => {
  // Left alone, anything the command started and left behind (workerd) goes too.
  if (stopping) signalGroup("SIGKILL");
  process.exit(code ?? (signal ? 1 : 0));
});
child.on("error", (error) => {
  console.error(String(error));
  process.exit(1);
});

// A signal to the group reaches the child directly; the leash only waits for it to exit.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => {});

// Read to the end (nothing is ever written), so "close" comes when the parent's end closes.
process.stdin.on("close", stopGroup);
process.stdin.resume();
