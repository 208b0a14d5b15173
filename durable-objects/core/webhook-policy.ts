/**
 * Webhook delivery rules as plain functions: which subscriptions an event goes to, when a
 * failed delivery is tried again, and when it is given up.
 */

/**
 * The headers of a delivery (besides `content-type: application/json`): the event's type and id,
 * the subscription, the delivery (`d<n>`, unique within the webhook) and the signature. The
 * Webhooks object sends them; the OpenAPI document's `webhooks` describes them from here.
 */
export const DELIVERY_HEADERS = {
  event: "x-inventory-event",
  eventId: "x-inventory-event-id",
  webhook: "x-inventory-webhook",
  delivery: "x-inventory-delivery",
  signature: "x-inventory-signature",
} as const;
export const DELIVERY_USER_AGENT = "edge-inventory-webhooks/1";
/** `x-inventory-signature`: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export const SIGNATURE_PATTERN = /^t=(\d+),v1=([0-9a-f]{64})$/;
/** How long a receiver may take to answer (how many are sent at once: core/delivery-lanes.ts). */
export const SEND_TIMEOUT_MS = 10_000;

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

/**
 * Where a subscription lives. A whole-region one in its region's `Webhooks` object; a store's
 * in its store's own object, named by the store id, which never changes: a store that moves
 * region moves no subscription (nothing to lose halfway), and its cells need not know the
 * region. Ids say where: `wh_<region>_<hex>` and `whs_<hex>_<storeId>`.
 */
export type WebhookHome = { kind: "region"; region: string } | { kind: "store"; storeId: string };

export function webhookIdFor(home: WebhookHome, hex: string): string {
  return home.kind === "region" ? `wh_${home.region}_${hex}` : `whs_${hex}_${home.storeId}`;
}

/** The home named by an id (the id's shape is checked by the API schema). */
export function webhookHomeOf(id: string): WebhookHome | null {
  const region = /^wh_([a-z-]+)_[0-9a-f]{32}$/.exec(id);
  if (region) return { kind: "region", region: region[1]! };
  const store = /^whs_[0-9a-f]{32}_(.+)$/.exec(id);
  return store ? { kind: "store", storeId: store[1]! } : null;
}

/** The `Webhooks` object's name for a home (regions keep their plain names). */
export function webhooksObjectName(home: WebhookHome): string {
  return home.kind === "region" ? home.region : `store:${home.storeId}`;
}

/**
 * A store's region as its webhooks object last heard it. The directory counts each change of
 * a store's region (`rev`); notices may arrive late, twice or out of order, and only a later
 * one replaces what is known.
 */
export interface StorePlacement {
  region: string;
  rev: number;
}

export function isNewerPlacement(known: StorePlacement | null, incoming: StorePlacement): boolean {
  return known === null || incoming.rev > known.rev;
}
