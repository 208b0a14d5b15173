/**
 * Which due webhook deliveries to send now, so that no receiver holds up another's: each
 * webhook has a lane of a few sends at a time, one while its receiver is failing (a hung or
 * erroring receiver then ties up one send, not the object's), and the failing lanes together
 * never take more than half of the object's sends.
 */
export const DELIVERY_LIMITS = {
  /** Sends in flight in one Webhooks object. */
  total: 8,
  /** Sends in flight to one healthy receiver. */
  perWebhook: 4,
  /** Sends in flight to one receiver whose last attempt failed. */
  perFailingWebhook: 1,
  /** Sends in flight to failing receivers, all together. */
  failingTotal: 4,
} as const;

export interface LaneItem {
  id: number;
  webhookId: string;
}

/**
 * From `due` (oldest first, none of them in flight), the deliveries to start, in order, given
 * the webhooks of the sends in flight and the webhooks whose receivers are failing.
 */
export function pickSendable(
  due: readonly LaneItem[],
  inFlight: readonly string[],
  failing: ReadonlySet<string>,
  limits: typeof DELIVERY_LIMITS = DELIVERY_LIMITS,
): LaneItem[] {
  const perWebhook = new Map<string, number>();
  let total = 0;
  let failingTotal = 0;
  const take = (webhookId: string) => {
    perWebhook.set(webhookId, (perWebhook.get(webhookId) ?? 0) + 1);
    total += 1;
    if (failing.has(webhookId)) failingTotal += 1;
  };
  for (const webhookId of inFlight) take(webhookId);
  const picked: LaneItem[] = [];
  for (const item of due) {
    if (total >= limits.total) break;
    const isFailing = failing.has(item.webhookId);
    const laneLimit = isFailing ? limits.perFailingWebhook : limits.perWebhook;
    if ((perWebhook.get(item.webhookId) ?? 0) >= laneLimit) continue;
    if (isFailing && failingTotal >= limits.failingTotal) continue;
    take(item.webhookId);
    picked.push(item);
  }
  return picked;
}
