import { nextAttemptAt } from "./webhook-policy";

/**
 * Calls `attempt` until it resolves, at most `attempts` times, waiting between tries as the
 * project's one backoff rule says (`nextAttemptAt`: doubling from `baseDelayMs`, ±20 %
 * jitter). For calls that are safe to repeat (idempotent by an id) and whose failures are
 * often transient: an object reset, or a local runtime briefly out of memory for SQLite
 * (`SQLITE_NOMEM`) while thousands of new objects are open.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  { attempts = 4, baseDelayMs = 100, sleep = defaultSleep, random = Math.random }: { attempts?: number; baseDelayMs?: number; sleep?: (ms: number) => Promise<void>; random?: () => number } = {},
): Promise<T> {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= attempts) throw error;
      await sleep(nextAttemptAt(0, tried, random(), baseDelayMs));
    }
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
