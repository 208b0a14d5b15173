// A temporary folder for Miniflare's own temporary files, removed when asked (and, failing
// that, when the process exits). Miniflare makes a `miniflare-…` folder in the system's
// temporary folder and, at `dispose()`, removes it without waiting; a process that exits
// right after (a test runner's worker, the bench or crash test ending) kept it, with its
// objects' storage, and Miniflare's own exit hook is gone by then. Miniflare takes no option
// for the place, so the system's temporary folder is this one while Miniflare is made (its
// constructor is synchronous: nothing else runs meanwhile).
import { mkdtempSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** `prefix`: the folder's name before its random part, e.g. "edge-inventory-kit-". */
export function scratchFolder(prefix) {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  const onExit = () => rmSync(folder, { recursive: true, force: true });
  process.once("exit", onExit);
  return {
    folder,
    /** Runs `make` (a Miniflare's construction) with the system's temporary folder set to this one. */
    around(make) {
      const before = process.env.TMPDIR;
      process.env.TMPDIR = folder;
      try {
        return make();
      } finally {
        if (before === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = before;
      }
    },
    /** Removes the folder and what is in it (after the Miniflare's dispose). */
    async remove() {
      process.off("exit", onExit);
      await rm(folder, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}
