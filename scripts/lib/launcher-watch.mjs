// `npm start` runs this script as npm → sh → node. A signal sent to npm's pid alone (an
// operator's `kill <npm pid>`, a container runtime stopping its first process) ends npm but
// not its child, which would keep serving, and keep holding the data folder's lock, with no
// one left to stop it. So the script watches the processes that launched it (its parent, and
// npm above it when npm ran it) and stops when one of them is gone. Ctrl-C reaches the whole
// group and needs none of this; `nohup npm start &` keeps npm alive, so it keeps running.
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";

/** The parent of `pid`, or undefined when it cannot be read (Linux /proc, else `ps`). */
export function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The fields after the command's closing parenthesis: state, then the parent's pid.
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) || undefined;
  } catch {
    const ps = spawnSync("ps", ["-o", "ppid=", "-p", String(pid)], { encoding: "utf8" });
    return Number(ps.stdout?.trim()) || undefined;
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

/** The processes to watch: the parent, and its parent too when npm ran this script (npm → sh → node). */
export function launchers() {
  const watched = [process.ppid];
  const grandparent = process.env.npm_lifecycle_event ? parentOf(process.ppid) : undefined;
  if (grandparent && grandparent > 1) watched.push(grandparent);
  return watched.filter((pid) => pid > 1);
}

/**
 * Calls `onGone` once when any launcher has ended (or this process was handed to another
 * parent). Only when npm ran this script: started as `node scripts/start.mjs`, from a shell or
 * a script that goes on or ends (`&`, `nohup`, a CI step), its parent is no owner to follow,
 * and a signal to this process stops it (until session 47 it stopped a second after the shell
 * that started it exited, blaming npm).
 */
export function watchLaunchers(onGone, periodMs = 1_000) {
  if (!process.env.npm_lifecycle_event) return () => undefined;
  const watched = launchers();
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent || watched.some((pid) => !isAlive(pid))) {
      clearInterval(timer);
      onGone();
    }
  }, periodMs);
  timer.unref();
  return () => clearInterval(timer);
}
