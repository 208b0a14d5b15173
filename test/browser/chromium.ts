import { existsSync } from "node:fs";

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it when missing). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Whether the browser tests can run. Without Chromium they fail under CI (where .ci/run
 * installs it, so a missing one is a broken setup) and are skipped with a warning elsewhere.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`;
  if (process.env.CI) throw new Error(`${message}. CI is set, so the browser tests fail instead of skipping.`);
  console.warn(`\n⚠ SKIPPING the browser tests: ${message}.\n`);
  return false;
}
