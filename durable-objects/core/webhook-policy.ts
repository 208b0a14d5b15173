/**
 * Webhook delivery rules as plain functions: which subscriptions an event goes to, when a
 * failed delivery is tried again, and when it is given up.
 */

/** First retry after this long; each later one waits twice as long, at most RETRY_MAX_MS. */
export const RETRY_BASE_MS = 30_000;
export const RETRY_MAX_MS = 3_600_000;
/** A delivery still failing this long after the event is marked failed (a person can replay it). */
export const GIVE_UP_AFTER_MS = 24 * 3_600_000;

/**
 * When attempt `attempts + 1` runs after `attempts` failures: base · 2^(attempts−1), capped,
 * with ±20 % jitter (`random` in [0, 1)) so many failing receivers do not retry in step.
 */
export function nextAttemptAt(nowMs: number, attempts: number, random: number, baseMs = RETRY_BASE_MS, maxMs = RETRY_MAX_MS): number {
  const delay = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return nowMs + Math.round(delay * (0.8 + 0.4 * random));
}

export function shouldGiveUp(createdAtMs: number, nextAtMs: number, giveUpAfterMs = GIVE_UP_AFTER_MS): boolean {
  return nextAtMs - createdAtMs > giveUpAfterMs;
}

export interface Subscription {
  events: readonly string[];
  /** A store subscription; absent for a whole-region one. */
  storeId?: string | null;
}

export function matches(subscription: Subscription, event: { type: string; storeId: string }): boolean {
  return subscription.events.includes(event.type) && (!subscription.storeId || subscription.storeId === event.storeId);
}

/** The text a receiver verifies: `t.body`, signed with HMAC-SHA256 under the webhook's secret. */
export function signedPayload(timestamp: number, body: string): string {
  return `${timestamp}.${body}`;
}
