import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  FORGET_STEP_MS,
  HISTORY_MARGIN_MS,
  REPLAY_POLICY,
  SETTLED_RETENTION_MS,
  allocate,
  emptyCell,
  historyCutoffs,
  isForgettable,
  replayEvents,
  type ReplayHistory,
  type StoreEvent,
} from "../../../durable-objects/core";

const NOW_MS = Date.parse("2026-11-24T12:00:00.000Z");
const NOW = new Date(NOW_MS).toISOString();
const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** What a cell remembers of an earlier event: its device time, and when the cell took it (server time). */
interface Remembered {
  eventId: string;
  at: number;
  receivedAt: number;
  delta: number;
}

/**
 * The adapter's memory as ReplayHistory: the ids in store_events, and the ledger's relative
 * changes by effective time. The two tables are forgotten by different clocks, so they are
 * passed apart.
 */
function historyOf(storeEvents: Remembered[], ledger: Remembered[]): ReplayHistory {
  return {
    seen: (eventId) => (storeEvents.some((entry) => entry.eventId === eventId) ? "judged" : undefined),
    relativeAfter: (at) => ledger.reduce((sum, entry) => (iso(entry.at) > at ? sum + entry.delta : sum), 0),
  };
}

/** Earlier events, each taken by the cell within the replay window of its device time (never more than the skew early). */
const rememberedEvent = fc
  .record({
    // Many near the replay window's edge, where forgetting too early would show.
    receivedDaysAgo: fc.oneof(fc.double({ min: 6.9, max: 7.1, noNaN: true }), fc.double({ min: 5, max: 10, noNaN: true }), fc.double({ min: 0, max: 40, noNaN: true })),
    lateBy: fc.oneof(
      fc.double({ min: -REPLAY_POLICY.maxFutureSkewMs / DAY_MS, max: 0.1, noNaN: true }),
      fc.double({ min: -REPLAY_POLICY.maxFutureSkewMs / DAY_MS, max: REPLAY_POLICY.windowMs / DAY_MS, noNaN: true }),
    ),
    delta: fc.integer({ min: -3, max: 3 }),
  })
  .map(({ receivedDaysAgo, lateBy, delta }) => {
    const receivedAt = NOW_MS - receivedDaysAgo * DAY_MS;
    return { at: Math.round(receivedAt - lateBy * DAY_MS), receivedAt: Math.round(receivedAt), delta };
  });

describe("what a cell forgets (historyCutoffs)", () => {
  it("never changes a replay: the stock and every change are the same, and a resent forgotten event still changes nothing", () => {
    fc.assert(
      fc.property(
        fc.array(rememberedEvent, { maxLength: 12 }),
        fc.array(
          fc.record({
            resend: fc.nat(11),
            fresh: fc.boolean(),
            set: fc.boolean(),
            daysAgo: fc.double({ min: 0, max: 9, noNaN: true }),
            value: fc.integer({ min: 0, max: 50 }),
          }),
          { maxLength: 6 },
        ),
        (earlier, batch) => {
          const remembered: Remembered[] = earlier.map((entry, index) => ({ eventId: `old-${index}`, at: entry.at, receivedAt: entry.receivedAt, delta: entry.delta }));
          // As forgetHistory does: store_events by the event's device time (its `at`), the ledger
          // by server time (a row's effective time is at most the skew later than that).
          const cut = Date.parse(historyCutoffs(NOW_MS).judgedBefore);
          const keptEvents = remembered.filter((entry) => entry.at >= cut);
          const keptLedger = remembered.filter((entry) => entry.receivedAt >= cut);
          const events: StoreEvent[] = batch.map((entry, index) => {
            const resent = remembered[entry.resend];
            if (!entry.fresh && resent) return { eventId: resent.eventId, at: iso(resent.at), type: "adjust", sku: "k", delta: resent.delta, reason: "correction" };
            const at = iso(NOW_MS - entry.daysAgo * DAY_MS);
            return entry.set
              ? { eventId: `new-${index}`, at, type: "set", sku: "k", onHand: entry.value }
              : { eventId: `new-${index}`, at, type: "adjust", sku: "k", delta: 1, reason: "receive" };
          });
          const allocated = allocate(emptyCell("s", "k", NOW), { onHand: 20, channels: {}, sharedPolicy: "first-come" }, NOW);
          if (!allocated.ok) throw new Error("allocation failed");

          const full = replayEvents(allocated.state, historyOf(remembered, remembered), events, NOW);
          const pruned = replayEvents(allocated.state, historyOf(keptEvents, keptLedger), events, NOW);
          expect(pruned.state).toEqual(full.state);
          expect(pruned.changes).toEqual(full.changes);
          // Every answer too: an event older than the window is too_old whether or not its id is remembered.
          expect(pruned.outcomes).toEqual(full.outcomes);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it("forgets an ended hold only once its reservation, settled within the margin after it, is forgotten too", () => {
    const instant = fc.integer({ min: Date.parse("2020-01-01"), max: Date.parse("2100-01-01") });
    // The reservation settles after its cells ended the hold, usually within milliseconds.
    const settledLater = fc.integer({ min: 0, max: HISTORY_MARGIN_MS - FORGET_STEP_MS });
    // Many near the reservation's own 30 days, where forgetting the hold too early would show.
    const sinceEnded = fc.oneof(fc.integer({ min: 29 * DAY_MS, max: 32 * DAY_MS }), fc.integer({ min: 0, max: 40 * DAY_MS }));
    fc.assert(
      fc.property(instant, settledLater, sinceEnded, (ended, later, since) => {
        const now = ended + since;
        const cutoffs = historyCutoffs(now);
        expect(Date.parse(cutoffs.endedHoldsBefore)).toBeLessThan(now - SETTLED_RETENTION_MS);
        expect(Date.parse(cutoffs.judgedBefore)).toBeLessThan(now - REPLAY_POLICY.windowMs - REPLAY_POLICY.maxFutureSkewMs);
        const holdForgotten = iso(ended) < cutoffs.endedHoldsBefore;
        const reservation = { phase: "confirmed" as const, updatedAt: iso(ended + later) };
        if (holdForgotten) expect(isForgettable(reservation, now)).toBe(true);
      }),
    );
  });
});
