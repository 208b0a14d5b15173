// One `npm start` per data folder. Two would run two workerd processes over the same Durable
// Object files, two live copies of every stock cell (the single-writer rule gone), and two
// PGlite instances over one database folder.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import lockfile from "proper-lockfile";

/** A lock whose holder stopped refreshing it (killed) is free again after this long. */
export const DATA_LOCK_STALE_MS = 10_000;

/**
 * Takes the data folder's lock, or answers null when another process holds it. The lock is
 * released when this process exits, however it exits but SIGKILL (then it goes stale).
 */
export async function lockDataDir(dataDir) {
  mkdirSync(dataDir, { recursive: true });
  try {
    return await lockfile.lock(dataDir, {
      lockfilePath: join(dataDir, "npm-start.lock"),
      stale: DATA_LOCK_STALE_MS,
      // The default throws, which would take the running service down with it.
      onCompromised: (error) => console.error(`warning: lost the lock on ${dataDir} (${error.message}); another npm start could now take this data folder`),
    });
  } catch (error) {
    if (error?.code === "ELOCKED") return null;
    throw error;
  }
}
