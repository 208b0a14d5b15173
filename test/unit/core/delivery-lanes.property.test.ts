import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DELIVERY_LIMITS, pickSendable, type LaneItem } from "../../../durable-objects/core/delivery-lanes";

const webhooks = ["a", "b", "c", "d", "e", "f"];
const due = (...webhookIds: string[]): LaneItem[] => webhookIds.map((webhookId, id) => ({ id, webhookId }));

describe("delivery lanes", () => {
  it("takes the oldest due deliveries, at most four per healthy receiver and eight in all", () => {
    const picked = pickSendable(due("a", "a", "a", "a", "a", "a", "b", "b", "c", "c", "c", "c", "c"), [], new Set());
    expect(picked.map((item) => item.webhookId)).toEqual(["a", "a", "a", "a", "b", "b", "c", "c"]);
  });

  it("gives a failing receiver one send at a time, so a healthy one behind it still goes now", () => {
    const picked = pickSendable(due("hung", "hung", "hung", "ok"), ["hung"], new Set(["hung"]));
    expect(picked.map((item) => item.webhookId)).toEqual(["ok"]);
  });

  it("never lets failing receivers take more than half of the sends", () => {
    const failing = new Set(["a", "b", "c", "d", "e", "f"]);
    const picked = pickSendable(due("a", "b", "c", "d", "e", "f", "ok"), [], failing);
    expect(picked.map((item) => item.webhookId)).toEqual(["a", "b", "c", "d", "ok"]);
  });

  it("keeps every limit whatever is due, in flight and failing; and takes what the limits allow, in order", () => {
    const item = fc.constantFrom(...webhooks);
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), fc.array(item, { maxLength: 10 }), fc.subarray(webhooks), (dueIds, inFlightIds, failingIds) => {
        const failing = new Set(failingIds);
        const inFlight = inFlightIds.slice(0, DELIVERY_LIMITS.total);
        const picked = pickSendable(due(...dueIds), inFlight, failing);
        const after = [...inFlight, ...picked.map((pick) => pick.webhookId)];
        const count = (id: string) => after.filter((webhookId) => webhookId === id).length;
        const failingAfter = after.filter((id) => failing.has(id)).length;
        const failingBefore = inFlight.filter((id) => failing.has(id)).length;
        // No limit is passed by what was picked (what was already in flight may be over).
        expect(picked.length === 0 || after.length <= DELIVERY_LIMITS.total).toBe(true);
        for (const id of new Set(picked.map((pick) => pick.webhookId))) {
          expect(count(id)).toBeLessThanOrEqual(failing.has(id) ? DELIVERY_LIMITS.perFailingWebhook : DELIVERY_LIMITS.perWebhook);
        }
        if (failingAfter > failingBefore) expect(failingAfter).toBeLessThanOrEqual(DELIVERY_LIMITS.failingTotal);
        // In order, and nothing left out that the limits would have let through.
        expect(picked.map((pick) => pick.id)).toEqual([...picked.map((pick) => pick.id)].sort((x, y) => x - y));
        const skipped = due(...dueIds).filter((candidate) => !picked.some((pick) => pick.id === candidate.id));
        if (after.length < DELIVERY_LIMITS.total) {
          for (const candidate of skipped) {
            const isFailing = failing.has(candidate.webhookId);
            const laneFull = count(candidate.webhookId) >= (isFailing ? DELIVERY_LIMITS.perFailingWebhook : DELIVERY_LIMITS.perWebhook);
            expect(laneFull || (isFailing && failingAfter >= DELIVERY_LIMITS.failingTotal)).toBe(true);
          }
        }
      }),
    );
  });
});
